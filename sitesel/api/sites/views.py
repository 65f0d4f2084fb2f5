"""Candidate sites: list, map, create, edit, status moves, facts."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    ERROR_400,
    ERROR_401,
    ERROR_403,
    ERROR_404,
    ERROR_409,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorResponseSerializer,
)
from sitesel import selectors
from sitesel.api.pagination import BoundedGeoJsonPagination
from sitesel.api.sites.filters import SiteFilter, ValidatedInBBoxFilter
from sitesel.api.sites.serializers import (
    SiteGeoSerializer,
    SiteListSerializer,
    SiteSerializer,
    SiteStatusChangeSerializer,
    SiteStatusEventSerializer,
)
from sitesel.models import Site
from sitesel.services.site_edit import site_create, site_delete, site_update
from sitesel.services.sites import site_status_change

ERROR_429_LOCKED = OpenApiResponse(
    ErrorResponseSerializer,
    description="Locked out after too many failed sign-ins for this username or from this address (code "
    "`locked_out`); retry after Retry-After seconds.",
)


@extend_schema(tags=["sites"])
@extend_schema_view(
    list=extend_schema(responses={200: SiteListSerializer(many=True), 400: ERROR_400, 401: ERROR_401}),
    retrieve=extend_schema(responses={200: SiteSerializer, **READ_ERRORS}),
    create=extend_schema(responses={201: SiteSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: SiteSerializer, **WRITE_ERRORS, 404: ERROR_404}),
    partial_update=extend_schema(responses={200: SiteSerializer, **WRITE_ERRORS, 404: ERROR_404}),
    destroy=extend_schema(responses={204: None, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404}),
)
class SiteViewSet(viewsets.ModelViewSet):
    """Candidate sites with their derived facts. Writes (planner role) locate the site and recompute its facts."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    filter_backends = (DjangoFilterBackend, ValidatedInBBoxFilter)
    bbox_filter_field = "point"
    bbox_param = "in_bbox"

    def get_queryset(self):
        if self.action == "list":  # lists leave the parcel out: reading a big polygon per row is for the detail
            return selectors.site_list().defer("parcel")
        return selectors.site_list()

    def get_serializer_class(self):
        return SiteListSerializer if self.action == "list" else super().get_serializer_class()

    def filter_queryset(self, queryset):
        # A detail URL names its site; DRF would still build and validate the list's filter form on every GET.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    def perform_create(self, serializer):
        serializer.instance = site_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = site_update(site=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        site_delete(site=instance)

    @extend_schema(
        responses={200: SiteGeoSerializer(many=True), 400: ERROR_400, 401: ERROR_401},
        summary="Sites as a GeoJSON FeatureCollection (same filters and paging as the list)",
    )
    @action(
        detail=False, methods=["get"], serializer_class=SiteGeoSerializer, pagination_class=BoundedGeoJsonPagination
    )
    def geojson(self, request):
        page = self.paginate_queryset(self.filter_queryset(selectors.site_map_list()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=SiteStatusChangeSerializer,
        responses={200: SiteSerializer, 400: ERROR_400, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409},
        summary="Change a site's status",
        description="Moves allowed: candidate → shortlisted | rejected; shortlisted → selected | candidate | rejected; "
        "selected → shortlisted | rejected; rejected → candidate. Any other move is a 409 whose message says why. "
        "Each move is recorded with its actor and reason (see status-events).",
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, pk=None):
        site = self.get_object()
        data = SiteStatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site_status_change(site=site, to_status=data.validated_data["status"], actor=request.user,
                           reason=data.validated_data["reason"])  # fmt: skip
        site = self.get_queryset().get(pk=site.pk)
        return Response(SiteSerializer(site, context=self.get_serializer_context()).data)

    @extend_schema(
        responses={200: SiteStatusEventSerializer(many=True), **READ_ERRORS},
        summary="The site's status history, newest first",
    )
    @action(
        detail=True, methods=["get"], url_path="status-events", url_name="status-events", pagination_class=None,
        filter_backends=(), serializer_class=SiteStatusEventSerializer,
    )  # fmt: skip
    def status_events(self, request, pk=None):
        site = get_object_or_404(Site.objects.only("pk"), pk=pk)
        events = selectors.site_status_event_list(site=site)
        return Response(SiteStatusEventSerializer(events, many=True).data)
