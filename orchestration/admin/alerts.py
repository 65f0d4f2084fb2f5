"""Alerts, read-only, with a resend action."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from orchestration.models import (
    Alert,
)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "message", "project", "supplier", "sent_at", "attempts", "last_error")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter), "project")
    list_select_related = ("project", "supplier")
    search_fields = ("message", "key")
    actions = ("send_again",)

    @admin.action(description="Send unsent alerts now (queued)")
    def send_again(self, request, queryset):
        from orchestration.tasks import alert_send_task

        for alert in queryset.filter(sent_at__isnull=True):
            alert_send_task.delay(alert.pk)
