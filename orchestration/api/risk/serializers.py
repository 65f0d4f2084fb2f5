"""Serializers of the program-risk API (views.py beside it): shapes only, every figure with its unit."""

from __future__ import annotations

from rest_framework import serializers

from config.api.numbers import MAX_ID
from config.api.query_fields import QueryInt
from core.validators import validate_plain_name
from orchestration.domain.risk import MAX_DRAWS
from orchestration.models import BuildProject, ProgramBaseline


class CategoryScorecardSerializer(serializers.Serializer):
    category = serializers.CharField(allow_null=True)
    n_deliveries = serializers.IntegerField(help_text="Closed deliveries (arrived on site) counted.")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="Share arriving within grace_days (0..1).")
    slip_p50_days = serializers.FloatField(allow_null=True, help_text="Median of arrival - commitment, days.")
    slip_p90_days = serializers.FloatField(allow_null=True, help_text="90th percentile slip, days.")
    late_slip_p50_days = serializers.FloatField(allow_null=True, help_text="Median slip of the late ones, days.")
    trend = serializers.ChoiceField(choices=("improving", "steady", "worsening", "too_few"))
    trend_days = serializers.FloatField(allow_null=True, help_text="Later half's median slip - earlier half's, days.")
    below_threshold = serializers.BooleanField(help_text="Enough history and on-time rate under the threshold.")


class ScorecardSerializer(CategoryScorecardSerializer):
    id = serializers.IntegerField(help_text="The supplier's id.")
    supplier_id = serializers.IntegerField()
    supplier = serializers.CharField()
    on_time_threshold = serializers.FloatField()
    grace_days = serializers.IntegerField()
    min_history = serializers.IntegerField()
    as_of = serializers.DateField()
    source = serializers.CharField()
    by_category = CategoryScorecardSerializer(many=True)


class RiskQuerySerializer(serializers.Serializer):
    draws = QueryInt(min_value=100, max_value=MAX_DRAWS, default=2000)
    seed = QueryInt(min_value=0, max_value=2**31 - 1, default=0)


class PortfolioQuerySerializer(RiskQuerySerializer):
    project = serializers.ListField(child=QueryInt(min_value=1, max_value=MAX_ID), required=False, max_length=100)


class BlockRiskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    index = serializers.IntegerField()
    state = serializers.CharField()
    mw = serializers.FloatField()
    planned_go_live = serializers.DateField()
    forecast_go_live = serializers.DateField(allow_null=True, help_text="The deterministic (de-rated) forecast.")
    nominal_go_live = serializers.DateField(allow_null=True, help_text="Every open commitment kept, no slip.")
    p50 = serializers.DateField(allow_null=True, help_text="null: undatable in more than half the draws")
    p80 = serializers.DateField(allow_null=True)
    p90 = serializers.DateField(allow_null=True)
    prob_late = serializers.FloatField(help_text="Share of draws later than plan (0..1).")
    expected_days_late = serializers.FloatField(help_text="Mean of max(go-live - plan, 0) over the draws, days.")


class QuarterBandSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    quarter_end = serializers.DateField()
    planned_mw_cumulative = serializers.FloatField()
    mw_p10 = serializers.FloatField(help_text="MW live at the quarter's end in nine draws out of ten.")
    mw_p50 = serializers.FloatField()
    mw_p90 = serializers.FloatField()


class DriverSerializer(serializers.Serializer):
    supplier_id = serializers.IntegerField()
    supplier = serializers.CharField()
    category = serializers.CharField()
    line_id = serializers.IntegerField(required=False)
    line_ref = serializers.CharField(required=False)
    item = serializers.CharField(required=False)
    criticality = serializers.FloatField(help_text="Share of draws in which it sets the program's go-live.")
    p80_without = serializers.DateField(allow_null=True, help_text="Program P80 with it on its commitments.")
    p80_days = serializers.IntegerField(allow_null=True, help_text="Days its slips add to the program P80.")


