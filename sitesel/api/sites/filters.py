"""Site filters: bounding box, state, status, tags and bounded numeric ranges (a bad value is a 400 naming it)."""

from __future__ import annotations

import math

import django_filters
from django.contrib.gis.geos import Polygon
from rest_framework import serializers
from rest_framework_gis.filters import InBBoxFilter

from config.api.filters import BoundedNumberFilter
from sitesel.models import Site

MAX_DISTANCE_KM = 40_000  # around the Earth

MAX_MW = 10_000_000


def bounded_range_filter(
    field_name: str, lookup_expr: str, max_value: float, min_value: float = 0
) -> BoundedNumberFilter:
    return BoundedNumberFilter(field_name=field_name, lookup_expr=lookup_expr, min_value=min_value,
                               max_value=max_value)  # fmt: skip


class ValidatedInBBoxFilter(InBBoxFilter):
    """drf-gis InBBoxFilter that rejects a bad box as a 400 naming its parameter (never a 500).

    The view sets `bbox_filter_field`, and optionally `bbox_param` (default "in_bbox") and
    `bbox_filter_lookup` ("contained", the drf-gis default, or "intersects" for lines and areas).
    """

    def _param(self, view) -> str:
        return getattr(view, "bbox_param", self.bbox_param)

    def get_filter_bbox(self, request, param: str | None = None) -> Polygon | None:
        param = param or self.bbox_param
        raw = request.query_params.get(param)
        if not raw:
            return None
        try:
            values = [float(part) for part in raw.split(",")]
        except ValueError:
            values = []
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            raise serializers.ValidationError(
                {param: [serializers.ErrorDetail("Give four numbers: minlon,minlat,maxlon,maxlat.", code="invalid")]}
            )
        min_lon, min_lat, max_lon, max_lat = values
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            raise serializers.ValidationError(
                {
                    param: [
                        serializers.ErrorDetail(
                            "Need -180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90.", code="invalid"
                        )
                    ]
                }
            )
        return Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))

    def filter_queryset(self, request, queryset, view):
        field = getattr(view, "bbox_filter_field", None)
        if not field:
            return queryset
        bbox = self.get_filter_bbox(request, self._param(view))
        if bbox is None:
            return queryset
        bbox.srid = 4326
        lookup = getattr(view, "bbox_filter_lookup", "contained")
        return queryset.filter(**{f"{field}__{lookup}": bbox})

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "bbox_filter_field", None):
            return []
        lookup = getattr(view, "bbox_filter_lookup", "contained")
        what = "inside" if lookup == "contained" else "intersecting"
        return [
            {
                "name": self._param(view),
                "required": False,
                "in": "query",
                "description": f"Only rows {what} the box minlon,minlat,maxlon,maxlat (WGS84 degrees).",
                "schema": {"type": "string", "pattern": r"^[^,]+,[^,]+,[^,]+,[^,]+$", "example": "-100,30,-90,40"},
            }
        ]


class SiteFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Site.Status.choices)
    state = django_filters.CharFilter(lookup_expr="iexact", help_text="Two-letter postal code, e.g. TX.")
    county_fips = django_filters.CharFilter(help_text="Five-digit county FIPS code.")
    name = django_filters.CharFilter(lookup_expr="icontains")
    tags = django_filters.CharFilter(
        method="filter_tags", help_text="Comma-separated tags; sites carrying all of them match."
    )
    max_distance_hv_230_km = bounded_range_filter("facts__distance_hv_230_km", "lte", MAX_DISTANCE_KM)
    max_distance_hv_345_km = bounded_range_filter("facts__distance_hv_345_km", "lte", MAX_DISTANCE_KM)
    max_distance_substation_km = bounded_range_filter("facts__distance_substation_km", "lte", MAX_DISTANCE_KM)
    min_generation_capacity_50km_mw = bounded_range_filter("facts__generation_capacity_50km_mw", "gte", MAX_MW)

    class Meta:
        model = Site
        fields = (
            "status", "state", "county_fips", "name", "tags", "max_distance_hv_230_km", "max_distance_hv_345_km",
            "max_distance_substation_km", "min_generation_capacity_50km_mw",
        )  # fmt: skip

    def filter_tags(self, queryset, name, value):
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
        return queryset.filter(tags__contains=tags) if tags else queryset
