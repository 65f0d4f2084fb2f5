"""Programs, capacity blocks (gated transitions as actions), bills of materials and block events."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import ApplicationError, DomainError
from orchestration.models import (
    BlockEvent,
    BomLine,
    BuildProject,
    CapacityBlock,
    Source,
    State,
)
from orchestration.services.blocks import (
    FACT_FIELDS,
    block_facts_update,
    block_plan_check,
    block_plan_update,
    block_transition,
)
from orchestration.services.forecast import project_forecast_refresh


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


# What the workflow, the forecast and the site model set on a block: shown on its form, never edited there.
COMPUTED_FIELDS = ("live_on", "forecast_go_live", "forecast_days_late", "forecast_binding", "model_block", "model_p10",
                   "model_p50", "model_p90", model_flag)  # fmt: skip


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
        *COMPUTED_FIELDS,
    )
    readonly_fields = ("project", "index", "state", *COMPUTED_FIELDS)
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
