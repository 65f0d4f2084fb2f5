"""Contracts, their lines (which blocks each line gates), deliveries, the slip log and delivery events."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from changelog.tracking import audited
from orchestration.models.choices import Category, Source

# Money: 16 digits before the point, so GW-scale sums (≥ $100 B = 12 digits) fit with room to spare.
MONEY = {"max_digits": 18, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}


@audited(
    "contract",
    fields=["supplier", "project", "reference", "signed_on", "value", "currency", "terms", "penalties",
            "late_penalty_per_day"],
    supplier_path="supplier",
)
class Contract(models.Model):
    """A supplier's contract on a project. Value is a Decimal in `currency` (ISO 4217)."""

    supplier = models.ForeignKey("orchestration.Supplier", on_delete=models.PROTECT, related_name="contracts")
    project = models.ForeignKey("orchestration.BuildProject", on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=100, help_text="Contract number, as the supplier quotes it in feeds.")
    signed_on = models.DateField(null=True, blank=True)
    value = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code, e.g. USD.")
    terms = models.TextField(blank=True)
    penalties = models.TextField(blank=True)
    late_penalty_per_day = models.DecimalField(**MONEY, null=True, blank=True)
    committed_volume_per_month = models.DecimalField(
        **QUANTITY, null=True, blank=True,
        help_text="Units of the contract's lines the supplier commits to ship per month (its capacity for us).",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "supplier", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "reference"], name="orchestration_contract_unique_reference"),
            models.CheckConstraint(condition=Q(value__gte=0), name="orchestration_contract_value_not_negative"),
            models.CheckConstraint(
                condition=Q(late_penalty_per_day__isnull=True) | Q(late_penalty_per_day__gte=0),
                name="orchestration_contract_penalty_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="orchestration_contract_currency_iso"
            ),
            models.CheckConstraint(
                condition=Q(committed_volume_per_month__isnull=True) | Q(committed_volume_per_month__gt=0),
                name="orchestration_contract_committed_volume_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.supplier})"


@audited(
    "contract-line",
    fields=["contract", "line_no", "item", "category", "quantity", "unit", "required_on_site", "unit_value",
            "install_days", "bom_line"],
    supplier_path="contract__supplier",
)
class ContractLine(models.Model):
    """An item a contract delivers, the blocks it gates and when it must be on site."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    item = models.CharField(max_length=200)
    category = models.CharField(max_length=24, choices=Category.choices)
    quantity = models.DecimalField(**QUANTITY)
    unit = models.CharField(max_length=20)
    blocks = models.ManyToManyField("orchestration.CapacityBlock", related_name="lines", blank=True)
    required_on_site = models.DateField(null=True, blank=True)
    unit_value = models.DecimalField(**MONEY, default=0)
    install_days = models.PositiveIntegerField(default=0, help_text="Arrival to installed and tested.")
    bom_line = models.ForeignKey(
        "orchestration.BomLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="contract_lines"
    )

    class Meta:
        ordering = ["contract", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "line_no"], name="orchestration_contractline_unique_line_no"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="orchestration_contractline_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_value__gte=0), name="orchestration_contractline_unit_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="orchestration_contractline_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}/{self.line_no} {self.item}"

    @property
    def ref(self) -> str:
        """How reasons and feeds name the line: <contract reference>/<line number>."""
        return f"{self.contract.reference}/{self.line_no}"


@audited(
    "delivery",
    fields=["line", "supplier", "shipment_ref", "quantity", "status", "promised_date", "confirmed_date",
            "expected_date", "shipped_on", "actual_date", "received_quantity", "inspection", "installed",
            "installed_on"],
    supplier_path="supplier",
)
class Delivery(models.Model):
    """A shipment against a line. The supplier's shipment reference is unique per supplier (idempotency key)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SHIPPED = "shipped", "Shipped"
        RECEIVED = "received", "Received"
        INSTALLED = "installed", "Installed"

    class NoticeStatus(models.TextChoices):
        """What a ship notice (feed row or API) may say. Only "shipped" changes the delivery's status."""

        SCHEDULED = "scheduled", "Scheduled"
        IN_PRODUCTION = "in_production", "In production"
        SHIPPED = "shipped", "Shipped"

    class Inspection(models.TextChoices):
        PENDING = "pending", "Pending"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    line = models.ForeignKey(ContractLine, on_delete=models.PROTECT, related_name="deliveries")
    supplier = models.ForeignKey(
        "orchestration.Supplier", on_delete=models.PROTECT, related_name="deliveries", editable=False
    )
    shipment_ref = models.CharField(max_length=100)
    quantity = models.DecimalField(**QUANTITY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED, editable=False)
    promised_date = models.DateField(null=True, blank=True, help_text="The contractual promise.")
    confirmed_date = models.DateField(null=True, blank=True, help_text="The supplier's latest confirmation.")
    expected_date = models.DateField(null=True, blank=True, help_text="Ship notice / carrier ETA (not de-rated).")
    shipped_on = models.DateField(null=True, blank=True)
    actual_date = models.DateField(null=True, blank=True, help_text="Arrival on site.")
    received_quantity = models.DecimalField(**QUANTITY, default=0)
    inspection = models.CharField(max_length=8, choices=Inspection.choices, default=Inspection.PENDING)
    installed = models.BooleanField(default=False)
    installed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["line", "promised_date", "id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["supplier", "shipment_ref"], name="orchestration_delivery_unique_shipment"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="orchestration_delivery_quantity_not_negative"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0), name="orchestration_delivery_received_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__lte=F("quantity")), name="orchestration_delivery_received_lte_quantity"
            ),
            models.CheckConstraint(
                condition=Q(installed=False, installed_on__isnull=True) | Q(installed=True, installed_on__isnull=False),
                name="orchestration_delivery_installed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(installed=False) | Q(received_quantity__gt=0),
                name="orchestration_delivery_installed_was_received",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "actual_date"], name="orchestration_delivery_history")]

    def __str__(self) -> str:
        return self.shipment_ref

    def clean(self) -> None:
        if self.line_id and self.supplier_id and self.line.contract.supplier_id != self.supplier_id:
            raise ValidationError({"line": "The line belongs to another supplier's contract."})
        if self.received_quantity is not None and self.quantity is not None and self.received_quantity > self.quantity:
            raise ValidationError({"received_quantity": "Cannot exceed the shipped quantity."})


class DeliveryEvent(models.Model):
    """Who changed a delivery (created, shipped, received, installed, promise or quantity), when and why."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        SHIPPED = "shipped", "Shipped"
        RECEIVED = "received", "Received"
        INSTALLED = "installed", "Installed"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="field → [old, new]")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=8, choices=Source.choices)
    run = models.ForeignKey(
        "orchestration.SupplierCheckRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery} {self.kind}"


class PromiseChange(models.Model):
    """The slip log: every change of a delivery's promised, confirmed or expected date."""

    class Field(models.TextChoices):
        PROMISED = "promised_date", "Promised"
        CONFIRMED = "confirmed_date", "Confirmed"
        EXPECTED = "expected_date", "Expected"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="promise_changes")
    field = models.CharField(max_length=16, choices=Field.choices)
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    days = models.IntegerField(
        null=True, blank=True, help_text="new − old (first confirmation: − promised); > 0 = slip."
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    run = models.ForeignKey(
        "orchestration.SupplierCheckRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(old_date__isnull=True) | Q(new_date__isnull=True) | ~Q(old_date=F("new_date")),
                name="orchestration_promisechange_changes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery} {self.field}: {self.old_date} → {self.new_date}"
