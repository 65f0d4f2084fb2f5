"""Economics reads: a site's model result and phased schedule, its 50 MW : 1 GW comparison, and a run's
spread against campus. Thin: validate the query, call sitesel/services/site_economics.py, serialize."""

from __future__ import annotations

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERROR_400, READ_ERRORS
from sitesel.api.economics.serializers import (
    DOCS,
    SiteEconomicsQuerySerializer,
    SiteEconomicsSerializer,
    SiteScaleQuerySerializer,
    SiteScaleSerializer,
    SpreadQuerySerializer,
    SpreadSerializer,
)
from sitesel.models import ScoringRun, Site
from sitesel.services.site_economics import (
    run_spread_vs_campus,
    site_economics,
    site_phased_schedule,
    site_scale_comparison,
)

MONTHS_FROM = "the build decision (month 0): site control and the interconnection request start then"


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _site_and_run(pk: int, run_id: int | None) -> tuple[Site, ScoringRun | None]:
    site = get_object_or_404(Site.objects.select_related("facts"), pk=pk)
    run = get_object_or_404(ScoringRun, pk=run_id) if run_id else None
    return site, run


class SiteEconomicsApi(APIView):
    @extend_schema(
        parameters=[SiteEconomicsQuerySerializer],
        responses={200: SiteEconomicsSerializer, 400: ERROR_400, **READ_ERRORS},
        tags=["sites"],
        summary="A site's build economics and phased schedule at one capacity",
        description="Capex with its mechanisms, opex, the cost of delay, and time to compute by phase and block "
        "(P10/P50/P90, months from the decision), with the MW-live curve by quarter. `run` applies that run's "
        "scenario overrides, seed and draws, so the numbers match its ranking.",
    )
    def get(self, request, id: int):  # noqa: A002 - the URL's name, as in every /{id}/ route
        q = _query(SiteEconomicsQuerySerializer, request)
        site, run = _site_and_run(id, q.get("run"))
        result = site_economics(site, q["capacity_mw"], run)
        schedule = site_phased_schedule(site, q["capacity_mw"], run)
        return Response(
            SiteEconomicsSerializer(
                {
                    "site": site.pk,
                    "run": run.pk if run else None,
                    "capacity_mw": q["capacity_mw"],
                    "months_from": MONTHS_FROM,
                    "sources": DOCS,
                    "economics": result.to_dict(),
                    "schedule": asdict(schedule),
                }
            ).data
        )


class SiteScaleApi(APIView):
    @extend_schema(
        parameters=[SiteScaleQuerySerializer],
        responses={200: SiteScaleSerializer, 400: ERROR_400, **READ_ERRORS},
        tags=["sites"],
        summary="50 MW against 1 GW at a site: facility-only, all-in and time-adjusted ratios with their waterfall",
    )
    def get(self, request, id: int):  # noqa: A002 - the URL's name, as in every /{id}/ route
        q = _query(SiteScaleQuerySerializer, request)
        site, run = _site_and_run(id, q.get("run"))
        comparison = site_scale_comparison(site, q["small_mw"], q["large_mw"], run)
        return Response(
            SiteScaleSerializer(
                {"site": site.pk, "run": run.pk if run else None, "sources": DOCS, **comparison.to_dict()}
            ).data
        )


class RunSpreadApi(APIView):
    @extend_schema(
        parameters=[SpreadQuerySerializer],
        responses={200: SpreadSerializer, 400: ERROR_400, **READ_ERRORS},
        tags=["scoring"],
        summary="N small sites against one campus, built by K site teams",
        description="The run's top `sites` eligible sites at its smallest capacity against one campus of its "
        "largest capacity at its best site: MW live by quarter, capex, GPU-months by `by_month`, and the fewest "
        "teams with which the spread delivers the campus's GPU-months.",
    )
    def get(self, request, id: int):  # noqa: A002 - the URL's name, as in every /{id}/ route
        q = _query(SpreadQuerySerializer, request)
        run = get_object_or_404(ScoringRun, pk=id)
        comparison, sites, campus = run_spread_vs_campus(
            run, teams=q.get("teams"), sites=q["sites"], by_month=q["by_month"]
        )
        data = asdict(comparison)
        data.update(
            run=run.pk,
            spread_sites=[s.pk for s in sites],
            campus_site=campus.pk,
            gpu_months_gap=comparison.gpu_months_gap,
        )
        return Response(SpreadSerializer(data).data)
