"""Contracts, lines and deliveries: promised, confirmed, expected and actual dates; receipts and installs."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from core.errors import ApplicationError
from orchestration.domain.alignment import lines_installed, lines_received
from orchestration.models import (
    Contract,
    ContractLine,
    Delivery,
    DeliveryEvent,
    PromiseChange,
)
from orchestration.services.contracts import contract_line_blocks_check


class ContractLineSerializer(serializers.ModelSerializer):
    """A contract line. Receipt figures are derived from its deliveries (read-only)."""

    received_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)
    received = serializers.SerializerMethodField()
    installed = serializers.SerializerMethodField()
    ref = serializers.CharField(read_only=True)

    class Meta:
        model = ContractLine
        fields = (
            "id", "contract", "line_no", "ref", "item", "category", "quantity", "unit", "blocks", "required_on_site",
            "unit_value", "install_days", "received_quantity", "received", "installed",
        )  # fmt: skip
        extra_kwargs = {"quantity": {"min_value": 0}, "unit_value": {"min_value": 0}}

    def get_received(self, line) -> bool:
        return bool(lines_received(getattr(line, "received_quantity", 0), line.quantity))

    def get_installed(self, line) -> bool:
        received = self.get_received(line)
        return bool(
            lines_installed(received, getattr(line, "awaiting_install", 1), getattr(line, "installed_deliveries", 0))
        )

    def validate(self, attrs):
        contract = attrs.get("contract") or getattr(self.instance, "contract", None)
        blocks = attrs.get("blocks")
        if contract is not None and blocks is not None:
            try:
                contract_line_blocks_check(contract=contract, blocks=blocks)
            except ApplicationError as exc:
                raise serializers.ValidationError({"blocks": exc.message}) from None
        if self.instance is not None and "contract" in attrs and attrs["contract"] != self.instance.contract:
            raise serializers.ValidationError({"contract": "A line cannot move to another contract."})
        return attrs


class ContractSerializer(serializers.ModelSerializer):
    """A contract with its lines (nested, read-only here; edit them under contract-lines/)."""

    lines = ContractLineSerializer(many=True, read_only=True)
    lines_from_bom = serializers.BooleanField(
        write_only=True, default=False, help_text="On create: one line per BOM line of the supplier's category."
    )

    class Meta:
        model = Contract
        fields = (
            "id", "supplier", "project", "reference", "signed_on", "value", "currency", "terms", "penalties",
            "late_penalty_per_day", "committed_volume_per_month", "lines_from_bom", "lines", "created_at",
        )  # fmt: skip
        read_only_fields = ("created_at",)
        extra_kwargs = {
            "value": {"min_value": 0},
            "late_penalty_per_day": {"min_value": 0},
            "committed_volume_per_month": {"min_value": Decimal("0.001")},
            "currency": {"min_length": 3, "max_length": 3},
        }

    def validate_currency(self, value: str) -> str:
        if not (len(value) == 3 and value.isalpha() and value.isupper()):
            raise serializers.ValidationError("An ISO 4217 code of three capital letters, e.g. USD.")
        return value


class DeliverySerializer(serializers.ModelSerializer):
    """A shipment. Receipts and installs go through their actions; promise changes are logged as slips."""

    class Meta:
        model = Delivery
        fields = (
            "id", "line", "supplier", "shipment_ref", "quantity", "status", "promised_date", "confirmed_date",
            "expected_date", "shipped_on", "actual_date", "received_quantity", "inspection", "installed",
            "installed_on", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = (
            "supplier", "status", "shipped_on", "actual_date", "received_quantity", "inspection", "installed",
            "installed_on", "created_at", "updated_at",
        )  # fmt: skip
        extra_kwargs = {"quantity": {"min_value": 0}}


class DeliveryUpdateSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, write_only=True)

    class Meta:
        model = Delivery
        fields = ("quantity", "promised_date", "confirmed_date", "expected_date", "reason")
        extra_kwargs = {"quantity": {"min_value": 0}}


class DeliveryReceiptSerializer(serializers.Serializer):
    received_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    actual_date = serializers.DateField()
    inspection = serializers.ChoiceField(choices=Delivery.Inspection.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DeliveryInstallSerializer(serializers.Serializer):
    installed_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DeliveryEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)

    class Meta:
        model = DeliveryEvent
        fields = ("id", "kind", "from_status", "to_status", "changes", "actor", "source", "run", "reason", "at")
        read_only_fields = fields


class PromiseChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)

    class Meta:
        model = PromiseChange
        fields = ("id", "delivery", "field", "old_date", "new_date", "days", "source", "run", "actor", "at")
        read_only_fields = fields
