"""Serializers for scenarios, scoring runs and their results."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.query_fields import QueryFloat
from core.validators import validate_plain_name
from sitesel.models import Scenario, ScoringResult, ScoringRun, Site
from sitesel.selectors import result_breakdown, result_economics, result_measures


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
    # While the run works (null otherwise): the run's own rate over every worker, and when it should end.
    phase = serializers.CharField(
        source="progress.phase",
        read_only=True,
        allow_null=True,
        help_text="computing (chunks) or ranking (the final step); null once ended.",
    )
    items_per_second = serializers.FloatField(
        source="progress.items_per_second",
        read_only=True,
        allow_null=True,
        help_text="Items (sites or cells) stored per second of wall-clock time since the run started, all workers.",
    )
    eta_seconds = serializers.FloatField(
        source="progress.eta_seconds", read_only=True, allow_null=True,
        help_text="Seconds until the run should be ranked: items left at the current rate, plus the ranking step "
        "estimated from SCORING_RANK_SECONDS_PER_MILLION_ITEMS.",
    )  # fmt: skip
    capacities_mw = serializers.ListField(child=serializers.FloatField(), read_only=True)
    results_url = serializers.SerializerMethodField()

    class Meta:
        model = ScoringRun
        fields = [
            "id", "scenario", "scenario_name", "scenario_spec", "mode", "site_filter", "cell_size_km", "seed", "draws",
            "status", "progress_pct", "phase", "items_done", "items_total", "items_per_second", "eta_seconds",
            "chunks_total", "chunks_done", "results_count", "eligible_count", "capacities_mw", "layer_versions",
            "layer_vintages", "oldest_vintage", "timings", "error", "pinned", "created_at", "started_at",
            "finished_at", "results_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_results_url(self, run: ScoringRun) -> str:
        request = self.context.get("request")
        path = f"/api/v1/scoring-runs/{run.pk}/results/"
        return request.build_absolute_uri(path) if request else path


class ScoringResultSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True, default=None)
    breakdown = serializers.SerializerMethodField()

    class Meta:
        model = ScoringResult
        fields = [
            "id", "run", "site", "site_name", "cell_id", "lon", "lat", "state", "county_fips", "capacity_mw", "score",
            "rank", "eligible", "binding_constraint", "breakdown", "capex_per_mw_usd", "build_capex_per_mw_usd",
            "gpus", "time_to_power_p50_months", "time_to_compute_p50_months", "power_binding_constraint",
            "grid_swing_flag",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.FloatField()))
    def get_breakdown(self, result: ScoringResult) -> dict[str, float]:
        return result_breakdown(result)


class ScoringResultDetailSerializer(ScoringResultSerializer):
    """One result with the full measures and economics (capex breakdown, opex, labor, grid swing)."""

    measures = serializers.SerializerMethodField()
    economics = serializers.SerializerMethodField()

    class Meta(ScoringResultSerializer.Meta):
        fields = [*ScoringResultSerializer.Meta.fields, "measures", "economics"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_measures(self, result: ScoringResult) -> dict:
        return result_measures(result)

    @extend_schema_field(serializers.DictField())
    def get_economics(self, result: ScoringResult) -> dict:
        return result_economics(result)


class CellPromoteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, validators=[validate_plain_name])


class RunPinSerializer(serializers.Serializer):
    pinned = serializers.BooleanField(help_text="true: retention never deletes the run; false: it may again.")


class CellQuerySerializer(serializers.Serializer):
    # Each checked on its own first, so a bad value is named even when the other is missing.
    lon = QueryFloat(min_value=-180, max_value=180, required=False, help_text="Longitude (WGS 84 degrees); required")
    lat = QueryFloat(min_value=-90, max_value=90, required=False, help_text="Latitude (WGS 84 degrees); required")

    def validate(self, attrs: dict) -> dict:
        for name in ("lon", "lat"):
            if name not in attrs:
                raise serializers.ValidationError({name: "Give both lon and lat."})
        return attrs


class CellCapacitySerializer(serializers.Serializer):
    capacity_mw = serializers.FloatField()
    eligible = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True, help_text="1 = best eligible cell of the run at this capacity.")
    score = serializers.FloatField(allow_null=True, help_text="0-100 (scenario-weighted points).")
    binding_constraint = serializers.CharField(help_text="The screen that excluded the cell; blank if eligible.")
    capex_per_mw_usd = serializers.FloatField(allow_null=True)
    gpus = serializers.FloatField(allow_null=True)
    time_to_power_p50_months = serializers.FloatField(allow_null=True)
    time_to_compute_p50_months = serializers.FloatField(allow_null=True)
    power_binding_constraint = serializers.CharField()
    result_id = serializers.IntegerField(allow_null=True, help_text="Its result row, if among the rows stored.")


class CellSerializer(serializers.Serializer):
    """A national-screen cell's score and rank at each capacity (every cell of the run is kept)."""

    cell_id = serializers.IntegerField()
    lon = serializers.FloatField(help_text="Cell centre, WGS 84 degrees")
    lat = serializers.FloatField()
    state = serializers.CharField()
    county_fips = serializers.CharField()
    capacities = CellCapacitySerializer(many=True)
