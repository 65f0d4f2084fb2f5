"""Programs, blocks, bills of materials, forecasts and alignment: shapes with units."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validators import validate_plain_name
from orchestration.domain.alignment import InputStatus
from orchestration.models import (
    BlockEvent,
    BomLine,
    BuildProject,
    CapacityBlock,
    State,
)
from orchestration.site_selection import ScoringRun, Site

ALIGNMENT_STATUSES = [status.value for status in InputStatus]  # the domain's rule names them


class ReasonSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()
    category = serializers.CharField(allow_null=True, required=False)
    line_refs = serializers.ListField(child=serializers.CharField(), required=False)


class TransitionErrorSerializer(serializers.Serializer):
    """A refused transition: the API's error shape; `errors` lists each reason with its input and lines."""

    code = serializers.CharField(help_text="transition_not_allowed | gate_not_met | concurrent_change")
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    errors = ReasonSerializer(many=True)


class BlockSerializer(serializers.ModelSerializer):
    """A capacity block. `state` changes only through the transition action; facts through the facts action;
    the plan through the plan action. `model_p10/p50/p90` are the site model's go-live band for the block."""

    before_model_p10 = serializers.BooleanField(
        read_only=True, help_text="The planned go-live is earlier than the site model's P10 (re-read on every call)."
    )

    class Meta:
        model = CapacityBlock
        fields = (
            "id", "project", "index", "phase", "mw", "gpus", "planned_go_live", "commissioning_days", "state",
            "power_available", "grid_energised", "cooling_ready", "commissioning_passed", "live_on", "forecast_go_live",
            "forecast_days_late", "forecast_binding", "model_block", "model_p10", "model_p50", "model_p90",
            "before_model_p10",
        )  # fmt: skip
        read_only_fields = fields


class PhaseSerializer(serializers.Serializer):
    phase = serializers.IntegerField()
    blocks = serializers.ListField(child=serializers.IntegerField(), help_text="Block indexes.")
    mw = serializers.FloatField()


class SiteModelSerializer(serializers.Serializer):
    """The site model run that gave every block its go-live band (docs/orchestration.md §2)."""

    planned_from_model = serializers.BooleanField(help_text="At creation, every block was planned at its P50.")
    model_version = serializers.CharField(help_text="Empty for a project created before bands were stored.")
    decision_date = serializers.DateField(
        source="model_decision_date", allow_null=True, help_text="Month 0 of the model: the build decision."
    )
    run = serializers.IntegerField(
        source="model_run_id", allow_null=True, help_text="Scoring run whose scenario, seed and draws were used."
    )
    seed = serializers.IntegerField(source="model_seed", allow_null=True)
    draws = serializers.IntegerField(source="model_draws", allow_null=True)
    grid_energised_p50 = serializers.DateField(source="model_grid_energised_p50", allow_null=True)
    on_site_power = serializers.BooleanField(
        source="model_on_site_power", allow_null=True, help_text="The model bridges the first blocks on site."
    )
    missing_inputs = serializers.ListField(
        child=serializers.CharField(),
        source="model_missing_inputs",
        help_text="Site facts the model did not have and filled in conservatively (its economics missing_inputs).",
    )


class ProjectSerializer(serializers.ModelSerializer):
    blocks = BlockSerializer(many=True, read_only=True)
    phases = serializers.SerializerMethodField()
    site_model = SiteModelSerializer(source="*", read_only=True)
    blocks_before_model_p10 = serializers.SerializerMethodField(
        help_text="Blocks whose planned go-live is earlier than the site model's P10."
    )

    class Meta:
        model = BuildProject
        fields = (
            "id", "site", "name", "target_mw", "block_mw", "blocks_per_phase", "planned_first_go_live",
            "blocks_interval_days", "grid_power_date", "phases", "blocks", "forecast_go_live", "forecast_mw_at_risk",
            "forecast_at", "created_at", "site_model", "blocks_before_model_p10",
        )  # fmt: skip
        read_only_fields = (
            "site", "target_mw", "block_mw", "blocks_per_phase", "planned_first_go_live", "blocks_interval_days",
            "phases", "blocks", "forecast_go_live", "forecast_mw_at_risk", "forecast_at", "created_at",
        )  # fmt: skip

    def get_blocks_before_model_p10(self, project: BuildProject) -> int:
        return sum(block.before_model_p10 for block in project.blocks.all())  # prefetched

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, project: BuildProject) -> list[dict]:
        phases: dict[int, dict] = {}
        for block in project.blocks.all():  # prefetched, ordered by index
            row = phases.setdefault(block.phase, {"phase": block.phase, "blocks": [], "mw": 0.0})
            row["blocks"].append(block.index)
            row["mw"] += block.mw
        return list(phases.values())


class ProjectCreateSerializer(serializers.Serializer):
    """Create a project; its blocks and each block's bill of materials are proposed from the MW figures."""

    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    name = serializers.CharField(max_length=200, validators=[validate_plain_name])
    target_mw = serializers.FloatField(min_value=1, max_value=100_000)
    block_mw = serializers.FloatField(min_value=1, max_value=5_000)
    planned_first_go_live = serializers.DateField(
        required=False, help_text="Omit to plan every block at the site model's P50 date."
    )
    blocks_interval_days = serializers.IntegerField(
        min_value=0, max_value=3650, required=False, help_text="With planned_first_go_live only (default 45)."
    )
    decision_date = serializers.DateField(required=False, help_text="Month 0 of the site model (default today).")
    model_run = serializers.PrimaryKeyRelatedField(
        queryset=ScoringRun.objects.all(), required=False, allow_null=True,
        help_text="Take the site model's scenario, seed and draws from this scoring run (default: the defaults).",
    )  # fmt: skip
    blocks_per_phase = serializers.IntegerField(min_value=1, max_value=1000, default=5)
    commissioning_days = serializers.IntegerField(min_value=0, max_value=730, default=45)
    onsite_generation_mw_per_block = serializers.FloatField(min_value=0, max_value=5_000, default=0.0)
    grid_power_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        if attrs["target_mw"] / attrs["block_mw"] > 500:
            raise serializers.ValidationError({"block_mw": "At most 500 blocks per project."})
        if BuildProject.objects.filter(name=attrs["name"]).exists():
            raise serializers.ValidationError({"name": "A project with this name exists."})
        return attrs


class ProjectUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = BuildProject
        fields = ("name", "grid_power_date")


class BlockPlanSerializer(serializers.Serializer):
    planned_go_live = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class BlockTransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=State.choices)
    reason = serializers.CharField(max_length=2000)


class OptionalFactField(serializers.BooleanField):
    # DRF reads a boolean missing from a form post as false; a fact not sent must stay as it is.
    default_empty_html = serializers.empty


class BlockFactsSerializer(serializers.Serializer):
    power_available = OptionalFactField(required=False)
    grid_energised = OptionalFactField(
        required=False, help_text="The utility has energised the block: its on-site generation no longer gates it."
    )
    cooling_ready = OptionalFactField(required=False)
    commissioning_passed = OptionalFactField(required=False)
    reason = serializers.CharField(max_length=2000)

    def validate(self, attrs):
        if len(attrs) == 1:
            raise serializers.ValidationError("Give at least one fact to change.")
        return attrs


class BlockEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)

    class Meta:
        model = BlockEvent
        fields = ("id", "kind", "from_state", "to_state", "actor", "source", "reason", "data", "at")
        read_only_fields = fields


class BomLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BomLine
        fields = ("id", "block", "category", "item", "quantity", "unit", "lead_time_days", "install_days", "basis",
                  "source")  # fmt: skip
        extra_kwargs = {"quantity": {"min_value": 0}}


class BindingSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="line | grid_power")
    category = serializers.CharField(allow_null=True)
    ready_date = serializers.DateField(allow_null=True)
    line_id = serializers.IntegerField(required=False)
    line_ref = serializers.CharField(required=False)
    item = serializers.CharField(required=False)
    supplier = serializers.CharField(required=False)


class BlockForecastSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    index = serializers.IntegerField()
    state = serializers.CharField()
    mw = serializers.FloatField()
    planned_go_live = serializers.DateField()
    forecast_go_live = serializers.DateField(allow_null=True)
    days_late = serializers.IntegerField(allow_null=True)
    at_risk = serializers.BooleanField()
    is_live = serializers.BooleanField()
    power_available = serializers.BooleanField()
    grid_energised = serializers.BooleanField(help_text="The grid has energised the block (a recorded fact).")
    power_forecast = serializers.DateField(allow_null=True)
    binding = BindingSerializer(allow_null=True)
    model_p10 = serializers.DateField(allow_null=True, help_text="The site model's go-live band for the block.")
    model_p50 = serializers.DateField(allow_null=True)
    model_p90 = serializers.DateField(allow_null=True)
    before_model_p10 = serializers.BooleanField(help_text="The plan is earlier than the site model's P10.")


class QuarterSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    quarter_end = serializers.DateField()
    planned_mw_cumulative = serializers.FloatField()
    forecast_mw_cumulative = serializers.FloatField()


class StrandedSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    line_ref = serializers.CharField()
    item = serializers.CharField()
    supplier = serializers.CharField()
    category = serializers.CharField()
    block_ids = serializers.ListField(child=serializers.IntegerField())
    quantity = serializers.FloatField()
    received_quantity = serializers.FloatField()
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    first_arrival = serializers.DateField()
    power_forecast = serializers.DateField(allow_null=True)
    days_stranded = serializers.IntegerField(allow_null=True)


class ForecastSerializer(serializers.Serializer):
    """The critical-path forecast, recomputed from the current promises (docs/orchestration.md §4)."""

    as_of = serializers.DateField()
    project_go_live = serializers.DateField(allow_null=True)
    binding_block_id = serializers.IntegerField(allow_null=True)
    binding = BindingSerializer(allow_null=True)
    mw_total = serializers.FloatField()
    mw_at_risk = serializers.FloatField()
    blocks_before_model_p10 = serializers.IntegerField(help_text="Blocks planned earlier than the site model's P10.")
    blocks = BlockForecastSerializer(many=True)
    mw_live_by_quarter = QuarterSerializer(many=True)
    stranded = StrandedSerializer(many=True)
    stranded_value_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    derate_days_by_supplier = serializers.DictField(child=serializers.IntegerField())


class AlignmentInputSerializer(serializers.Serializer):
    category = serializers.CharField()
    status = serializers.ChoiceField(choices=ALIGNMENT_STATUSES)
    lines = serializers.IntegerField()
    quantity = serializers.FloatField()
    received_quantity = serializers.FloatField()
    required_on_site = serializers.DateField(allow_null=True)
    forecast_arrival = serializers.DateField(allow_null=True)
    forecast_ready = serializers.DateField(allow_null=True)
    binding = serializers.BooleanField()


class AlignmentSerializer(serializers.Serializer):
    block_id = serializers.IntegerField()
    index = serializers.IntegerField()
    state = serializers.CharField()
    planned_go_live = serializers.DateField()
    forecast_go_live = serializers.DateField(allow_null=True)
    as_of = serializers.DateField()
    inputs = AlignmentInputSerializer(many=True)
