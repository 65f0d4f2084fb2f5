"""Suppliers, their check runs and the feed rows held for review."""

from __future__ import annotations

from rest_framework import serializers

from orchestration.models import (
    FeedReview,
    Supplier,
    SupplierCheckRun,
)

REVIEW_CLOSING_STATUSES = ("resolved", "dismissed")


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = (
            "id", "name", "category", "contact_name", "contact_email", "contact_phone", "active", "feed_kind",
            "feed_url", "feed_allowed_host", "feed_csv_dir", "check_interval_minutes", "reliability_deliveries",
            "on_time_rate", "late_slip_p50_days", "derate_days", "reliability_at",
        )  # fmt: skip
        read_only_fields = ("reliability_deliveries", "on_time_rate", "late_slip_p50_days", "derate_days",
                            "reliability_at")  # fmt: skip
        extra_kwargs = {"check_interval_minutes": {"min_value": 5, "max_value": 10_080}}

    def validate(self, attrs):
        instance = Supplier(pk=getattr(self.instance, "pk", None), **{**(self._current() or {}), **attrs})
        instance.clean()  # the feed rules, and one supplier per drop directory
        if "feed_csv_dir" in attrs:
            attrs["feed_csv_dir"] = instance.feed_csv_dir  # in its one spelling
        return attrs

    def _current(self) -> dict | None:
        if self.instance is None:
            return None
        names = ("name", "category", "feed_kind", "feed_url", "feed_allowed_host", "feed_csv_dir")
        return {name: getattr(self.instance, name) for name in names}


class FeedReviewSerializer(serializers.ModelSerializer):
    resolved_by = serializers.CharField(source="resolved_by.get_username", read_only=True, allow_null=True)

    class Meta:
        model = FeedReview
        fields = (
            "id", "supplier", "run", "shipment_ref", "reason", "field", "value", "message", "row", "status",
            "created_at", "resolved_by", "resolved_at",
        )  # fmt: skip
        read_only_fields = fields


class FeedReviewResolveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=REVIEW_CLOSING_STATUSES)


class SupplierCheckRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierCheckRun
        fields = ("id", "supplier", "trigger", "status", "period_start", "created_at", "started_at", "finished_at",
                  "counts", "error")  # fmt: skip
        read_only_fields = fields
