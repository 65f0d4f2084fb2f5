"""Alerts raised by supplier checks and forecasts, sent by email and webhook."""

from django.db import models


class Alert(models.Model):
    """A new slip, an overdue line or a block whose forecast moved past plan. `key` makes raising idempotent."""

    class Kind(models.TextChoices):
        NEW_SLIP = "new_slip", "New slip"
        OVERDUE_LINE = "overdue_line", "Overdue line"
        FORECAST_PAST_PLAN = "forecast_past_plan", "Forecast past plan"
        WEAK_SUPPLIER = "weak_supplier", "Contract placed with a supplier below the on-time threshold"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    message = models.TextField()
    project = models.ForeignKey(
        "orchestration.BuildProject", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    block = models.ForeignKey("orchestration.CapacityBlock", null=True, blank=True, on_delete=models.CASCADE)
    supplier = models.ForeignKey("orchestration.Supplier", null=True, blank=True, on_delete=models.CASCADE)
    line = models.ForeignKey("orchestration.ContractLine", null=True, blank=True, on_delete=models.CASCADE)
    delivery = models.ForeignKey("orchestration.Delivery", null=True, blank=True, on_delete=models.CASCADE)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    webhook_sent_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Every configured channel delivered.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "created_at"], name="orchestration_alert_kind_at")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message[:60]}"
