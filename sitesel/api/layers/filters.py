"""Feature filters: bounding box and layer version."""

from __future__ import annotations

import django_filters

from sitesel.api.sites.filters import bounded_range_filter
from sitesel.models import Feature


class FeatureFilter(django_filters.FilterSet):
    fips = django_filters.CharFilter(help_text="County (5-digit) FIPS code.")
    state = django_filters.CharFilter(lookup_expr="iexact", help_text="Two-letter postal code.")
    category = django_filters.CharFilter()
    min_voltage_kv = bounded_range_filter("voltage_kv", "gte", 2_000)

    class Meta:
        model = Feature
        fields = ("fips", "state", "category", "min_voltage_kv")
