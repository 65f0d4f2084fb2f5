"""Layers, their versions and their features (GeoJSON)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, viewsets

from config.api.numbers import NumberRefused, parse_number
from core.api import (
    ERROR_400,
    ERROR_401,
    READ_ERRORS,
)
from sitesel import selectors
from sitesel.api.layers.filters import FeatureFilter
from sitesel.api.layers.serializers import FeatureGeoSerializer, LayerSerializer, LayerVersionSerializer
from sitesel.api.pagination import BoundedGeoJsonPagination
from sitesel.api.sites.filters import ValidatedInBBoxFilter
from sitesel.models import Feature, Layer, LayerVersion

MAX_VERSION = 2**31 - 1


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