class SlipEvidenceSerializer(serializers.Serializer):
    supplier_id = serializers.IntegerField()
    supplier = serializers.CharField()
    own_deliveries = serializers.IntegerField()
    own_weight = serializers.FloatField(help_text="n / (n + prior strength): the weight of its own history.")
    prior = serializers.ChoiceField(choices=("category", "all_suppliers", "none"))
    mean_slip_days = serializers.FloatField()


class FitSerializer(serializers.Serializer):
    value = serializers.FloatField(help_text="The value the simulation used.")
    fitted = serializers.BooleanField(help_text="Fitted from closed deliveries; false: the setting's default.")
    n = serializers.IntegerField(help_text="Evidence counted: deliveries (share) or suppliers (prior strength).")
    estimate = serializers.FloatField(allow_null=True, help_text="The raw estimate: ρ̂ for the share, k̂ for the prior.")
    reason = serializers.CharField()


class RiskFitSerializer(serializers.Serializer):
    supplier_share = FitSerializer(help_text="Probability a delivery takes its supplier's shared slip level.")
    prior_strength = FitSerializer(help_text="Pseudo-deliveries of the category prior (own weight n / (n + k)).")


class ProgramRiskSerializer(serializers.Serializer):
    """Probabilistic go-live of a program (docs/orchestration.md, Program risk)."""

    as_of = serializers.DateField()
    draws = serializers.IntegerField()
    seed = serializers.IntegerField()
    supplier_share = serializers.FloatField(help_text="The share used (fit.supplier_share.value).")
    fit = RiskFitSerializer(help_text="Within-supplier share and prior strength: fitted or default, and why.")
    source = serializers.CharField()
    planned_go_live = serializers.DateField(allow_null=True)
    forecast_go_live = serializers.DateField(allow_null=True)
    p50 = serializers.DateField(allow_null=True)
    p80 = serializers.DateField(allow_null=True)
    p90 = serializers.DateField(allow_null=True)
    prob_late = serializers.FloatField()
    blocks = BlockRiskSerializer(many=True)
    mw_live_by_quarter = QuarterBandSerializer(many=True)
    supplier_drivers = DriverSerializer(many=True)
    line_drivers = DriverSerializer(many=True)
    slip_evidence = SlipEvidenceSerializer(many=True)


class LineRiskSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    line_ref = serializers.CharField()
    item = serializers.CharField()
    category = serializers.CharField()
    project_id = serializers.IntegerField()
    required_on_site = serializers.DateField(allow_null=True)
    received = serializers.BooleanField()
    arrival_p50 = serializers.DateField(allow_null=True)
    arrival_p80 = serializers.DateField(allow_null=True)
    arrival_p90 = serializers.DateField(allow_null=True)
    prob_late = serializers.FloatField(allow_null=True, help_text="Share of draws arriving after required_on_site.")


class SupplierLineRiskSerializer(serializers.Serializer):
    supplier_id = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True)
    draws = serializers.IntegerField()
    seed = serializers.IntegerField()
    source = serializers.CharField()
    lines = LineRiskSerializer(many=True)


class DelayPricesSerializer(serializers.Serializer):
    cost_of_delay_usd_per_mw_month = serializers.FloatField(help_text="USD per MW-month of delay.")
    usd_per_gpu_hour = serializers.FloatField(help_text="USD per GPU-hour (capex + opex).")
    model_version = serializers.CharField()
    capacity_mw = serializers.FloatField()
    scoring_run_id = serializers.IntegerField(allow_null=True, help_text="The scenario the prices come from.")
    source = serializers.CharField()


class LineLabelSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    line_ref = serializers.CharField()
    item = serializers.CharField()
    category = serializers.CharField()
    supplier_id = serializers.IntegerField()
    supplier = serializers.CharField()


class BlockDelaySerializer(serializers.Serializer):
    block_id = serializers.IntegerField()
    index = serializers.IntegerField()
    days_late = serializers.IntegerField(help_text="Deterministic forecast - plan, days.")
    mw_months = serializers.FloatField(help_text="MW x months late.")
    gpu_months = serializers.FloatField(help_text="GPU-months not delivered.")
    usd = serializers.FloatField(help_text="MW-months x the cost of delay, USD.")


