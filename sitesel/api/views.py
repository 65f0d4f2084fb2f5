"""API views: thin adapters from HTTP to selectors (reads) and services (writes).

Every failure leaves through config/api/errors.py as {"code", "message", "field", "errors"}.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from knox.models import get_token_model
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.authentication import TokenAuthentication, expired_tokens_delete
from config.api.numbers import NumberRefused, parse_number
from config.api.roles import Role, user_access
from config.security.lockout import lockout_response
from config.security.tokens import tokens_revoke
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
from sitesel.api.filters import FeatureFilter, SiteFilter, ValidatedInBBoxFilter
from sitesel.api.pagination import BoundedGeoJsonPagination
from sitesel.api.serializers import (
    FeatureGeoSerializer,
    LayerSerializer,
    LayerVersionSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    SiteGeoSerializer,
    SiteListSerializer,
    SiteSerializer,
    SiteStatusChangeSerializer,
    SiteStatusEventSerializer,
)
from sitesel.models import Feature, Layer, LayerVersion, Site
from sitesel.services.site_edit import site_create, site_delete, site_update
from sitesel.services.sites import site_status_change

MAX_VERSION = 2**31 - 1

ERROR_429_LOCKED = OpenApiResponse(
    ErrorResponseSerializer,
    description="Locked out after too many failed sign-ins for this username or from this address (code "
    "`locked_out`); retry after Retry-After seconds.",
)


# --- auth -------------------------------------------------------------------------------------


class LoginApi(APIView):
    """Exchange a username and password for a knox token (hashed at rest, expires).

    Failed attempts are counted per username and per client address by django-axes, like the web and admin
    sign-ins (config/security/lockout.py): past the limit the answer is a 429 with Retry-After.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        request=LoginSerializer,
        responses={200: LoginResponseSerializer, 400: ERROR_400, 429: ERROR_429_LOCKED},
        auth=[],
        tags=["auth"],
        summary="Log in and get an API token",
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        # axes flags the request it was handed (DRF's, not Django's), so its middleware cannot see the lockout.
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request._request)
        if not valid:
            raise serializers.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        instance, token = get_token_model().objects.create(user)
        expired_tokens_delete(user=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response(LoginResponseSerializer({"token": token, "expiry": instance.expiry}).data)


@extend_schema(
    request=None, responses={204: None, 401: ERROR_401}, tags=["auth"], summary="Revoke the token used for this request"
)
class LogoutApi(KnoxLogoutView):
    authentication_classes = (TokenAuthentication,)


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="How many API tokens were deleted.")


@extend_schema(
    request=None,
    responses={200: RevokedSerializer, 401: ERROR_401},
    tags=["auth"],
    summary="Sign out everywhere: revoke every API token of the signed-in user",
    description="Any signed-in user, for their own tokens (the token of this request included). Tokens are also "
    "revoked when the password changes or the account is deactivated.",
)
class LogoutAllApi(APIView):
    permission_classes = (IsAuthenticated,)

    def post(self, request):
        return Response(RevokedSerializer({"revoked": tokens_revoke(user=request.user)}).data)


class AdminOnly(IsAuthenticated):
    message = "Revoking another user's tokens needs the admin role."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and user_access(request.user).role is Role.ADMIN


@extend_schema(
    request=None,
    responses={200: RevokedSerializer, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
    tags=["auth"],
    summary="Revoke every API token of a user (admin)",
    description="For a lost device or a departing user; the user can sign in again to get a new token.",
)
class UserTokensRevokeApi(APIView):
    permission_classes = (AdminOnly,)

    def post(self, request, user_id: int):
        user = get_object_or_404(get_user_model().objects.only("pk"), pk=user_id)
        return Response(RevokedSerializer({"revoked": tokens_revoke(user=user)}).data)


# --- sites ------------------------------------------------------------------------------------


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


# --- layers -----------------------------------------------------------------------------------


@extend_schema(tags=["layers"])
@extend_schema_view(
    list=extend_schema(responses={200: LayerSerializer(many=True), 401: ERROR_401}),
    retrieve=extend_schema(responses={200: LayerSerializer, **READ_ERRORS}),
)
class LayerViewSet(viewsets.ReadOnlyModelViewSet):
    """GIS layers (read-only) with the provenance of their current version."""

    serializer_class = LayerSerializer
    lookup_field = "kind"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_fields = ("family",)

    def get_queryset(self):
        return selectors.layer_list()


@extend_schema(
    responses={200: LayerVersionSerializer(many=True), **READ_ERRORS}, tags=["layers"], summary="A layer's versions"
)
class LayerVersionListApi(generics.ListAPIView):
    """Every import of the layer, newest first."""

    serializer_class = LayerVersionSerializer
    filter_backends = ()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LayerVersion.objects.none()
        layer = get_object_or_404(Layer.objects.only("pk"), kind=self.kwargs["kind"])
        return selectors.layer_version_list(layer=layer)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "version", OpenApiTypes.INT, description="Features as of this layer version (default: the current ones)."
        )
    ],
    responses={200: FeatureGeoSerializer(many=True), 400: ERROR_400, **READ_ERRORS},
    tags=["layers"],
    summary="A layer's features as a GeoJSON FeatureCollection",
)
class LayerFeaturesApi(generics.ListAPIView):
    """Current features of the layer, or those valid at `?version=N`; `?bbox=` keeps those intersecting the box."""

    serializer_class = FeatureGeoSerializer
    pagination_class = BoundedGeoJsonPagination
    filter_backends = (DjangoFilterBackend, ValidatedInBBoxFilter)
    filterset_class = FeatureFilter
    bbox_filter_field = "geom"
    bbox_param = "bbox"
    bbox_filter_lookup = "intersects"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Feature.objects.none()
        layer = get_object_or_404(Layer.objects.only("pk", "kind"), kind=self.kwargs["kind"])
        return selectors.feature_list(layer=layer, as_of_version=self._version(layer))

    def _version(self, layer: Layer) -> int | None:
        raw = self.request.query_params.get("version")
        if raw is None or raw.strip() == "":
            return None
        try:
            number = parse_number(raw, integer=True, min_value=1, max_value=MAX_VERSION)
        except NumberRefused:
            raise serializers.ValidationError(
                {"version": [serializers.ErrorDetail("Must be a whole number of at least 1.", code="invalid")]}
            ) from None
        if not selectors.layer_version_exists(layer=layer, number=number):
            raise serializers.ValidationError(
                {"version": [serializers.ErrorDetail(f"Layer {layer.kind} has no version {number}.", code="invalid")]}
            )
        return number
