"""GET /api/v1/: the resources the API serves, each with its URL (401 for anonymous users, like the rest)."""

from __future__ import annotations

from django.urls import URLResolver, get_resolver, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# The URL namespaces whose list routes make up the API (each app's api/urls.py sets its app_name).
API_NAMESPACES = ("sitesel_api", "orchestration_api", "changelog_api")


def _list_routes(namespace: str) -> dict[str, str]:
    """name -> path of every argument-free list route in `namespace` ("sites" -> "/api/v1/sites/")."""
    resolver = get_resolver()
    if namespace not in resolver.namespace_dict:
        return {}
    _, sub = resolver.namespace_dict[namespace]
    routes: dict[str, str] = {}
    for pattern in sub.url_patterns:
        if isinstance(pattern, URLResolver) or not (pattern.name or "").endswith("-list"):
            continue
        if pattern.pattern.regex.groups:
            continue
        url = reverse(f"{namespace}:{pattern.name}")
        routes[url.rstrip("/").rsplit("/", 1)[-1]] = url
    return routes


class ApiRoot(APIView):
    """Every collection the API serves, with links to the schema and its documentation."""

    supplier_reads = True

    @extend_schema(
        responses=inline_serializer(
            "ApiRoot",
            {"resources": serializers.DictField(child=serializers.CharField()), "schema": serializers.CharField(),
             "docs": serializers.CharField()},
        ),
        tags=["root"],
    )
    def get(self, request: Request) -> Response:
        resources: dict[str, str] = {}
        for namespace in API_NAMESPACES:
            resources.update(_list_routes(namespace))
        absolute = {name: request.build_absolute_uri(url) for name, url in sorted(resources.items())}
        return Response(
            {
                "resources": absolute,
                "schema": request.build_absolute_uri(reverse("schema")),
                "docs": request.build_absolute_uri(reverse("redoc")),
            }
        )
