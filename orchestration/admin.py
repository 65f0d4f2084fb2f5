"""Admin for projects, blocks, suppliers, contracts, deliveries, alerts, feed reviews and check runs.

Workflow state never changes by editing a field: block states move through actions that call
`block_transition` (the gates apply and every move is recorded), block facts, block plans and delivery
promise dates are saved through their services (events and the slip log are written), and the site
model's band, the plan-before-P10 flag and histories (events, slip log, alerts, check runs) are
read-only. Check schedules are django-celery-beat PeriodicTasks, edited under "Periodic tasks".
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import ApplicationError, DomainError
from orchestration.models import (
    Alert,
    BlockEvent,
    BomLine,
    BuildProject,
    CapacityBlock,
    Contract,
    ContractLine,
    Delivery,
    DeliveryEvent,
    FeedReview,
    PromiseChange,
    Source,
    State,
    Supplier,
    SupplierCheckRun,
    SupplierMembership,
)
from orchestration.services.blocks import (
    FACT_FIELDS,
    block_facts_update,
    block_plan_check,
    block_plan_update,
    block_transition,
)
from orchestration.services.checks import (
    feed_review_resolve,
    supplier_check_request,
)
from orchestration.services.contracts import CONTRACT_FIXED_FIELDS, contract_line_blocks_check
from orchestration.services.deliveries import DATE_FIELDS, delivery_create, delivery_update
from orchestration.services.forecast import project_forecast_refresh, supplier_reliability_refresh
from orchestration.services.suppliers import supplier_delete, supplier_save

# --- projects and blocks ----------------------------------------------------------------------------------


@admin.display(description="Plan before the site model's P10")
def model_flag(block: CapacityBlock) -> str:
    return block.model_flag or "—"


class BlockInline(ReadOnlyInline):
    model = CapacityBlock
    fields = ("index", "phase", "mw", "gpus", "state", "planned_go_live", "forecast_go_live", "forecast_days_late",
              "model_p10", "model_p50", "model_p90", model_flag)  # fmt: skip
    readonly_fields = fields


@admin.register(BuildProject)
class BuildProjectAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "site",
        "target_mw",
        "block_mw",
        "planned_first_go_live",
        "forecast_go_live",
        "forecast_mw_at_risk",
        "forecast_at",
    )
    list_select_related = ("site",)
    search_fields = ("name", "site__name")
    readonly_fields = ("forecast_go_live", "forecast_mw_at_risk", "forecast_at", "forecast", "created_at",
                       "planned_from_model", "model_version", "model_decision_date", "model_run", "model_seed",
                       "model_draws", "model_grid_energised_p50", "model_on_site_power", "model_missing_inputs",
                       "blocks_before_model_p10")  # fmt: skip
    raw_id_fields = ("site",)
    inlines = (BlockInline,)
    actions = ("recompute_forecast",)

    @admin.display(description="Blocks planned before the site model's P10")
    def blocks_before_model_p10(self, project: BuildProject) -> int:
        return sum(block.before_model_p10 for block in project.blocks.all())

    @admin.action(description="Recompute the forecast (and alert on blocks past plan)")
    def recompute_forecast(self, request, queryset):
        for project in queryset:
            data = project_forecast_refresh(project=project)
            self.message_user(request, f"{project}: go-live {data['project_go_live']}, MW at risk {data['mw_at_risk']}")


class BomLineInline(admin.TabularInline):
    model = BomLine
    fields = ("category", "item", "quantity", "unit", "lead_time_days", "install_days")
    extra = 0


class BlockEventInline(ReadOnlyInline):
    model = BlockEvent
    fields = ("at", "kind", "from_state", "to_state", "actor", "source", "reason")
    readonly_fields = fields
    show_change_link = False


def _transition_action(state: State):
    def move(modeladmin, request, queryset):
        for block in queryset:
            try:
                block_transition(
                    block=block,
                    to_state=state.value,
                    actor=request.user,
                    source=Source.ADMIN,
                    reason=f"admin action by {request.user}",
                )
                modeladmin.message_user(request, f"{block} → {state.label}")
            except DomainError as exc:  # a refused move lists each reason (input and lines at fault)
                detail = "; ".join(r.message for r in exc.reasons) or exc.message
                modeladmin.message_user(request, f"{block}: {detail}", level=messages.ERROR)

    move.__name__ = f"move_to_{state.value}"
    return admin.action(description=f"Move to {state.label} (gates apply, recorded)")(move)


class CapacityBlockForm(forms.ModelForm):
    def clean_planned_go_live(self):
        planned = self.cleaned_data["planned_go_live"]
        if "planned_go_live" in self.changed_data:
            try:
                block_plan_check(block=self.instance, planned_go_live=planned)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from None
        return planned


@admin.register(CapacityBlock)
class CapacityBlockAdmin(admin.ModelAdmin):
    form = CapacityBlockForm
    list_display = (
        "project",
        "index",
        "phase",
        "mw",
        "gpus",
        "state",
        "planned_go_live",
        "forecast_go_live",
        "forecast_days_late",
        "model_p10",
        "model_p90",
        "before_model_p10",
        "power_available",
        "grid_energised",
        "cooling_ready",
        "commissioning_passed",
    )
    list_filter = ("state", "phase", "power_available", "grid_energised", "project")
    list_select_related = ("project",)
    search_fields = ("project__name",)
    fields = (
        "project",
        "index",
        "phase",
        "mw",
        "gpus",
        "planned_go_live",
        "commissioning_days",
        "state",
        "power_available",
        "grid_energised",
        "cooling_ready",
        "commissioning_passed",
        "live_on",
        "forecast_go_live",
        "forecast_days_late",
        "forecast_binding",
        "model_block",
        "model_p10",
        "model_p50",
        "model_p90",
        model_flag,
    )
    readonly_fields = (
        "project",
        "index",
        "state",
        "live_on",
        "forecast_go_live",
        "forecast_days_late",
        "forecast_binding",
        "model_block",
        "model_p10",
        "model_p50",
        "model_p90",
        model_flag,
    )
    inlines = (BomLineInline, BlockEventInline)
    actions = [_transition_action(state) for state in State if state != State.PLANNED]

    def has_add_permission(self, request):
        return False  # blocks are created with their project

    @admin.display(boolean=True, description="Before model P10")
    def before_model_p10(self, block: CapacityBlock) -> bool:
        return block.before_model_p10

    def save_model(self, request, obj, form, change):
        facts = {name: form.cleaned_data[name] for name in FACT_FIELDS if name in form.changed_data}
        reason = f"admin edit by {request.user}"
        others = [name for name in form.changed_data if name not in (*FACT_FIELDS, "planned_go_live")]
        if others:
            obj.save(update_fields=others)
        if "planned_go_live" in form.changed_data:  # recorded, with the site model flag before and after
            block_plan_update(
                block=obj, planned_go_live=obj.planned_go_live, actor=request.user, reason=reason, source=Source.ADMIN
            )
        if facts:  # facts change through the service, which records who, when and why
            block_facts_update(block=obj, actor=request.user, reason=reason, source=Source.ADMIN, **facts)


@admin.register(BomLine)
class BomLineAdmin(admin.ModelAdmin):
    list_display = ("block", "category", "item", "quantity", "unit", "lead_time_days", "install_days")
    list_filter = ("category", "block__project")
    list_select_related = ("block__project",)
    search_fields = ("item",)
    raw_id_fields = ("block",)


@admin.register(BlockEvent)
class BlockEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "block", "kind", "from_state", "to_state", "actor", "source", "reason")
    list_filter = ("kind", "to_state", "source")
    list_select_related = ("block__project", "actor")
    search_fields = ("reason", "block__project__name")


# --- suppliers ----------------------------------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = SupplierMembership
    raw_id_fields = ("user",)
    extra = 0


class CheckRunInline(ReadOnlyInline):
    model = SupplierCheckRun
    fields = ("created_at", "trigger", "status", "finished_at", "counts", "error")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created_at")


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    # Feeds are HTTPS (docs/supplier-feeds.md): a URL typed without a scheme means https, as in Django 6.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "name",
        "category",
        "feed_kind",
        "active",
        "check_interval_minutes",
        "reliability_deliveries",
        "on_time_rate",
        "late_slip_p50_days",
        "derate_days",
    )
    list_filter = ("category", "feed_kind", "active")
    search_fields = ("name", "contact_name", "contact_email")
    readonly_fields = ("reliability_deliveries", "on_time_rate", "late_slip_p50_days", "derate_days", "reliability_at")
    inlines = (MembershipInline, CheckRunInline)
    actions = ("run_check_now", "refresh_reliability")

    def save_model(self, request, obj, form, change):
        supplier_save(supplier=obj)

    def delete_model(self, request, obj):
        supplier_delete(supplier=obj)

    def delete_queryset(self, request, queryset):
        for supplier in queryset:
            supplier_delete(supplier=supplier)

    @admin.action(description="Run the status check now (queued for the worker)")
    def run_check_now(self, request, queryset):
        for supplier in queryset:
            try:
                run = supplier_check_request(supplier=supplier, actor=request.user)
                self.message_user(request, f"{supplier}: check run {run.pk} queued")
            except ApplicationError as exc:
                self.message_user(request, f"{supplier}: {exc.message}", level=messages.WARNING)

    @admin.action(description="Recompute the reliability record from closed deliveries")
    def refresh_reliability(self, request, queryset):
        count = supplier_reliability_refresh(supplier_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} supplier record(s) recomputed")


@admin.register(SupplierMembership)
class SupplierMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "supplier")
    list_select_related = ("user", "supplier")
    search_fields = ("user__username", "supplier__name")
    raw_id_fields = ("user",)


@admin.register(SupplierCheckRun)
class SupplierCheckRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "supplier", "trigger", "status", "period_start", "started_at", "finished_at", "error")
    list_filter = ("status", "trigger", "supplier")
    list_select_related = ("supplier",)


@admin.register(FeedReview)
class FeedReviewAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "supplier", "reason", "shipment_ref", "field", "value", "status", "message")
    list_filter = ("status", "reason", "supplier")
    list_select_related = ("supplier",)
    search_fields = ("shipment_ref", "message", "value")
    actions = ("mark_resolved", "dismiss")

    def _close(self, request, queryset, status):
        for review in queryset.filter(status=FeedReview.Status.OPEN):
            feed_review_resolve(review=review, status=status, actor=request.user)

    @admin.action(description="Mark resolved (fixed by hand)")
    def mark_resolved(self, request, queryset):
        self._close(request, queryset, FeedReview.Status.RESOLVED)

    @admin.action(description="Dismiss")
    def dismiss(self, request, queryset):
        self._close(request, queryset, FeedReview.Status.DISMISSED)


# --- contracts, lines, deliveries ------------------------------------------------------------------------------


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


from orchestration import admin_baselines  # noqa: E402, F401  (baselines: registered in their own module)
