"""Alert filters; id choices scoped to the user."""

from __future__ import annotations

import django_filters

from orchestration import selectors
from orchestration.api.scoped_filters import scoped_choice_filter
from orchestration.models import (
    Alert,
)


class AlertFilter(django_filters.FilterSet):
    project = scoped_choice_filter(selectors.project_list)
    block = scoped_choice_filter(selectors.block_list)
    supplier = scoped_choice_filter(selectors.supplier_list)
    kind = django_filters.ChoiceFilter(choices=Alert.Kind.choices)
    sent = django_filters.BooleanFilter(field_name="sent_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Alert
        fields = ("kind", "project", "block", "supplier", "sent")
