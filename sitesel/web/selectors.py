"""Reads for the planner pages: a constant number of queries per page, whatever the number of sites."""

from __future__ import annotations

import json

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON, GeometryDistance
from django.db.models import Count, Func, Max, Min, QuerySet

from sitesel.data_age import kind_attribution
from sitesel.layer_kinds import KINDS
from sitesel.models import Feature, Layer, ScoringResult, ScoringRun, Site
from sitesel.selectors import result_breakdown, result_measures, succeeded_sites_runs
from sitesel.web.explain import breakdown_lines, rank_class, why_ahead

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


def site_run(*, site: Site, reference: ScoringRun | None) -> ScoringRun | None:
    """`reference` if it scored `site`, else the newest succeeded sites run that did (a site added later)."""
    if reference is not None and ScoringResult.objects.filter(run=reference, site=site).exists():
        return reference
    return succeeded_sites_runs().filter(results__site=site).distinct().first()


def run_choices(*, limit: int = 30) -> list[ScoringRun]:
    """Recent succeeded sites runs, for the map's run switch (without their ranking archives)."""
    return list(succeeded_sites_runs()[:limit])


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
    n_eligible = sum(1 for _, _, eligible, _ in scores.values() if eligible)
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
                "class": rank_class(rank, n_eligible) if eligible else None,
                "eligible": eligible,
                "binding": binding,
            }
        )
    return rows


def result_explained(result: ScoringResult) -> dict:
    """A result with its breakdown in words (criterion, raw value, weight, points)."""
    weights = result.run.scenario_spec.get("weights", {})
    breakdown, measures = result_breakdown(result), result_measures(result) if result.eligible else {}
    return {"result": result, "breakdown": breakdown, "measures": measures,
            "lines": breakdown_lines(breakdown, measures, weights)}  # fmt: skip


def first_against_second(*, run: ScoringRun, capacity_mw: float) -> dict | None:
    """Why the #1 result of a run outranks #2 at one capacity: the criteria that separate them."""
    pair = list(
        ScoringResult.objects.filter(run=run, capacity_mw=capacity_mw, eligible=True, rank__lte=2)
        .select_related("site", "run")
        .defer("run__ranking")
        .order_by("rank")
    )
    if len(pair) < 2:
        return None
    first, second = (result_explained(r) for r in pair)
    reasons = why_ahead(first["breakdown"], second["breakdown"], first["measures"], second["measures"])
    return {"first": pair[0], "second": pair[1], "gap": pair[0].score - pair[1].score, "reasons": reasons}


def _current_features(kind: str) -> QuerySet[Feature]:
    layer = Layer.objects.filter(kind=kind).values_list("pk", flat=True).first()
    return Feature.objects.filter(layer_id=layer, valid_to__isnull=True, geom__isnull=False)


