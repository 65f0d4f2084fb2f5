"""API of program risk: supplier scorecards, the Monte Carlo go-live of a program, a supplier's own lines' risk.

Thin: the querysets come from the scoped selectors (a supplier's user sees its own supplier row only, so its
own scorecard and its own lines' risk), the figures from orchestration.services.scorecards and .risk.
Program risk is internal planning data: supplier accounts get 403 there, as on the forecast.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from config.api.throttling import ExpensiveReadThrottle
from orchestration import selectors
from orchestration.api import filters
from orchestration.api.views import ERROR_400, ERROR_401, READ, ScopedViewMixin
from orchestration.domain.risk import MAX_DRAWS
from orchestration.services.delay_cost import project_delay_costs
from orchestration.services.risk import project_risk, supplier_line_risk
from orchestration.services.scorecards import supplier_scorecards
from sitesel.api.views import ERROR_429

# --- serializers ---------------------------------------------------------------------------------------


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
    supplier_id = serializers.IntegerField()
    supplier = serializers.CharField()
    on_time_threshold = serializers.FloatField()
    grace_days = serializers.IntegerField()
    min_history = serializers.IntegerField()
    as_of = serializers.DateField()
    source = serializers.CharField()
    by_category = CategoryScorecardSerializer(many=True)


class RiskQuerySerializer(serializers.Serializer):
    draws = serializers.IntegerField(min_value=100, max_value=MAX_DRAWS, default=2000)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)


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


class ProgramRiskSerializer(serializers.Serializer):
    """Probabilistic go-live of a program (docs/orchestration.md, Program risk)."""

    as_of = serializers.DateField()
    draws = serializers.IntegerField()
    seed = serializers.IntegerField()
    supplier_share = serializers.FloatField()
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


# --- views -----------------------------------------------------------------------------------------------

RISK_PARAMS = [
    OpenApiParameter("draws", int, description=f"Monte Carlo draws, 100..{MAX_DRAWS} (default 2000)"),
    OpenApiParameter("seed", int, description="Random seed (default 0): same seed, same answer"),
]


def _risk_query(request) -> dict:
    query = RiskQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


@extend_schema(tags=["suppliers"])
class SupplierScorecardViewSet(ScopedViewMixin, viewsets.GenericViewSet):
    """Supplier scorecards: on-time rate, median slip and its trend, per supplier and category."""

    selector = selectors.supplier_list
    supplier_reads = True
    serializer_class = ScorecardSerializer
    filterset_class = filters.SupplierFilter

    @extend_schema(responses={200: ScorecardSerializer(many=True), 400: ERROR_400, 401: ERROR_401})
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(supplier_scorecards(suppliers=list(page)))

    @extend_schema(responses={200: ScorecardSerializer, **READ})
    def retrieve(self, request, pk=None):
        return Response(ScorecardSerializer(supplier_scorecards(suppliers=[self.get_object()])[0]).data)

    def get_paginated_response(self, data):
        return super().get_paginated_response(ScorecardSerializer(data, many=True).data)


@extend_schema(tags=["projects"])
class ProgramRiskViewSet(ScopedViewMixin, viewsets.GenericViewSet):
    """Probabilistic go-live of a program (by project id): P50/P80/P90, MW live by quarter as a band, tornado."""

    selector = selectors.project_list
    serializer_class = ProgramRiskSerializer
    throttle_classes = [ExpensiveReadThrottle]

    @extend_schema(parameters=RISK_PARAMS, responses={200: ProgramRiskSerializer, 400: ERROR_400, **READ,
                                                      429: ERROR_429},
                   summary="Monte Carlo go-live of the program (limited per user: 429 with Retry-After)")  # fmt: skip
    def retrieve(self, request, pk=None):
        query = _risk_query(request)
        return Response(ProgramRiskSerializer(project_risk(project=self.get_object(), **query)).data)


@extend_schema(tags=["projects"])
class ProgramDelayCostViewSet(ScopedViewMixin, viewsets.GenericViewSet):
    """The cost of a program's current slips (by project id): late MW-months, penalties, expediting, idle GPUs."""

    selector = selectors.project_list
    serializer_class = DelayCostSerializer
    throttle_classes = [ExpensiveReadThrottle]

    @extend_schema(responses={200: DelayCostSerializer, **READ, 429: ERROR_429},
                   summary="Price the current slips at the site model's cost of delay")  # fmt: skip
    def retrieve(self, request, pk=None):
        return Response(DelayCostSerializer(project_delay_costs(project=self.get_object())).data)


@extend_schema(tags=["suppliers"])
class SupplierLineRiskViewSet(ScopedViewMixin, viewsets.GenericViewSet):
    """A supplier's own open lines (by supplier id): arrival P50/P80/P90 and the chance of arriving late."""

    selector = selectors.supplier_list
    supplier_reads = True
    serializer_class = SupplierLineRiskSerializer
    throttle_classes = [ExpensiveReadThrottle]

    @extend_schema(parameters=RISK_PARAMS, responses={200: SupplierLineRiskSerializer, 400: ERROR_400, **READ,
                                                      429: ERROR_429},
                   summary="Risk of the supplier's own lines (supplier accounts: their own only)")  # fmt: skip
    def retrieve(self, request, pk=None):
        query = _risk_query(request)
        return Response(SupplierLineRiskSerializer(supplier_line_risk(supplier=self.get_object(), **query)).data)
