"""Program, block, BOM-line and baseline filters; id choices scoped to the user."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q

from config.api.filters import BoundedNumberFilter, IdChoiceFilter, internal_choices
from orchestration import selectors
from orchestration.api.scoped_filters import scoped_choice_filter
from orchestration.models import (
    BomLine,
    BuildProject,
    CapacityBlock,
    Category,
    ProgramBaseline,
    State,
)
from orchestration.site_selection import site_list


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    site = IdChoiceFilter(queryset=internal_choices(site_list))

    class Meta:
        model = BuildProject
        fields = ("site", "name")


class BlockFilter(django_filters.FilterSet):
    project = scoped_choice_filter(selectors.project_list)
    state = django_filters.ChoiceFilter(choices=State.choices)
    phase = BoundedNumberFilter(integer=True, min_value=0, max_value=100_000)
    at_risk = django_filters.BooleanFilter(method="filter_at_risk", help_text="The stored forecast is late.")
    before_model_p10 = django_filters.BooleanFilter(
        method="filter_before_model_p10", help_text="The plan is earlier than the site model's P10."
    )

    class Meta:
        model = CapacityBlock
        fields = ("project", "state", "phase", "power_available", "grid_energised", "at_risk", "before_model_p10")

    def filter_at_risk(self, queryset, name, value):
        return queryset.filter(forecast_days_late__gt=0) if value else queryset.exclude(forecast_days_late__gt=0)

    def filter_before_model_p10(self, queryset, name, value):
        # The SQL form of CapacityBlock.before_model_p10 (a block without a band is never flagged).
        flagged = Q(model_p10__isnull=False, planned_go_live__lt=F("model_p10"))
        return queryset.filter(flagged) if value else queryset.exclude(flagged)


class BomLineFilter(django_filters.FilterSet):
    block = scoped_choice_filter(selectors.block_list)
    project = scoped_choice_filter(selectors.project_list, "block__project")
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = BomLine
        fields = ("block", "project", "category")


class BaselineFilter(django_filters.FilterSet):
    project = scoped_choice_filter(selectors.project_list)

    class Meta:
        model = ProgramBaseline
        fields = ("project",)
