"""Alerts raised by forecasts, gates and supplier checks."""

from __future__ import annotations

from rest_framework import viewsets

from orchestration import selectors
from orchestration.api.alerts.filters import AlertFilter
from orchestration.api.alerts.serializers import AlertSerializer
from orchestration.api.scoped_views import ScopedViewMixin, read_schema


@read_schema(AlertSerializer, "alerts")
class AlertViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """Alerts: new slips, overdue lines, blocks whose forecast moved past plan (email + webhook)."""

    selector = selectors.alert_list
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