def boundaries_geojson(*, kind: str = "states", tolerance: float = 0.02, bbox=None) -> list[tuple[str, str, str]]:
    """(name, state, simplified GeoJSON geometry) of the current boundary features, simplified in the database."""
    features = _current_features(kind)
    if bbox is not None:
        features = features.filter(geom__intersects=bbox)
    return list(
        features.annotate(simple=AsGeoJSON(SimplifyPreserveTopology("geom", tolerance), precision=3))
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
    results = ScoringResult.objects.filter(run=run, site=site).select_related("run").defer("run__ranking")
    return list(results.order_by("capacity_mw"))


def run_list() -> QuerySet[ScoringRun]:
    """Runs for the runs pages, without the stored ranking archive (megabytes for a national run)."""
    return ScoringRun.objects.defer("ranking").select_related("scenario", "created_by").order_by("-created_at", "-pk")


def ranks_at(*, run: ScoringRun, capacity_mw: float, results: list[ScoringResult]) -> dict[tuple, int | None]:
    """The rank at another capacity of the same sites or cells, keyed (site_id, cell_id): one query."""
    site_ids = [r.site_id for r in results if r.site_id]
    rows = ScoringResult.objects.filter(run=run, capacity_mw=capacity_mw)
    # One key column per query (a run holds sites or cells), so PostgreSQL uses that column's unique index.
    if site_ids:
        rows = rows.filter(site_id__in=site_ids)
    else:
        rows = rows.filter(cell_id__in=[r.cell_id for r in results if r.cell_id is not None])
    return {(site, cell): rank for site, cell, rank in rows.values_list("site_id", "cell_id", "rank")}


def cell_markers(*, run: ScoringRun, capacity_mw: float, limit: int = 2000) -> list[dict]:
    """The best national-screen cells as map markers (same shape as map_sites' rows)."""
    eligible = ScoringResult.objects.filter(run=run, capacity_mw=capacity_mw, eligible=True)
    n_eligible = eligible.count()
    rows = eligible.order_by("rank").values_list("cell_id", "state", "lon", "lat", "score", "rank")[:limit]
    return [
        {"id": cell, "name": f"cell {cell}", "state": state, "status": "grid cell", "lon": round(lon, 4),
         "lat": round(lat, 4), "score": round(score, 1), "rank": rank, "class": rank_class(rank, n_eligible),
         "eligible": True, "binding": "", "cell_km": run.cell_size_km}
        for cell, state, lon, lat, score, rank in rows
    ]  # fmt: skip


def national_areas(*, run: ScoringRun, capacity_mw: float, limit: int = 50) -> list[dict]:
    """A national screen's eligible cells grouped by county, best first: county name, number of cells, best
    score and the best cell (the one a planner can promote to a candidate site). Three queries."""
    eligible = ScoringResult.objects.filter(run=run, capacity_mw=capacity_mw, eligible=True)
    groups = list(
        eligible.values("state", "county_fips")
        .annotate(cells=Count("id"), best_score=Max("score"), best_rank=Min("rank"))
        .order_by("best_rank")[:limit]
    )
    best = {r.rank: r for r in eligible.filter(rank__in=[g["best_rank"] for g in groups])}
    names = dict(
        _current_features("counties")
        .filter(fips__in=[g["county_fips"] for g in groups if g["county_fips"]])
        .values_list("fips", "name")
    )
    return [
        {**g, "county": names.get(g["county_fips"], "") or (f"county {g['county_fips']}" if g["county_fips"] else
                                                            "no county"),
         "best": best[g["best_rank"]]}
        for g in groups
    ]  # fmt: skip


# What the site page's locator map draws: the nearest feature of each, with the label it shows.
LOCATOR_KINDS = (
    ("hv_lines", {"voltage_kv__gte": 230}, "Nearest line ≥230 kV (GridKit)"),
    ("ehv_nodes_derived", {}, "Nearest substation"),
    ("power_plants", {}, "Nearest power plant"),
)


def nearest_context(*, point) -> list[dict]:
    """The nearest ≥230 kV line, substation and plant to `point`, as GeoJSON for the site's locator map
    (one nearest-neighbour query per kind, on the spatial index)."""
    out = []
    layers = dict(Layer.objects.filter(kind__in=[k for k, _, _ in LOCATOR_KINDS]).values_list("kind", "pk"))
    for kind, filters, label in LOCATOR_KINDS:
        row = (
            Feature.objects.filter(layer_id=layers.get(kind), valid_to__isnull=True, geom__isnull=False, **filters)
            .annotate(simple=AsGeoJSON(SimplifyPreserveTopology("geom", 0.001), precision=5))
            .order_by(GeometryDistance("geom", point))
            .values_list("name", "voltage_kv", "capacity_mw", "simple")
            .first()
        )
        if row and row[3]:
            name, kv, mw, geometry = row
            detail = " · ".join(p for p in (name, f"{kv:.0f} kV" if kv else "", f"{mw:,.0f} MW" if mw else "") if p)
            out.append({"kind": kind, "label": f"{label}: {detail}", "geometry": json.loads(geometry)})
    return out
