import django_filters

from sitesel.models import ScoringResult, ScoringRun


class ScoringRunFilter(django_filters.FilterSet):
    class Meta:
        model = ScoringRun
        fields = ["status", "mode", "scenario"]


class ScoringResultFilter(django_filters.FilterSet):
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    max_rank = django_filters.NumberFilter(field_name="rank", lookup_expr="lte")
    max_capex_per_mw_usd = django_filters.NumberFilter(field_name="capex_per_mw_usd", lookup_expr="lte")
    max_time_to_power_p50_months = django_filters.NumberFilter(field_name="time_to_power_p50_months", lookup_expr="lte")
    max_time_to_compute_p50_months = django_filters.NumberFilter(
        field_name="time_to_compute_p50_months", lookup_expr="lte"
    )

    class Meta:
        model = ScoringResult
        fields = ["capacity_mw", "state", "county_fips", "eligible"]
