"""Admin for baselines: freeze one from the add form (through `baseline_freeze`); frozen dates are read-only."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from orchestration.models import BaselineBlock, BaselineLine, ProgramBaseline
from orchestration.services.baselines import baseline_freeze

FROZEN = ("as_of", "planned_go_live", "forecast_go_live", "created_at", "created_by")


class BaselineBlockInline(ReadOnlyInline):
    model = BaselineBlock
    fields = ("block", "planned_go_live", "forecast_go_live")
    readonly_fields = fields


@admin.register(ProgramBaseline)
class ProgramBaselineAdmin(admin.ModelAdmin):
    """Adding one freezes the project's plan and forecast now; afterwards only the note can change."""

    list_display = ("project", "name", "as_of", "planned_go_live", "forecast_go_live", "created_at", "created_by")
    list_filter = ("project",)
    search_fields = ("name", "project__name")
    inlines = [BaselineBlockInline]

    def get_fields(self, request, obj=None):
        return ("project", "name", "note") if obj is None else ("project", "name", "note", *FROZEN)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("project", "name", *FROZEN)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note"])
            return
        frozen = baseline_freeze(project=obj.project, name=obj.name, note=obj.note, actor=request.user)
        obj.pk, obj.created_at = frozen.pk, frozen.created_at

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []


@admin.register(BaselineLine)
class BaselineLineAdmin(ReadOnlyAdmin):
    list_display = ("baseline", "line", "required_on_site", "forecast_arrival", "forecast_ready")
    list_filter = ("baseline__project", "baseline")
    list_select_related = ("baseline__project", "line__contract")
