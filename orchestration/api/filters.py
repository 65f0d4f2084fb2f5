"""Query filters (django-filter) for the orchestration API."""

import django_filters
from django.db.models import F, Q

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
    State,
    Supplier,
    SupplierCheckRun,
)


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = BuildProject
        fields = ("site", "name")


class BlockFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    at_risk = django_filters.BooleanFilter(method="filter_at_risk", help_text="The stored forecast is late.")
    before_model_p10 = django_filters.BooleanFilter(
        method="filter_before_model_p10", help_text="The plan is earlier than the site model's P10."
    )

    class Meta:
        model = CapacityBlock
        fields = ("project", "state", "phase", "power_available", "at_risk", "before_model_p10")

    def filter_at_risk(self, queryset, name, value):
        return queryset.filter(forecast_days_late__gt=0) if value else queryset.exclude(forecast_days_late__gt=0)

    def filter_before_model_p10(self, queryset, name, value):
        # The SQL form of CapacityBlock.before_model_p10 (a block without a band is never flagged).
        flagged = Q(model_p10__isnull=False, planned_go_live__lt=F("model_p10"))
        return queryset.filter(flagged) if value else queryset.exclude(flagged)


class BomLineFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    project = django_filters.NumberFilter(field_name="block__project")

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
    reference = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Contract
        fields = ("supplier", "project", "currency", "reference")


class ContractLineFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    project = django_filters.NumberFilter(field_name="contract__project")
    supplier = django_filters.NumberFilter(field_name="contract__supplier")
    block = django_filters.NumberFilter(field_name="blocks")
    required_before = django_filters.DateFilter(field_name="required_on_site", lookup_expr="lte")

    class Meta:
        model = ContractLine
        fields = ("contract", "project", "supplier", "category", "block", "required_before")


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices)
    contract = django_filters.NumberFilter(field_name="line__contract")
    project = django_filters.NumberFilter(field_name="line__contract__project")
    shipment_ref = django_filters.CharFilter()
    expected_before = django_filters.DateFilter(field_name="expected_date", lookup_expr="lte")

    class Meta:
        model = Delivery
        fields = ("line", "supplier", "contract", "project", "status", "shipment_ref", "installed", "expected_before")


class AlertFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Alert.Kind.choices)
    sent = django_filters.BooleanFilter(field_name="sent_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Alert
        fields = ("kind", "project", "block", "supplier", "sent")


class FeedReviewFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FeedReview.Status.choices)
    reason = django_filters.ChoiceFilter(choices=FeedReview.Reason.choices)

    class Meta:
        model = FeedReview
        fields = ("supplier", "status", "reason", "run")


class CheckRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SupplierCheckRun.Status.choices)

    class Meta:
        model = SupplierCheckRun
        fields = ("supplier", "status", "trigger")
