"""Scenarios and scoring runs: POST a run (202 + its URL), poll its progress, read ranked results or CSV."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from config.api.csv_export import csv_chunks
from config.api.throttling import ExpensiveReadThrottle
from core.api import ERROR_400, ERROR_409, ERROR_429, READ_ERRORS, WRITE_ERRORS
from core.errors import Conflict
from sitesel.api.scoring_runs.filters import ScoringResultFilter, ScoringRunFilter
from sitesel.api.scoring_runs.serializers import (
    CellPromoteSerializer,
    CellQuerySerializer,
    CellSerializer,
    RunPinSerializer,
    ScenarioSerializer,
    ScoringResultDetailSerializer,
    ScoringResultSerializer,
    ScoringRunCreateSerializer,
    ScoringRunSerializer,
)
from sitesel.api.sites.serializers import SiteSerializer
from sitesel.domain.time_to_power import BINDING_LABELS
from sitesel.models import Scenario, ScoringResult, ScoringRun
from sitesel.scoring_runs.lookup import national_cell
from sitesel.selectors import results_with_time_to_power_spread
from sitesel.services.scoring_runs import (
    scenario_create,
    scenario_delete,
    scenario_update,
    scoring_cell_promote,
    scoring_run_cancel,
    scoring_run_create,
    scoring_run_pin,
)

# Named with their units. The P10/P90 spread of time to power is read from the run's stored chunks, after the
# row's own columns (sitesel.selectors.results_with_time_to_power_spread).
CSV_COLUMNS = (
    "rank", "score", "capacity_mw", "site", "site_name", "cell_id", "lon", "lat", "state", "county_fips", "eligible",
    "binding_constraint", "capex_per_mw_usd", "time_to_power_p50_months", "time_to_compute_p50_months", "gpus",
    "power_binding_constraint", "grid_swing_flag",
)  # fmt: skip
SPREAD_COLUMNS = ("time_to_power_p10_months", "time_to_power_p90_months")


RESULT_PARAMETERS = [
    OpenApiParameter("capacity_mw", OpenApiTypes.NUMBER, description="e.g. 50 or 1000"),
    OpenApiParameter("state", OpenApiTypes.STR),
    OpenApiParameter("county_fips", OpenApiTypes.STR),
    OpenApiParameter("eligible", OpenApiTypes.BOOL),
    OpenApiParameter("min_score", OpenApiTypes.NUMBER),
    OpenApiParameter("max_rank", OpenApiTypes.INT),
    OpenApiParameter("max_capex_per_mw_usd", OpenApiTypes.NUMBER),
    OpenApiParameter("max_time_to_power_p50_months", OpenApiTypes.NUMBER),
    OpenApiParameter("max_time_to_compute_p50_months", OpenApiTypes.NUMBER),
    OpenApiParameter("power_binding_constraint", OpenApiTypes.STR, enum=list(BINDING_LABELS)),
    OpenApiParameter("grid_swing_flag", OpenApiTypes.STR, enum=["true", "false"]),
]


class ScenarioViewSet(viewsets.ModelViewSet):
    serializer_class = ScenarioSerializer
    queryset = Scenario.objects.order_by("name")

    @extend_schema(responses={201: ScenarioSerializer, **WRITE_ERRORS})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scenario = scenario_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(scenario).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = scenario_update(scenario=serializer.instance, **data)

    def perform_destroy(self, instance):
        scenario_delete(scenario=instance)


class ScoringRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Scoring runs. POST starts one in the background and answers 202 with the URL to poll."""

    serializer_class = ScoringRunSerializer
    # The ranking archive (every result's breakdown, one blob per run) is read by results, never by these pages.
    queryset = ScoringRun.objects.select_related("scenario").defer("ranking", "scenario__spec")
    filterset_class = ScoringRunFilter

    @extend_schema(request=ScoringRunCreateSerializer, responses={202: ScoringRunSerializer, **WRITE_ERRORS})
    def create(self, request):
        data = ScoringRunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        run = scoring_run_create(scenario=values.pop("scenario", None), actor=request.user, **values)
        body = ScoringRunSerializer(run, context={"request": request}).data
        location = request.build_absolute_uri(f"/api/v1/scoring-runs/{run.pk}/")
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(request=None, responses={200: ScoringRunSerializer, **WRITE_ERRORS, 409: ERROR_409},
                   summary="Cancel a queued or running run (idempotent); it is never ranked")  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        run = scoring_run_cancel(run_id=self.get_object().pk)
        return Response(ScoringRunSerializer(run, context={"request": request}).data)

    @extend_schema(request=RunPinSerializer, responses={200: ScoringRunSerializer, **WRITE_ERRORS},
                   summary="Pin a run (retention never deletes it) or unpin it")  # fmt: skip
    @action(detail=True, methods=["post"])
    def pin(self, request, pk=None):
        data = RunPinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = scoring_run_pin(run=self.get_object(), pinned=data.validated_data["pinned"])
        return Response(ScoringRunSerializer(run, context={"request": request}).data)

    @extend_schema(
        parameters=[CellQuerySerializer],
        responses={200: CellSerializer, **READ_ERRORS, 400: ERROR_400, 409: ERROR_409},
        summary="The national-screen cell at a point: its score and rank at each capacity",
    )
    @action(detail=True, methods=["get"])
    def cell(self, request, pk=None):
        run = self.get_object()
        query = CellQuerySerializer(data=request.query_params)  # bad input is a 400 whatever the run
        query.is_valid(raise_exception=True)
        if run.mode != ScoringRun.Mode.NATIONAL:
            raise Conflict(f"run {run.pk} scored candidate sites, not grid cells", field="mode", code="not_national")
        if run.status != ScoringRun.Status.SUCCEEDED:
            raise Conflict(f"run {run.pk} is {run.status}: it has no ranking", field="status", code="run_not_ranked")
        cell = national_cell(run, query.validated_data["lon"], query.validated_data["lat"])
        if cell is None:
            raise NotFound("no scored cell there: the point is outside the contiguous US counties")
        return Response(CellSerializer(cell).data)

    def _results(self, request, run: ScoringRun):
        if run.status != ScoringRun.Status.SUCCEEDED:
            # Only a ranked run has results; a cancelled or failed one never serves partial numbers.
            raise Conflict(f"run {run.pk} is {run.status}: it has no ranking", field="status", code="run_not_ranked")
        results = ScoringResult.objects.filter(run=run).select_related("site").order_by("capacity_mw", "rank", "id")
        return ScoringResultFilter(request.query_params, queryset=results, request=request)

    @extend_schema(
        parameters=RESULT_PARAMETERS,
        responses={200: ScoringResultSerializer(many=True), **READ_ERRORS, 400: ERROR_400},
        summary="Ranked results of a run, best first",
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        run = self.get_object()
        filtered = self._results(request, run)
        if not filtered.is_valid():
            raise ValidationError(filtered.errors)
        page = self.paginate_queryset(filtered.qs)
        return self.get_paginated_response(ScoringResultSerializer(page, many=True).data)

    @extend_schema(
        parameters=RESULT_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, **READ_ERRORS, 400: ERROR_400, 429: ERROR_429},
    )
    @action(detail=True, methods=["get"], url_path="results/csv", throttle_classes=[ExpensiveReadThrottle])
    def results_csv(self, request, pk=None):
        """The same results as CSV, every row (streamed), with the same filters. Text cells are quoted and guarded
        against spreadsheet formulas; limited per user (429 with Retry-After)."""
        run = self.get_object()
        filtered = self._results(request, run)
        if not filtered.is_valid():
            raise ValidationError(filtered.errors)
        rows = filtered.qs.values_list(*[c if c != "site_name" else "site__name" for c in CSV_COLUMNS],
                                       "chunk_index", "chunk_row")  # fmt: skip
        # Streamed: rows come from a server-side cursor 5,000 at a time and leave in chunks; never all the rows in
        # memory (the P10/P90 spread of the chunks they need is: 16 bytes a result).
        spread = results_with_time_to_power_spread(run, rows.iterator(chunk_size=5000))
        chunks = csv_chunks(CSV_COLUMNS + SPREAD_COLUMNS, spread)
        response = StreamingHttpResponse(chunks, content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="scoring-run-{run.pk}.csv"'
        return response

    @extend_schema(responses={200: ScoringResultDetailSerializer, **READ_ERRORS}, summary="One result in full")
    @action(detail=True, methods=["get"], url_path=r"results/(?P<result_id>\d+)")
    def result(self, request, pk=None, result_id=None):
        result = get_object_or_404(ScoringResult.objects.select_related("site"), run=self.get_object(), pk=result_id)
        return Response(ScoringResultDetailSerializer(result).data)

    @extend_schema(
        request=CellPromoteSerializer,
        responses={201: SiteSerializer, **WRITE_ERRORS, 404: READ_ERRORS[404], 409: ERROR_409},
        summary="Promote a national-screen cell to a candidate site",
    )
    @action(detail=True, methods=["post"], url_path=r"results/(?P<result_id>\d+)/promote")
    def promote(self, request, pk=None, result_id=None):
        run = self.get_object()
        result = get_object_or_404(ScoringResult, run=run, pk=result_id)
        data = CellPromoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = scoring_cell_promote(result=result, name=data.validated_data["name"], actor=request.user)
        return Response(SiteSerializer(site, context={"request": request}).data, status=status.HTTP_201_CREATED)
