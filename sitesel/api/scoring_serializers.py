"""Serializers for scenarios, scoring runs and their results."""

from __future__ import annotations

from rest_framework import serializers

from core.validators import validate_plain_name
from sitesel.models import Scenario, ScoringResult, ScoringRun, Site


class ScenarioSerializer(serializers.ModelSerializer):
    """`spec` is checked by the domain (weights in (0, 1] summing to 1, ...); errors name the field."""

    class Meta:
        model = Scenario
        fields = ["id", "name", "description", "spec", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class SiteFilterSerializer(serializers.Serializer):
    """Which candidate sites a run scores; every key optional, unknown keys refused."""

    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
                                max_length=100_000)  # fmt: skip
    state = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_null=True, help_text="e.g. PA")
    status = serializers.ChoiceField(choices=Site.Status.choices, required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({unknown[0]: "Unknown site filter; use ids, state, status, tags."})
        return super().to_internal_value(data)


class ScoringRunCreateSerializer(serializers.Serializer):
    scenario = serializers.PrimaryKeyRelatedField(
        queryset=Scenario.objects.all(), required=False, help_text="Defaults to the built-in scenario."
    )
    mode = serializers.ChoiceField(choices=ScoringRun.Mode.choices, default=ScoringRun.Mode.SITES)
    site_filter = SiteFilterSerializer(required=False, default=dict, help_text="Sites mode only.")
    cell_size_km = serializers.FloatField(required=False, min_value=1, max_value=100, help_text="National mode only.")
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)
    draws = serializers.IntegerField(required=False, min_value=10, max_value=5000)


class ScoringRunSerializer(serializers.ModelSerializer):
    scenario_name = serializers.CharField(source="scenario.name", read_only=True)
    progress_pct = serializers.FloatField(read_only=True)
    capacities_mw = serializers.ListField(child=serializers.FloatField(), read_only=True)
    results_url = serializers.SerializerMethodField()

    class Meta:
        model = ScoringRun
        fields = [
            "id", "scenario", "scenario_name", "scenario_spec", "mode", "site_filter", "cell_size_km", "seed", "draws",
            "status", "progress_pct", "items_total", "chunks_total", "chunks_done", "results_count", "eligible_count",
            "capacities_mw", "layer_versions", "layer_vintages", "oldest_vintage", "timings", "error", "created_at",
            "started_at", "finished_at", "results_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_results_url(self, run: ScoringRun) -> str:
        request = self.context.get("request")
        path = f"/api/v1/scoring-runs/{run.pk}/results/"
        return request.build_absolute_uri(path) if request else path


class ScoringResultSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True, default=None)
    breakdown = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = ScoringResult
        fields = [
            "id", "run", "site", "site_name", "cell_id", "lon", "lat", "state", "county_fips", "capacity_mw", "score",
            "rank", "eligible", "binding_constraint", "breakdown", "capex_per_mw_usd", "build_capex_per_mw_usd",
            "gpus", "time_to_power_p50_months", "time_to_compute_p50_months", "power_binding_constraint",
            "grid_swing_flag",
        ]  # fmt: skip
        read_only_fields = fields


class ScoringResultDetailSerializer(ScoringResultSerializer):
    """One result with the full measures and economics (capex breakdown, opex, labor, grid swing)."""

    measures = serializers.DictField(read_only=True)
    economics = serializers.DictField(read_only=True)

    class Meta(ScoringResultSerializer.Meta):
        fields = [*ScoringResultSerializer.Meta.fields, "measures", "economics"]
        read_only_fields = fields


class CellPromoteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, validators=[validate_plain_name])
