"""API of program risk: supplier scorecards, the Monte Carlo go-live of a program, the cost of its slips, named
baselines and the variance against them, the portfolio, and a supplier's own lines' risk.

Thin: the querysets come from the scoped selectors (a supplier's user sees its own supplier row only, so its
own scorecard and its own lines' risk), the figures from the services (scorecards, risk, delay_cost,
baselines, portfolio); the shapes are in serializers.py beside it.
Program risk is internal planning data: supplier accounts get 403 there, as on the forecast.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.throttling import ExpensiveReadThrottle
from core.api import ERROR_400, ERROR_401, ERROR_403, ERROR_429
from core.errors import ApplicationError
from orchestration import selectors
from orchestration.api.programs.filters import BaselineFilter
from orchestration.api.risk.serializers import (
    BaselineCreateSerializer,
    BaselineSerializer,
    DelayCostSerializer,
    PortfolioQuerySerializer,
    PortfolioSerializer,
    ProgramRiskSerializer,
    RiskQuerySerializer,
    ScorecardSerializer,
    SupplierLineRiskSerializer,
    VarianceSerializer,
)
from orchestration.api.scoped_views import READ, WRITE, ScopedViewMixin
from orchestration.api.suppliers.filters import SupplierFilter
from orchestration.domain.risk import MAX_DRAWS
from orchestration.services.baselines import baseline_freeze, baseline_variance
from orchestration.services.delay_cost import project_delay_costs
from orchestration.services.portfolio import portfolio_view
from orchestration.services.risk import project_risk, supplier_line_risk
from orchestration.services.scorecards import supplier_scorecards

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
    filterset_class = SupplierFilter

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
    list=extend_schema(responses={200: BaselineSerializer(many=True), 400: ERROR_400, 401: ERROR_401}),
    retrieve=extend_schema(responses={200: BaselineSerializer, **READ}),
    create=extend_schema(request=BaselineCreateSerializer, responses={201: BaselineSerializer, **WRITE},
                         summary="Freeze the program's plan and forecast under a name (409 if the name is taken)"),
)  # fmt: skip
class BaselineViewSet(ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Named baselines of a program (several per project); compare today's forecast with any of them."""

    selector = selectors.baseline_list
    serializer_class = BaselineSerializer
    filterset_class = BaselineFilter

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


class PortfolioView(ScopedViewMixin, APIView):
    """The portfolio of programs (internal): MW live by quarter across them and supplier capacity contention."""

    selector = selectors.project_list
    throttle_classes = [ExpensiveReadThrottle]

    @extend_schema(
        tags=["projects"],
        parameters=[PortfolioQuerySerializer],  # draws and seed as on program-risk/
        responses={200: PortfolioSerializer, 400: ERROR_400, 401: ERROR_401, 403: ERROR_403, 429: ERROR_429},
        summary="MW live by quarter across programs; months where programs compete for a supplier's volume",
    )
    def get(self, request):
        data = {key: request.query_params[key] for key in ("draws", "seed") if key in request.query_params}
        if "project" in request.query_params:
            data["project"] = request.query_params.getlist("project")
        query = PortfolioQuerySerializer(data=data)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        projects = self.get_queryset()
        if "project" in params:
            projects = projects.filter(pk__in=params.pop("project"))
        return Response(PortfolioSerializer(portfolio_view(projects=list(projects.order_by("pk")), **params)).data)


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