class PenaltySerializer(LineLabelSerializer):
    contract_id = serializers.IntegerField()
    contract_ref = serializers.CharField()
    days = serializers.IntegerField(help_text="Most days the contract's lines delay a block.")
    per_day = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True,
                                      help_text="null: the contract has no late penalty per day")  # fmt: skip
    currency = serializers.CharField()


class ExpediteSerializer(LineLabelSerializer):
    block_ids = serializers.ListField(child=serializers.IntegerField())
    days_saved = serializers.IntegerField(help_text="Days the most-moved block would gain if the line were on time.")
    mw_days = serializers.FloatField(help_text="MW x days saved over the blocks it holds back.")
    usd = serializers.FloatField(help_text="MW-days at the cost of delay, USD.")


class ExpediteContractSerializer(serializers.Serializer):
    contract_id = serializers.IntegerField()
    contract_ref = serializers.CharField()
    supplier_id = serializers.IntegerField()
    block_ids = serializers.ListField(child=serializers.IntegerField())
    days_saved = serializers.IntegerField(help_text="Days the most-moved block gains with every late line on time.")
    mw_days = serializers.FloatField(help_text="MW x days saved over the blocks it holds back.")
    usd = serializers.FloatField(help_text="MW-days at the cost of delay, USD.")


class StrandedGpusSerializer(LineLabelSerializer):
    gpus = serializers.FloatField()
    days = serializers.IntegerField(allow_null=True, help_text="Days from landing to power; null: power undated.")
    gpu_hours = serializers.FloatField(allow_null=True)
    usd = serializers.FloatField(allow_null=True, help_text="GPU-hours x the cost per GPU-hour (an upper bound).")


class ResequenceSerializer(serializers.Serializer):
    block_id = serializers.IntegerField()
    index = serializers.IntegerField()
    gpus_received = serializers.FloatField()
    first_block_id = serializers.IntegerField()
    first_index = serializers.IntegerField()
    first_gpus_received = serializers.FloatField()
    message = serializers.CharField()


class DelayCostSerializer(serializers.Serializer):
    """What the current slips cost (docs/orchestration.md, Program risk)."""

    as_of = serializers.DateField()
    prices = DelayPricesSerializer()
    blocks = BlockDelaySerializer(many=True)
    mw_months = serializers.FloatField()
    gpu_months = serializers.FloatField()
    usd = serializers.FloatField()
    penalties = PenaltySerializer(many=True)
    penalties_usd = serializers.DecimalField(max_digits=20, decimal_places=2, help_text="USD contracts only.")
    expedite = ExpediteSerializer(many=True, help_text="Per line: what bringing that line alone on time saves.")
    expedite_contracts = ExpediteContractSerializer(many=True, help_text="Per contract: every late line on time.")
    stranded_gpus = StrandedGpusSerializer(many=True)
    stranded_gpu_hours = serializers.FloatField()
    stranded_usd = serializers.FloatField()
    resequence = ResequenceSerializer(allow_null=True)


class BaselineSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = ProgramBaseline
        fields = ("id", "project", "name", "note", "as_of", "planned_go_live", "forecast_go_live", "created_at",
                  "created_by")  # fmt: skip
        read_only_fields = ("as_of", "planned_go_live", "forecast_go_live", "created_at", "created_by")


class BaselineCreateSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=BuildProject.objects.all())
    name = serializers.CharField(max_length=100, validators=[validate_plain_name])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SlipEntrySerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    shipment_ref = serializers.CharField()
    field = serializers.CharField(help_text="promised_date | confirmed_date | expected_date")
    old_date = serializers.DateField(allow_null=True)
    new_date = serializers.DateField(allow_null=True)
    days = serializers.IntegerField(allow_null=True, help_text="new - old, days (> 0: a slip)")
    source = serializers.CharField(help_text="Who recorded it: api, admin, feed (check run), …")
    check_run_id = serializers.IntegerField(allow_null=True)
    actor = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()


class BlockVarianceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    index = serializers.IntegerField()
    in_baseline = serializers.BooleanField()
    baseline_planned_go_live = serializers.DateField(allow_null=True)
    baseline_forecast_go_live = serializers.DateField(allow_null=True)
    planned_go_live = serializers.DateField()
    forecast_go_live = serializers.DateField(allow_null=True)
    plan_moved_days = serializers.IntegerField(allow_null=True, help_text="Plan now - plan then, days.")
    forecast_moved_days = serializers.IntegerField(allow_null=True, help_text="Forecast now - forecast then, days.")
    forecast_vs_baseline_plan_days = serializers.IntegerField(allow_null=True,
                                                              help_text="Forecast now - plan then, days.")  # fmt: skip
    slips_since = SlipEntrySerializer(many=True, help_text="Largest slip-log entries on its lines since the freeze.")


class LineVarianceSerializer(LineLabelSerializer):
    in_baseline = serializers.BooleanField()
    baseline_arrival = serializers.DateField(allow_null=True)
    forecast_arrival = serializers.DateField(allow_null=True)
    arrival_moved_days = serializers.IntegerField(allow_null=True, help_text="Arrival now - arrival then, days.")
    slips_since = SlipEntrySerializer(many=True)


class VarianceSerializer(serializers.Serializer):
    """Today's forecast against a baseline (docs/orchestration.md, Program risk)."""

    baseline_id = serializers.IntegerField()
    name = serializers.CharField()
    frozen_at = serializers.DateTimeField()
    baseline_as_of = serializers.DateField()
    as_of = serializers.DateField()
    baseline_forecast_go_live = serializers.DateField(allow_null=True)
    forecast_go_live = serializers.DateField(allow_null=True)
    forecast_moved_days = serializers.IntegerField(allow_null=True)
    blocks = BlockVarianceSerializer(many=True)
    lines = LineVarianceSerializer(many=True, help_text="Lines whose arrival moved or that slipped since the freeze.")
    lines_unchanged = serializers.IntegerField()


class PortfolioProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    mw_total = serializers.FloatField()
    forecast_go_live = serializers.DateField(allow_null=True)
    mw_at_risk = serializers.FloatField()


class ProgramMwSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mw = serializers.FloatField()


class PortfolioQuarterSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    quarter_end = serializers.DateField()
    planned_mw_cumulative = serializers.FloatField()
    forecast_mw_cumulative = serializers.FloatField()
    forecast_mw_by_program = ProgramMwSerializer(many=True)


class PortfolioBandSerializer(serializers.Serializer):
    draws = serializers.IntegerField()
    seed = serializers.IntegerField()
    supplier_share = serializers.FloatField(help_text="Within-supplier share of the slip level (0..1).")
    fit = RiskFitSerializer()
    source = serializers.CharField()
    quarters = QuarterBandSerializer(many=True, help_text="MW live across the programs at each quarter's end.")


class ContentionProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.FloatField(help_text="Open quantity due that month, in the contract lines' units.")


class ContentionSerializer(serializers.Serializer):
    supplier_id = serializers.IntegerField()
    supplier = serializers.CharField()
    month = serializers.DateField(help_text="First day of the month.")
    capacity_per_month = serializers.FloatField(help_text="Sum of its contracts' committed volume per month.")
    demand = serializers.FloatField()
    excess = serializers.FloatField()
    by_program = ContentionProgramSerializer(many=True)


class PortfolioSerializer(serializers.Serializer):
    """Every program's MW live by quarter, added up, its Monte Carlo band, and supplier capacity programs
    compete for."""

    as_of = serializers.DateField(allow_null=True)
    programs = PortfolioProgramSerializer(many=True)
    mw_live_by_quarter = PortfolioQuarterSerializer(many=True)
    mw_band = PortfolioBandSerializer(help_text="One Monte Carlo over every program, suppliers' slips shared.")
    contention = ContentionSerializer(many=True)
    suppliers_without_stated_volume = serializers.ListField(child=serializers.CharField())
