"""Query filters (django-filter) for the orchestration API.

Every filter that names a row (`?supplier=`, `?contract=`, `?line=`, `?run=`, `?project=`, `?block=`) takes its
choices from the same scoped selector as that resource's list (config/api/filters.py): a supplier's user can
name only its own rows, and another supplier's row is refused exactly like one that does not exist.
"""

from collections.abc import Callable
from functools import lru_cache

import django_filters
from django.db.models import F, Q, QuerySet

from config.api.filters import BoundedNumberFilter, IdChoiceFilter, internal_choices
from orchestration import selectors
from orchestration.models import (
    Alert,
    BomLine,
    BuildProject,
    CapacityBlock,
    Category,
    Contract,
    ContractLine,
    Delivery,
    FeedReview,
    ProgramBaseline,
    State,
    Supplier,
    SupplierCheckRun,
)
from orchestration.site_selection import site_list


@lru_cache(maxsize=1024)
def _rows(selector: Callable[..., QuerySet], scope: selectors.Scope) -> QuerySet:
    # Built once per (resource, scope): the filter form is made on every list request, and building the lists'
    # querysets (joins, sums) costs every request. The form field clones it (`.all()`); this one is never run.
    return selector(scope=scope)


def scoped(selector: Callable[..., QuerySet]) -> Callable:
    """The rows of `selector` this request's user sees (none when there is no request, e.g. for the schema)."""

    def choices(request) -> QuerySet:
        scope = selectors.Scope(restricted=True) if request is None else selectors.user_scope(request.user)
        return _rows(selector, scope)

    return choices


def _row(selector, field_name: str | None = None, **kwargs) -> IdChoiceFilter:
    return IdChoiceFilter(queryset=scoped(selector), **({"field_name": field_name} if field_name else {}), **kwargs)


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    site = IdChoiceFilter(queryset=internal_choices(site_list))

    class Meta:
        model = BuildProject
        fields = ("site", "name")


class BlockFilter(django_filters.FilterSet):
    project = _row(selectors.project_list)
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
    block = _row(selectors.block_list)
    project = _row(selectors.project_list, "block__project")
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = BomLine
        fields = ("block", "project", "category")


class SupplierFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Supplier
        fields = ("category", "feed_kind", "active", "name")


class ContractFilter(django_filters.FilterSet):
    supplier = _row(selectors.supplier_list)
    project = _row(selectors.project_list)
    reference = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Contract
        fields = ("supplier", "project", "currency", "reference")


class ContractLineFilter(django_filters.FilterSet):
    contract = _row(selectors.contract_list)
    project = _row(selectors.project_list, "contract__project")
    supplier = _row(selectors.supplier_list, "contract__supplier")
    block = _row(selectors.block_list, "blocks")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    required_before = django_filters.DateFilter(field_name="required_on_site", lookup_expr="lte")

    class Meta:
        model = ContractLine
        fields = ("contract", "project", "supplier", "category", "block", "required_before")


class DeliveryFilter(django_filters.FilterSet):
    line = _row(selectors.contract_line_list)
    supplier = _row(selectors.supplier_list)
    contract = _row(selectors.contract_list, "line__contract")
    project = _row(selectors.project_list, "line__contract__project")
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices)
    shipment_ref = django_filters.CharFilter()
    expected_before = django_filters.DateFilter(field_name="expected_date", lookup_expr="lte")

    class Meta:
        model = Delivery
        fields = ("line", "supplier", "contract", "project", "status", "shipment_ref", "installed", "expected_before")


class AlertFilter(django_filters.FilterSet):
    project = _row(selectors.project_list)
    block = _row(selectors.block_list)
    supplier = _row(selectors.supplier_list)
    kind = django_filters.ChoiceFilter(choices=Alert.Kind.choices)
    sent = django_filters.BooleanFilter(field_name="sent_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Alert
        fields = ("kind", "project", "block", "supplier", "sent")


class FeedReviewFilter(django_filters.FilterSet):
    supplier = _row(selectors.supplier_list)
    run = _row(selectors.check_run_list)
    status = django_filters.ChoiceFilter(choices=FeedReview.Status.choices)
    reason = django_filters.ChoiceFilter(choices=FeedReview.Reason.choices)

    class Meta:
        model = FeedReview
        fields = ("supplier", "status", "reason", "run")


class CheckRunFilter(django_filters.FilterSet):
    supplier = _row(selectors.supplier_list)
    status = django_filters.ChoiceFilter(choices=SupplierCheckRun.Status.choices)

    class Meta:
        model = SupplierCheckRun
        fields = ("supplier", "status", "trigger")


class BaselineFilter(django_filters.FilterSet):
    project = _row(selectors.project_list)

    class Meta:
        model = ProgramBaseline
        fields = ("project",)
