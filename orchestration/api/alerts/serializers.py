"""Alerts."""

from __future__ import annotations

from rest_framework import serializers

from orchestration.models import (
    Alert,
)


class AlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = (
            "id", "kind", "key", "message", "project", "block", "supplier", "line", "delivery", "data", "created_at",
            "email_sent_at", "webhook_sent_at", "sent_at", "attempts", "last_error",
        )  # fmt: skip
        read_only_fields = fields
