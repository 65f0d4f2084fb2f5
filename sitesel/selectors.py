"""Reads for the API and the admin: querysets with their joins already applied (no N+1)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from django.db.models import Q, QuerySet

from sitesel.models import (
    Feature,
    Layer,
    LayerVersion,
    ScoringChunk,
    ScoringResult,
    ScoringRun,
    Site,
    SiteStatusEvent,
)
from sitesel.scoring_runs.store import by_capacity, chunk_detail, clean, ranking_breakdown, unpack_chunks


def site_list() -> QuerySet[Site]:
    """Sites with their facts joined in: one query per page whatever its size."""
    # point_albers is for spatial SQL only; reading it would build a geometry per row for nothing.
    return Site.objects.select_related("facts").defer("point_albers").order_by("name", "pk")


# What the map (the GeoJSON list) shows of a site: its point and the facts it colours by.
SITE_MAP_FIELDS = (
    "id", "name", "status", "state", "county_fips", "county_name", "parcel_acres", "land_price_usd_per_acre", "tags",
    "point", "facts__distance_hv_230_km", "facts__distance_hv_345_km", "facts__distance_substation_km",
    "facts__generation_capacity_50km_mw", "facts__distance_datacenter_km", "facts__state_industrial_price_cents_kwh",
    "facts__fema_risk_score", "facts__balancing_authority",
)  # fmt: skip


def site_map_list() -> QuerySet[Site]:
    """Sites for the map: only the columns it shows (no parcel polygons, no JSON provenance to decode)."""
    return site_list().only(*SITE_MAP_FIELDS)


def site_most_generation_nearby() -> Site | None:
    """The site with the most generation capacity within 50 km (the first site when none has the fact)."""
    with_fact = Site.objects.filter(facts__generation_capacity_50km_mw__isnull=False)
    return (
        with_fact.order_by("-facts__generation_capacity_50km_mw", "pk").first() or Site.objects.order_by("pk").first()
    )


def site_status_event_list(*, site: Site | None = None) -> QuerySet[SiteStatusEvent]:
    events = SiteStatusEvent.objects.select_related("site", "actor")
    return events.filter(site=site) if site is not None else events


def layer_list() -> QuerySet[Layer]:
    return Layer.objects.select_related("current_version").order_by("family", "kind")


def layer_version_list(*, layer: Layer | None = None) -> QuerySet[LayerVersion]:
    versions = LayerVersion.objects.select_related("layer").order_by("layer__kind", "-number")
    return versions.filter(layer=layer) if layer is not None else versions


def layer_version_exists(*, layer: Layer, number: int) -> bool:
    return LayerVersion.objects.filter(layer=layer, number=number).exists()


def feature_list(*, layer: Layer, as_of_version: int | None = None) -> QuerySet[Feature]:
    """The layer's current features, or those valid at version `as_of_version` (valid_from <= N < valid_to)."""
    features = Feature.objects.filter(layer=layer)
    if as_of_version is None:
        features = features.filter(valid_to__isnull=True)
    else:
        features = features.filter(
            Q(valid_from__lte=as_of_version) & (Q(valid_to__isnull=True) | Q(valid_to__gt=as_of_version))
        )
    return features.order_by("pk")


