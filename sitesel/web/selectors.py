"""Reads for the planner pages: a constant number of queries per page, whatever the number of sites."""

from __future__ import annotations

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Func, QuerySet

from sitesel.data_age import kind_attribution
from sitesel.layer_kinds import KINDS
from sitesel.models import Feature, Layer, ScoringResult, ScoringRun, Site

# Overlays the map can draw: layer kind -> (feature filter, label). Lines are simplified for the browser.
OVERLAYS: dict[str, tuple[dict, str]] = {
    "hv_lines": ({"voltage_kv__gte": 345}, "HV lines ≥345 kV (GridKit)"),
    "hifld_lines": ({}, "HV lines ≥345 kV (HIFLD)"),
    "hifld_hvdc_lines": ({}, "HVDC lines (HIFLD)"),
    "hv_substations": ({"voltage_kv__gte": 345}, "Substations ≥345 kV"),
    "hifld_substations": ({"voltage_kv__gte": 345}, "Substations ≥345 kV (HIFLD)"),
    "osm_substations_west": ({"voltage_kv__gte": 230}, "Substations ≥230 kV (OSM, CA/NV/AZ/OR)"),
    "gas_pipelines": ({}, "Gas pipelines (GEM)"),
    "power_plants": ({"capacity_mw__gte": 500}, "Power plants ≥500 MW"),
    "datacenters": ({}, "Datacenters"),
    "network_nodes": ({}, "Network points of presence"),
}
OVERLAY_LIMIT = 5000


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField(srid=4326)


def overlay_credit(kind: str) -> str:
    """What the map credits when an overlay is on: the licence's credit line, or the publisher."""
    return kind_attribution(kind) or KINDS[kind].publisher


def latest_sites_run(*, scenario_id: int | None = None) -> ScoringRun | None:
    """The most recent succeeded scoring run over candidate sites (of one scenario, when given)."""
    runs = ScoringRun.objects.filter(status=ScoringRun.Status.SUCCEEDED, mode=ScoringRun.Mode.SITES)
    if scenario_id is not None:
        runs = runs.filter(scenario_id=scenario_id)
    return runs.select_related("scenario").order_by("-finished_at", "-pk").first()


def scored_scenarios() -> list[tuple[int, str]]:
    """(id, name) of the scenarios that have a succeeded sites run, for the map's scenario choice."""
    return list(
        ScoringRun.objects.filter(status=ScoringRun.Status.SUCCEEDED, mode=ScoringRun.Mode.SITES)
        .values_list("scenario_id", "scenario__name")
        .distinct()
        .order_by("scenario__name")
    )


def map_sites(*, run: ScoringRun | None, capacity_mw: float) -> list[dict]:
    """Every site as a plain dict with its score at `capacity_mw` in `run` (two queries)."""
    scores = {}
    if run is not None:
        scores = {
            row[0]: row[1:]
            for row in ScoringResult.objects.filter(run=run, capacity_mw=capacity_mw).values_list(
                "site_id", "score", "rank", "eligible", "binding_constraint"
            )
        }
    rows = []
    for pk, name, state, status, point in Site.objects.order_by("name", "pk").values_list(
        "pk", "name", "state", "status", "point"
    ):
        score, rank, eligible, binding = scores.get(pk, (None, None, None, ""))
        rows.append(
            {
                "id": pk,
                "name": name,
                "state": state,
                "status": status,
                "lon": round(point.x, 5),
                "lat": round(point.y, 5),
                "score": None if score is None else round(score, 1),
                "rank": rank,
                "eligible": eligible,
                "binding": binding,
            }
        )
    return rows


def _current_features(kind: str) -> QuerySet[Feature]:
    layer = Layer.objects.filter(kind=kind).values_list("pk", flat=True).first()
    return Feature.objects.filter(layer_id=layer, valid_to__isnull=True, geom__isnull=False)


def boundaries_geojson(*, kind: str = "states", tolerance: float = 0.02) -> list[tuple[str, str, str]]:
    """(name, state, simplified GeoJSON geometry) of the current boundary features, simplified in the database."""
    return list(
        _current_features(kind)
        .annotate(simple=AsGeoJSON(SimplifyPreserveTopology("geom", tolerance), precision=3))
        .order_by("pk")
        .values_list("name", "state", "simple")
    )


def overlay_geojson(*, kind: str, bbox=None) -> list[tuple]:
    """(name, voltage_kv, capacity_mw, GeoJSON geometry) of an overlay's features, at most OVERLAY_LIMIT."""
    filters, _ = OVERLAYS[kind]
    features = _current_features(kind).filter(**filters)
    if bbox is not None:
        features = features.filter(geom__intersects=bbox)
    return list(
        features.annotate(simple=AsGeoJSON(SimplifyPreserveTopology("geom", 0.005), precision=4))
        .order_by("pk")
        .values_list("name", "voltage_kv", "capacity_mw", "simple")[:OVERLAY_LIMIT]
    )


def site_results(*, run: ScoringRun | None, site: Site) -> list[ScoringResult]:
    if run is None:
        return []
    return list(ScoringResult.objects.filter(run=run, site=site).order_by("capacity_mw"))


def run_list() -> QuerySet[ScoringRun]:
    # The ranking archive is read by results, never by the run list or page.
    return ScoringRun.objects.select_related("scenario", "created_by").defer("ranking").order_by("-created_at", "-pk")


def run_top_results(
    *, run: ScoringRun, capacity_mw: float, limit: int = 50, state: str = "", min_score: float | None = None
) -> list[ScoringResult]:
    """The best `limit` eligible results at one capacity, optionally in one state or above a score."""
    results = ScoringResult.objects.filter(run=run, capacity_mw=capacity_mw, eligible=True)
    if state:
        results = results.filter(state=state)
    if min_score is not None:
        results = results.filter(score__gte=min_score)
    return list(results.select_related("site").order_by("rank")[:limit])


def cell_markers(*, run: ScoringRun, capacity_mw: float, limit: int = 2000) -> list[dict]:
    """The best national-screen cells as map markers (same shape as map_sites' rows)."""
    rows = (
        ScoringResult.objects.filter(run=run, capacity_mw=capacity_mw, eligible=True)
        .order_by("rank")
        .values_list("cell_id", "state", "lon", "lat", "score", "rank")[:limit]
    )
    return [
        {"id": cell, "name": f"cell {cell}", "state": state, "status": "grid cell", "lon": round(lon, 4),
         "lat": round(lat, 4), "score": round(score, 1), "rank": rank, "eligible": True, "binding": ""}
        for cell, state, lon, lat, score, rank in rows
    ]  # fmt: skip
