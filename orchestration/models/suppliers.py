"""Suppliers, the users who act for them, their status-feed checks and feed rows held for review."""

import posixpath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from changelog.tracking import audited
from core.models import BackgroundRun
from core.validators import validate_plain_name
from orchestration.models.choices import Category


@audited(
    "supplier",
    fields=["name", "category", "contact_name", "contact_email", "contact_phone", "active", "feed_kind", "feed_url",
            "feed_allowed_host", "feed_csv_dir", "check_interval_minutes"],
    supplier_path="",
)
class Supplier(models.Model):
    """A company that delivers one of the nine inputs, with its status-feed settings and reliability record.

    The reliability fields are derived from the supplier's closed deliveries (promised or confirmed vs
    actual arrival) by `supplier_reliability_refresh`; the forecast de-rates open promises by them.
    """

    class FeedKind(models.TextChoices):
        NONE = "none", "No feed"
        HTTPS_JSON = "https_json", "HTTPS JSON endpoint"
        CSV_DROP = "csv_drop", "CSV ship-notice file drop"

    name = models.CharField(max_length=200, unique=True, validators=[validate_plain_name])
    category = models.CharField(max_length=24, choices=Category.choices)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)
    feed_kind = models.CharField(max_length=12, choices=FeedKind.choices, default=FeedKind.NONE)
    feed_url = models.URLField(max_length=500, blank=True, help_text="HTTPS JSON feed (docs/supplier-feeds.md).")
    feed_allowed_host = models.CharField(
        max_length=253,
        blank=True,
        help_text="The only host the feed URL may use; it must also be in SUPPLIER_FEED_ALLOWED_HOSTS.",
    )
    feed_csv_dir = models.CharField(
        max_length=300, blank=True, help_text="Drop directory, relative to SUPPLIER_CSV_DROP_ROOT."
    )
    check_interval_minutes = models.PositiveIntegerField(default=60, help_text="Schedule of the status check.")
    reliability_deliveries = models.PositiveIntegerField(default=0, editable=False)
    on_time_rate = models.FloatField(null=True, blank=True, editable=False)
    late_slip_p50_days = models.FloatField(null=True, blank=True, editable=False)
    derate_days = models.IntegerField(default=0, editable=False)
    reliability_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="orchestration_supplier_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(check_interval_minutes__gte=5), name="orchestration_supplier_check_interval_min"
            ),
            models.CheckConstraint(
                condition=~Q(feed_kind="https_json") | (~Q(feed_url="") & ~Q(feed_allowed_host="")),
                name="orchestration_supplier_json_feed_has_url_and_host",
            ),
            models.CheckConstraint(
                condition=~Q(feed_kind="csv_drop") | ~Q(feed_csv_dir=""),
                name="orchestration_supplier_csv_feed_has_dir",
            ),
            # One supplier per drop directory: a ship notice found there belongs to exactly one supplier.
            models.UniqueConstraint(
                fields=["feed_csv_dir"], condition=~Q(feed_csv_dir=""), name="orchestration_supplier_drop_dir_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from orchestration.outbound import FeedUrlRefused, check_feed_url

        if self.feed_kind == self.FeedKind.HTTPS_JSON:
            if not self.feed_url or not self.feed_allowed_host:
                raise ValidationError({"feed_url": "A JSON feed needs a URL and an allowed host."})
            try:
                check_feed_url(self.feed_url, allowed_host=self.feed_allowed_host, resolve=False)
            except FeedUrlRefused as exc:
                raise ValidationError({"feed_url": str(exc)}) from None
        if self.feed_kind == self.FeedKind.CSV_DROP and not self.feed_csv_dir:
            raise ValidationError({"feed_csv_dir": "A CSV drop needs a directory."})
        if self.feed_csv_dir and (self.feed_csv_dir.startswith("/") or ".." in self.feed_csv_dir.split("/")):
            raise ValidationError({"feed_csv_dir": "Give a path relative to SUPPLIER_CSV_DROP_ROOT, without '..'."})
        self.feed_csv_dir = drop_dir_normalise(self.feed_csv_dir)
        others = Supplier.objects.exclude(pk=self.pk).filter(feed_csv_dir=self.feed_csv_dir)
        if self.feed_csv_dir and others.exists():
            raise ValidationError({"feed_csv_dir": "Another supplier already uses this drop directory."})


def drop_dir_normalise(path: str) -> str:
    """One spelling per directory ("a/./b/" and "a//b" are "a/b"), so the unique constraint sees one folder."""
    return posixpath.normpath(path).strip("/") if path else path


@audited("supplier-membership", fields=["user", "supplier"], supplier_path="supplier")
class SupplierMembership(models.Model):
    """Links a user to the supplier they act for. Such a user sees only that supplier's rows."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_membership")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="memberships")

    def __str__(self) -> str:
        return f"{self.user} → {self.supplier}"


class SupplierCheckRun(BackgroundRun):
    """One pull of a supplier's status feed. A scheduled run is claimed once per supplier and period."""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled (beat)"
        MANUAL = "manual", "Manual"

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="check_runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    period_start = models.DateTimeField(
        null=True, blank=True, help_text="Scheduled runs: the de-duplication period this run claimed."
    )
    counts = models.JSONField(default=dict, blank=True)

    class Meta(BackgroundRun.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "period_start"],
                condition=Q(trigger="scheduled"),
                name="orchestration_suppliercheckrun_unique_period",
            ),
            models.CheckConstraint(
                condition=~Q(trigger="scheduled") | Q(period_start__isnull=False),
                name="orchestration_suppliercheckrun_scheduled_has_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} check {self.pk} ({self.status})"


class FeedReview(models.Model):
    """A feed row that was not applied: an unknown value or reference, or invalid data. Never auto-applied."""

    class Reason(models.TextChoices):
        UNKNOWN_VALUE = "unknown_value", "Unknown value"
        UNKNOWN_REFERENCE = "unknown_reference", "Unknown contract or line"
        INVALID = "invalid", "Invalid row"
        CONFLICT = "conflict", "Conflicts with recorded facts"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="feed_reviews")
    run = models.ForeignKey(SupplierCheckRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    shipment_ref = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    field = models.CharField(max_length=100, blank=True)
    value = models.TextField(blank=True)
    message = models.TextField()
    row = models.JSONField(default=dict, blank=True, help_text="The feed row as received.")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the row and reason: a re-run adds nothing.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "fingerprint"], name="orchestration_feedreview_unique_row"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.reason} {self.shipment_ref}"
