"""Contracts, lines and deliveries, saved through services; promise changes and events read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import ApplicationError
from orchestration.models import (
    Contract,
    ContractLine,
    Delivery,
    DeliveryEvent,
    PromiseChange,
    Source,
)
from orchestration.services.contracts import CONTRACT_FIXED_FIELDS, contract_line_blocks_check
from orchestration.services.deliveries import DATE_FIELDS, delivery_create, delivery_update


class ContractLineInline(admin.TabularInline):
    model = ContractLine
    fields = ("line_no", "item", "category", "quantity", "unit", "required_on_site", "unit_value", "install_days")
    extra = 0
    show_change_link = True


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("reference", "supplier", "project", "value", "currency", "signed_on")
    list_filter = ("supplier__category", "currency", "project")
    list_select_related = ("supplier", "project")
    search_fields = ("reference", "supplier__name")
    inlines = (ContractLineInline,)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, *CONTRACT_FIXED_FIELDS) if obj else self.readonly_fields


class ContractLineForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        contract, blocks = data.get("contract") or getattr(self.instance, "contract", None), data.get("blocks")
        if contract is not None and blocks is not None:
            try:
                contract_line_blocks_check(contract=contract, blocks=blocks)
            except ApplicationError as exc:
                raise forms.ValidationError({exc.field: exc.message}) from None
        return data


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = (
        "shipment_ref",
        "quantity",
        "status",
        "promised_date",
        "confirmed_date",
        "expected_date",
        "actual_date",
        "received_quantity",
        "installed_on",
    )
    readonly_fields = fields


@admin.register(ContractLine)
class ContractLineAdmin(admin.ModelAdmin):
    form = ContractLineForm
    list_display = ("__str__", "category", "quantity", "unit", "required_on_site", "unit_value")
    list_filter = ("category", "contract__supplier", "contract__project")
    list_select_related = ("contract__supplier",)
    search_fields = ("item", "contract__reference")
    filter_horizontal = ("blocks",)
    raw_id_fields = ("contract", "bom_line")
    inlines = (DeliveryInline,)


class PromiseChangeInline(ReadOnlyInline):
    model = PromiseChange
    fields = ("at", "field", "old_date", "new_date", "days", "source", "actor")
    readonly_fields = fields
    show_change_link = False


class DeliveryEventInline(ReadOnlyInline):
    model = DeliveryEvent
    fields = ("at", "kind", "from_status", "to_status", "changes", "source", "actor", "reason")
    readonly_fields = fields
    show_change_link = False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "shipment_ref",
        "supplier",
        "line",
        "quantity",
        "status",
        "promised_date",
        "confirmed_date",
        "expected_date",
        "actual_date",
        "received_quantity",
        "installed",
    )
    list_filter = ("status", "inspection", "installed", "supplier")
    list_select_related = ("supplier", "line__contract")
    search_fields = ("shipment_ref", "line__item", "line__contract__reference")
    raw_id_fields = ("line",)
    readonly_fields = (
        "supplier",
        "status",
        "shipped_on",
        "actual_date",
        "received_quantity",
        "inspection",
        "installed",
        "installed_on",
        "created_at",
        "updated_at",
    )
    inlines = (PromiseChangeInline, DeliveryEventInline)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "line", "shipment_ref") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Through the services: a date change is logged as a promise change (slip), with an event row.
        if not change:
            saved = delivery_create(
                line=obj.line,
                shipment_ref=obj.shipment_ref,
                quantity=obj.quantity,
                promised_date=obj.promised_date,
                confirmed_date=obj.confirmed_date,
                expected_date=obj.expected_date,
                actor=request.user,
                source=Source.ADMIN,
            )
            obj.pk = saved.pk
            return
        fields = {n: form.cleaned_data[n] for n in ("quantity", *DATE_FIELDS) if n in form.changed_data}
        if fields:
            delivery_update(
                delivery=obj, actor=request.user, source=Source.ADMIN, reason=f"admin edit by {request.user}", **fields
            )


@admin.register(PromiseChange)
class PromiseChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "delivery", "field", "old_date", "new_date", "days", "source", "actor")
    list_filter = ("field", "source")
    list_select_related = ("delivery", "actor")
    search_fields = ("delivery__shipment_ref",)


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "delivery", "kind", "from_status", "to_status", "source", "actor")
    list_filter = ("kind", "source")
    list_select_related = ("delivery", "actor")
    search_fields = ("delivery__shipment_ref",)
