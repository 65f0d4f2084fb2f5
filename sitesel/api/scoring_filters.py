import django_filters

from config.api.filters import BoundedNumberFilter, IdChoiceFilter, internal_choices
from sitesel.api.filters import MAX_MW
from sitesel.models import Scenario, ScoringResult, ScoringRun

MAX_USD = 1e13


class ScoringRunFilter(django_filters.FilterSet):
    scenario = IdChoiceFilter(queryset=internal_choices(lambda: Scenario.objects.order_by("name")))

    class Meta:
        model = ScoringRun
        fields = ["status", "mode", "scenario"]


class ScoringResultFilter(django_filters.FilterSet):
    capacity_mw = BoundedNumberFilter(min_value=0, max_value=MAX_MW)
    min_score = BoundedNumberFilter(field_name="score", lookup_expr="gte", min_value=0, max_value=100)
    max_rank = BoundedNumberFilter(field_name="rank", lookup_expr="lte", integer=True, min_value=0,
                                   max_value=2**31 - 1)  # fmt: skip
    max_capex_per_mw_usd = BoundedNumberFilter(field_name="capex_per_mw_usd", lookup_expr="lte", min_value=0,
                                               max_value=MAX_USD)  # fmt: skip
    max_time_to_power_p50_months = BoundedNumberFilter(field_name="time_to_power_p50_months", lookup_expr="lte",
                                                       min_value=0, max_value=10_000)  # fmt: skip
    max_time_to_compute_p50_months = BoundedNumberFilter(field_name="time_to_compute_p50_months", lookup_expr="lte",
                                                         min_value=0, max_value=10_000)  # fmt: skip

    class Meta:
        model = ScoringResult
        fields = ["capacity_mw", "state", "county_fips", "eligible"]
