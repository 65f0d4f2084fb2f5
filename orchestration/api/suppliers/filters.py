"""Supplier, feed-review and check-run filters; id choices scoped to the user."""

from __future__ import annotations

import django_filters

from orchestration import selectors
from orchestration.api.scoped_filters import scoped_choice_filter
from orchestration.models import (
    Category,
    FeedReview,
    Supplier,
    SupplierCheckRun,
)


class SupplierFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Supplier
        fields = ("category", "feed_kind", "active", "name")


class FeedReviewFilter(django_filters.FilterSet):
    supplier = scoped_choice_filter(selectors.supplier_list)
    run = scoped_choice_filter(selectors.check_run_list)
    status = django_filters.ChoiceFilter(choices=FeedReview.Status.choices)
    reason = django_filters.ChoiceFilter(choices=FeedReview.Reason.choices)

    class Meta:
        model = FeedReview
        fields = ("supplier", "status", "reason", "run")


class CheckRunFilter(django_filters.FilterSet):
    supplier = scoped_choice_filter(selectors.supplier_list)
    status = django_filters.ChoiceFilter(choices=SupplierCheckRun.Status.choices)

    class Meta:
        model = SupplierCheckRun
        fields = ("supplier", "status", "trigger")
