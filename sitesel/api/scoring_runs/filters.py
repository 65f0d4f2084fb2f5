import re

import django_filters
from django import forms

from config.api.filters import BoundedNumberFilter, IdChoiceFilter, internal_choices
from sitesel.api.sites.filters import MAX_MW
from sitesel.domain.time_to_power import BINDING_LABELS
from sitesel.models import Scenario, ScoringResult, ScoringRun

MAX_USD = 1e13


class ScoringRunFilter(django_filters.FilterSet):
    scenario = IdChoiceFilter(queryset=internal_choices(lambda: Scenario.objects.order_by("name")))

    class Meta:
        model = ScoringRun
        fields = ["status", "mode", "scenario"]


class ResultFilterForm(forms.Form):
    def clean_state(self) -> str:
        state = self.cleaned_data.get("state") or ""
        if state and not re.fullmatch(r"[A-Za-z]{2}", state):
            raise forms.ValidationError("Use a two-letter state code, e.g. PA.", code="invalid_state")
        return state.upper()


class ScoringResultFilter(django_filters.FilterSet):
    """A run's results filtered: the API's list and CSV, and the run page's tables and CSV link (one rule)."""

    capacity_mw = BoundedNumberFilter(min_value=0, max_value=MAX_MW, label="Capacity (MW)")
    state = django_filters.CharFilter(max_length=2, label="State", help_text="e.g. PA")
    min_score = BoundedNumberFilter(field_name="score", lookup_expr="gte", min_value=0, max_value=100,
                                    label="Minimum score (0–100)")  # fmt: skip
    max_rank = BoundedNumberFilter(field_name="rank", lookup_expr="lte", integer=True, min_value=0,
                                   max_value=2**31 - 1)  # fmt: skip
    max_capex_per_mw_usd = BoundedNumberFilter(field_name="capex_per_mw_usd", lookup_expr="lte", min_value=0,
                                               max_value=MAX_USD, label="Max capex per MW (US$)")  # fmt: skip
    max_time_to_power_p50_months = BoundedNumberFilter(field_name="time_to_power_p50_months", lookup_expr="lte",
                                                       min_value=0, max_value=10_000,
                                                       label="Max full power P50 (months)")  # fmt: skip
    max_time_to_compute_p50_months = BoundedNumberFilter(field_name="time_to_compute_p50_months", lookup_expr="lte",
                                                         min_value=0, max_value=10_000)  # fmt: skip
    power_binding_constraint = django_filters.ChoiceFilter(choices=[(b, b) for b in BINDING_LABELS],
                                                           label="Power binding constraint")  # fmt: skip
    # "true"/"false" only: a boolean filter would read any other word as "either" instead of refusing it.
    grid_swing_flag = django_filters.TypedChoiceFilter(
        choices=[("true", "yes"), ("false", "no")], coerce=lambda v: v == "true", label="Grid-swing flag"
    )

    class Meta:
        model = ScoringResult
        fields = ["capacity_mw", "state", "county_fips", "eligible"]
        form = ResultFilterForm
