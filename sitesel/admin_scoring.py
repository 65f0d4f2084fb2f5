"""Admin for scenarios and scoring runs: edit scenarios (validated by the domain), start runs, read results."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from core.admin import ReadOnlyAdminMixin
from core.errors import DomainError
from sitesel.models import Scenario, ScoringResult, ScoringRun
from sitesel.services.scoring import scenario_spec_validate, scoring_run_create


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
    list_display = ("id", "scenario", "mode", "status", "progress_pct", "items_total", "eligible_count", "created_at")
    list_filter = ("status", "mode", "scenario")
    list_select_related = ("scenario",)
    readonly_fields = [f.name for f in ScoringRun._meta.fields] + ["progress_pct"]

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
