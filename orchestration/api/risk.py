"""API of program risk: supplier scorecards, the Monte Carlo go-live of a program, the cost of its slips, named
baselines and the variance against them, and a supplier's own lines' risk.

Thin: the querysets come from the scoped selectors (a supplier's user sees its own supplier row only, so its
own scorecard and its own lines' risk), the figures from orchestration.services.scorecards and .risk.
Program risk is internal planning data: supplier accounts get 403 there, as on the forecast.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.throttling import ExpensiveReadThrottle
from orchestration import selectors
from orchestration.api import filters
from orchestration.api.views import ERROR_400, ERROR_401, READ, WRITE, ScopedViewMixin
from orchestration.domain.risk import MAX_DRAWS
from orchestration.models import BuildProject, ProgramBaseline
from orchestration.services.baselines import baseline_freeze, baseline_variance
from orchestration.services.delay_cost import project_delay_costs
from orchestration.services.portfolio import portfolio_view
from orchestration.services.risk import project_risk, supplier_line_risk
from orchestration.services.scorecards import supplier_scorecards
from sitesel.api.views import ERROR_429
from sitesel.errors import ApplicationError
from sitesel.validators import validate_plain_name

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


class BaselineSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

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
    """Every program's MW live by quarter, added up, and supplier capacity programs compete for."""

    as_of = serializers.DateField(allow_null=True)
    programs = PortfolioProgramSerializer(many=True)
    mw_live_by_quarter = PortfolioQuarterSerializer(many=True)
    contention = ContentionSerializer(many=True)
    suppliers_without_stated_volume = serializers.ListField(child=serializers.CharField())


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


@extend_schema(tags=["projects"])
@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("project", int, description="Only this project's baselines")],
                       responses={200: BaselineSerializer(many=True), 400: ERROR_400, 401: ERROR_401}),
    retrieve=extend_schema(responses={200: BaselineSerializer, **READ}),
    create=extend_schema(request=BaselineCreateSerializer, responses={201: BaselineSerializer, **WRITE},
                         summary="Freeze the program's plan and forecast under a name (409 if the name is taken)"),
)  # fmt: skip
class BaselineViewSet(ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Named baselines of a program (several per project); compare today's forecast with any of them."""

    selector = selectors.baseline_list
    serializer_class = BaselineSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        project = self.request.query_params.get("project")
        if self.action == "list" and project is not None:
            if not project.isdigit():
                raise ApplicationError("must be a project id", field="project")
            queryset = queryset.filter(project_id=int(project))
        return queryset

    def create(self, request):
        data = BaselineCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = data.validated_data["project"]
        if not selectors.project_list(scope=self.scope).filter(pk=project.pk).exists():
            raise ApplicationError("no such project", field="project", code="does_not_exist")
        baseline = baseline_freeze(**data.validated_data, actor=request.user)
        return Response(BaselineSerializer(self.get_queryset().get(pk=baseline.pk)).data, status=201)

    @extend_schema(responses={200: VarianceSerializer, **READ, 429: ERROR_429},
                   summary="Forecast now against this baseline, per block and line, with the slips since")  # fmt: skip
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None,
            throttle_classes=[ExpensiveReadThrottle])  # fmt: skip
    def variance(self, request, pk=None):
        return Response(VarianceSerializer(baseline_variance(baseline=self.get_object())).data)


@extend_schema(tags=["projects"])
class PortfolioViewSet(ScopedViewMixin, viewsets.GenericViewSet):
    """The portfolio of programs (internal): MW live by quarter across them and supplier capacity contention."""

    selector = selectors.project_list
    serializer_class = PortfolioSerializer
    throttle_classes = [ExpensiveReadThrottle]
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("project", int, many=True, description="Only these projects (default: all)")],
        responses={200: PortfolioSerializer, 400: ERROR_400, 401: ERROR_401, 429: ERROR_429},
        summary="MW live by quarter across programs; months where programs compete for a supplier's volume",
    )
    def list(self, request):
        projects = self.get_queryset()
        wanted = request.query_params.getlist("project")
        if wanted:
            if not all(p.isdigit() for p in wanted):
                raise ApplicationError("must be project ids", field="project")
            projects = projects.filter(pk__in=[int(p) for p in wanted])
        return Response(PortfolioSerializer(portfolio_view(projects=list(projects.order_by("pk")))).data)


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
