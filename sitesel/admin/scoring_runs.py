"""Admin for scenarios and scoring runs: edit scenarios (validated by the domain), start runs, read results."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from core.admin import ReadOnlyAdminMixin
from core.errors import ApplicationError, DomainError
from sitesel.models import Scenario, ScoringResult, ScoringRun
from sitesel.services.scoring_runs import (
    scenario_spec_validate,
    scoring_run_cancel,
    scoring_run_create,
    scoring_run_pin,
)


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "description", "spec"]

    def clean_spec(self):
        spec = self.cleaned_data["spec"]
        try:
            scenario_spec_validate(spec)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return spec


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    form = ScenarioForm
    list_display = ("name", "created_by", "updated_at")
    search_fields = ("name", "description")
    actions = ["start_site_runs"]

    @admin.action(description="Score all candidate sites with the selected scenarios")
    def start_site_runs(self, request, queryset):
        for scenario in queryset:
            try:
                run = scoring_run_create(scenario=scenario, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{scenario}: {exc.message}", messages.ERROR)
                continue
            self.message_user(request, f"Started scoring run {run.pk} for {scenario} ({run.items_total} sites).")


@admin.register(ScoringRun)
class ScoringRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "scenario", "mode", "status", "progress_pct", "items_total", "eligible_count", "pinned",
                    "created_at")  # fmt: skip
    list_filter = ("status", "mode", "scenario", "pinned")
    list_select_related = ("scenario",)
    # The ranking archive (every result's breakdown) can be tens of MB; no admin page reads or shows it.
    exclude = ("ranking",)
    readonly_fields = [f.name for f in ScoringRun._meta.fields if f.name != "ranking"] + ["progress_pct"]
    actions = ["cancel_runs", "pin_runs", "unpin_runs"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("ranking")

    @admin.action(description="Pin the selected runs (retention keeps them forever)")
    def pin_runs(self, request, queryset):
        for run in queryset:
            scoring_run_pin(run=run, pinned=True)
        self.message_user(request, f"Pinned {len(queryset)} runs.")

    @admin.action(description="Unpin the selected runs (retention may delete them)")
    def unpin_runs(self, request, queryset):
        for run in queryset:
            scoring_run_pin(run=run, pinned=False)
        self.message_user(request, f"Unpinned {len(queryset)} runs.")

    @admin.action(description="Cancel the selected runs (queued or running; they are never ranked)")
    def cancel_runs(self, request, queryset):
        for run_id in queryset.values_list("pk", flat=True):
            try:
                run = scoring_run_cancel(run_id=run_id)
            except ApplicationError as exc:
                self.message_user(request, f"run {run_id}: {exc.message}", messages.WARNING)
                continue
            self.message_user(request, f"Cancelled scoring run {run.pk} ({run.items_done:,} of {run.items_total:,} "
                                       "items had been computed).")  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # old runs may be cleared out


@admin.register(ScoringResult)
class ScoringResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("run", "capacity_mw", "rank", "score", "site", "cell_id", "state", "capex_per_mw_usd",
                    "time_to_power_p50_months", "binding_constraint")  # fmt: skip
    list_filter = ("capacity_mw", "eligible", "state")
    list_select_related = ("site", "run")
    raw_id_fields = ("run", "site")
    search_fields = ("site__name", "=run__id")
    ordering = ("-run", "capacity_mw", "rank")
    show_full_result_count = False  # national screens hold 600,000 rows; skip the extra COUNT(*)