def scoring_run_current(*, scenario) -> ScoringRun | None:
    """The latest succeeded run over every site that is still current: scenario not edited since, same layer versions,
    and no site added, edited or removed since it started. `score_sites --if-missing` reuses it, so a second
    `docker compose up` (or demo) scores nothing."""
    from sitesel.spatial.snapshot import current_versions

    run = (
        ScoringRun.objects.filter(
            scenario=scenario, mode=ScoringRun.Mode.SITES, status=ScoringRun.Status.SUCCEEDED, site_filter={}
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if run is None or scenario.updated_at >= run.created_at:
        return None
    if run.layer_versions != current_versions():
        return None
    if run.items_total != Site.objects.count() or Site.objects.filter(updated_at__gte=run.created_at).exists():
        return None
    return run


def succeeded_sites_runs() -> QuerySet[ScoringRun]:
    # The stored ranking archive can be megabytes per run: pages that list or pick runs never load it.
    return (
        ScoringRun.objects.filter(status=ScoringRun.Status.SUCCEEDED, mode=ScoringRun.Mode.SITES)
        .defer("ranking")
        .select_related("scenario")
        .order_by("-finished_at", "-pk")
    )


def reference_run(*, scenario_id: int | None = None, run_id: int | None = None) -> ScoringRun | None:
    """The run whose scores the map and site pages show.

    `run_id` picks any succeeded sites run (the planner switched). Otherwise a scenario's reference is its
    newest succeeded run over *every* site (no site filter), so a planner's 12-site run never replaces the
    team's picture; a scenario with only filtered runs falls back to its newest run. Without a scenario, the
    newest reference of any scenario.
    """
    runs = succeeded_sites_runs()
    if run_id is not None:
        return runs.filter(pk=run_id).first()
    if scenario_id is not None:
        runs = runs.filter(scenario_id=scenario_id)
    return runs.filter(site_filter={}).first() or runs.first()


def run_top_results(
    *, run: ScoringRun, capacity_mw: float, limit: int = 50, results: QuerySet[ScoringResult] | None = None
) -> list[ScoringResult]:
    """The best `limit` eligible results at one capacity, from `results` (a filtered set of the run's) if given."""
    results = ScoringResult.objects.filter(run=run) if results is None else results
    results = results.filter(capacity_mw=capacity_mw, eligible=True)
    return list(results.select_related("site").order_by("rank")[:limit])


def result_breakdown(result: ScoringResult) -> dict[str, float]:
    """Criterion -> points of the result's 0-100 score, from the run's ranking archive (empty when excluded)."""
    return ranking_breakdown(result.run_id, result.capacity_mw, result.position) if result.eligible else {}


def result_measures(result: ScoringResult) -> dict:
    """The raw measures the result was scored on, from the chunk archive that computed them."""
    return chunk_detail(result.run_id, result.chunk_index, result.chunk_row, result.capacity_mw, "criterion")


def result_economics(result: ScoringResult) -> dict:
    """The result's full economics (capex breakdown, opex, labour, schedule), from its chunk archive."""
    return chunk_detail(result.run_id, result.chunk_index, result.chunk_row, result.capacity_mw, "economics")


SPREAD_FIELDS = ("time_to_power_months_p10", "time_to_power_months_p90")


def _chunk_spread(run_id: int, chunk_index: int) -> tuple[np.ndarray, list[dict[str, np.ndarray]]] | None:
    payload = ScoringChunk.objects.filter(run_id=run_id, index=chunk_index).values_list("payload", flat=True).first()
    if payload is None:  # a cancelled run's archives are deleted; it has no results to export anyway
        return None
    wanted = ("ids", "capacities", *(f"economics:{f}" for f in SPREAD_FIELDS))
    arrays = unpack_chunks([(chunk_index, bytes(payload))], wanted=lambda name: name.endswith(wanted))
    capacities = arrays["capacities"]
    return capacities, [by_capacity(arrays, k, "economics") for k in range(len(capacities))]


def results_with_time_to_power_spread(
    run: ScoringRun, rows: Iterable[tuple], *, capacity_at: int = 2
) -> Iterator[tuple]:
    """Rows ending in (chunk_index, chunk_row), with those two replaced by the result's P10 and P90 months to full
    power: kept only in the run's chunk archives, each chunk read once and only for these two fields (16 bytes
    a result stay in memory while the rows stream). `row[capacity_at]` is the row's capacity in MW."""
    spread: dict[int, tuple | None] = {}
    for row in rows:
        *values, chunk_index, chunk_row = row
        if chunk_index not in spread:
            spread[chunk_index] = _chunk_spread(run.pk, chunk_index)
        found = spread[chunk_index]
        if found is None:
            yield (*values, None, None)
            continue
        capacities, by_k = found
        k = int(np.flatnonzero(np.isclose(capacities, values[capacity_at]))[0])
        yield (*values, *(clean(by_k[k][f][chunk_row]) for f in SPREAD_FIELDS))
