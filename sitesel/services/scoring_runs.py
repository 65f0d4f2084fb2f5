"""Scenarios and scoring runs: create, execute in chunks through Celery, rank, fail, promote cells.

The run's life: `scoring_run_create` (queued, chunks planned, the start task enqueued after commit)
-> `scoring_run_execute` (claims queued -> running; services/scoring_run_dispatch.py fans the chunks out)
-> `scoring_chunk_compute` for every chunk (measures + economics, stored once per chunk)
-> `scoring_run_finalize` (sites: normalize, score and rank every capacity in one pass; national runs: the
   split ranking of services/scoring_run_ranking.py, one step per capacity then a merge; succeeded).
Every step is safe to run twice: claims are conditional UPDATEs and a chunk's rows are written in the
same transaction that marks it done, with unique (run, site|cell, capacity) constraints behind that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import ApplicationError, Conflict
from sitesel.domain.errors import InvalidScenario
from sitesel.domain.parameters import parameters_with_overrides
from sitesel.domain.run_progress import spread_order
from sitesel.domain.scoring import ScenarioSpec, scenario_from_dict, scenario_to_dict, score_sites
from sitesel.models import Scenario, ScoringChunk, ScoringResult, ScoringRun, Site
from sitesel.scoring_runs.compute import NATIONAL_LINE_KM_STEP, Points, compute_chunk, within_counties
from sitesel.scoring_runs.grid import cell_points, conus_grid
from sitesel.scoring_runs.store import (
    by_capacity,
    chunk_arrays,
    copy_frame,
    merge_chunks,
    pack_chunk,
    pack_ranking,
    read_archives,
    stored_as_read,
    unpack_chunks,
    write_archives,
)
from sitesel.services.scoring_run_ranking import (
    ROW_ECONOMICS,
    RankInput,
    chunk_rank_input,
    ranking_discard,
    scoring_run_rank_capacity,
    scoring_run_rank_merge,
    stored_rows,
)
from sitesel.services.site_facts import sites_points
from sitesel.spatial.snapshot import get_snapshot

# Each site filter, what it must be (for the error message) and the check.
SITE_FILTERS: dict[str, tuple[str, Any]] = {
    "ids": ("a list of site ids", lambda v: isinstance(v, list) and all(_is_site_id(i) for i in v)),
    "state": ("a string", lambda v: v is None or isinstance(v, str)),
    "status": ("a string", lambda v: v is None or isinstance(v, str)),
    "tags": ("a list of tags", lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v)),
}


def _is_site_id(value: object) -> bool:
    # bool is an int in Python; ids beyond bigint would make PostgreSQL refuse the query (a 500).
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def scenario_spec_validate(spec: dict[str, Any]) -> ScenarioSpec:
    """Parse a scenario, economics overrides included; errors name the field (`weights.x`, ...)."""
    parsed = scenario_from_dict(spec)
    try:
        parameters_with_overrides(dict(parsed.economics_overrides))
    except Exception as exc:  # InvalidParameter(field, reason): report it under economics_overrides
        field = getattr(exc, "field", None)
        raise InvalidScenario(f"economics_overrides.{field}" if field else "economics_overrides", str(exc)) from None
    return parsed


def scenario_create(*, name: str, spec: dict[str, Any], description: str = "", actor=None) -> Scenario:
    parsed = scenario_spec_validate(spec)
    if Scenario.objects.filter(name=name).exists():
        raise Conflict(f"a scenario named {name!r} exists", field="name", code="duplicate")
    return Scenario.objects.create(name=name, description=description, spec=scenario_to_dict(parsed), created_by=actor)


def scenario_update(*, scenario: Scenario, spec: dict[str, Any] | None = None, **fields: Any) -> Scenario:
    if spec is not None:
        scenario.spec = scenario_to_dict(scenario_spec_validate(spec))
    for name, value in fields.items():
        setattr(scenario, name, value)
    scenario.save()
    return scenario


def scenario_delete(*, scenario: Scenario) -> None:
    """Delete a scenario that no run used: a run keeps its scenario, so its figures can be explained later."""
    with transaction.atomic():
        used = ScoringRun.objects.filter(scenario=scenario).count()
        if used:
            raise Conflict(
                f"scenario {scenario.name!r} was used by {used} scoring run(s); delete or prune them first",
                code="scenario_in_use",
            )
        scenario.delete()


def scenario_default() -> Scenario:
    """The built-in scenario (domain defaults), created on first use."""
    scenario, _ = Scenario.objects.get_or_create(
        name="Default", defaults={"spec": scenario_to_dict(ScenarioSpec()), "description": "Domain default weights."}
    )
    return scenario


# The construction pace of the campuses that broke ground in 2024 or later (Epoch AI timelines), fitted in
# sample by bench/calibrate_economics.py --fit: faster than the defaults, which are fitted on 2018-2023 builds
# and checked on these. A planner who builds at frontier pace uses it; docs/economics.md explains the gap.
FRONTIER_PACE_OVERRIDES: dict[str, float] = {
    "first_block_months_low": 8.0,
    "first_block_months_mode": 16.0,
    "first_block_months_high": 48.0,
    "ramp_months_low": 2.0,
    "ramp_months_mode": 6.0,
    "ramp_months_high": 20.0,
    "ramp_size_exponent": 0.5,
}


def scenario_frontier_pace() -> Scenario:
    """The default weights with the frontier construction pace, created on first use."""
    scenario, _ = Scenario.objects.get_or_create(
        name="Frontier pace",
        defaults={
            "spec": scenario_to_dict(scenario_spec_validate({"economics_overrides": FRONTIER_PACE_OVERRIDES})),
            "description": "Default weights; construction and ramp at the pace of the 2024+ frontier campuses "
            "(fitted in sample on Epoch AI timelines, docs/economics.md).",
        },
    )
    return scenario


def _filtered_site_ids(site_filter: dict[str, Any]) -> list[int]:
    unknown = set(site_filter) - set(SITE_FILTERS)
    if unknown:
        raise ApplicationError(f"unknown site filter {sorted(unknown)[0]!r}", field=f"site_filter.{sorted(unknown)[0]}")
    for name, value in site_filter.items():
        expected, valid = SITE_FILTERS[name]
        if not valid(value):
            raise ApplicationError(f"must be {expected}", field=f"site_filter.{name}")
    sites = Site.objects.all()
    if site_filter.get("ids"):
        sites = sites.filter(pk__in=site_filter["ids"])
    if site_filter.get("state"):
        sites = sites.filter(state=str(site_filter["state"]).upper())
    if site_filter.get("status"):
        sites = sites.filter(status=site_filter["status"])
    if site_filter.get("tags"):
        sites = sites.filter(tags__contains=list(site_filter["tags"]))
    return list(sites.order_by("pk").values_list("pk", flat=True))


@transaction.atomic(durable=True)
def scoring_run_create(
    *,
    scenario: Scenario | None,
    mode: str = ScoringRun.Mode.SITES,
    site_filter: dict[str, Any] | None = None,
    cell_size_km: float | None = None,
    seed: int = 0,
    draws: int | None = None,
    actor=None,
) -> ScoringRun:
    """Plan a run and enqueue it after commit. Raises ApplicationError naming the field at fault.

    `scenario` None is the built-in one, created in this transaction so a refused run leaves nothing behind.
    """
    scenario = scenario or scenario_default()
    spec = scenario_spec_validate(scenario.spec)
    draws = draws or settings.SCORING_DRAWS
    run = ScoringRun(
        scenario=scenario, scenario_spec=scenario_to_dict(spec), mode=mode, site_filter=site_filter or {},
        seed=seed, draws=draws, created_by=actor,
    )  # fmt: skip
    chunks: list[ScoringChunk] = []
    if mode == ScoringRun.Mode.SITES:
        ids = _filtered_site_ids(run.site_filter)
        if not ids:
            raise ApplicationError("no site matches the filter", field="site_filter", code="empty")
        size = settings.SCORING_SITES_PER_CHUNK
        chunks = [ScoringChunk(index=i, site_ids=ids[s : s + size]) for i, s in enumerate(range(0, len(ids), size))]
        run.items_total = len(ids)
    elif mode == ScoringRun.Mode.NATIONAL:
        if cell_size_km is None or not 1 <= cell_size_km <= 100:
            raise ApplicationError("cell_size_km must be between 1 and 100", field="cell_size_km")
        grid = conus_grid(cell_size_km)
        size = settings.SCORING_CELLS_PER_CHUNK
        chunks = [
            ScoringChunk(index=i, cell_start=s, cell_stop=min(s + size, grid.cells))
            for i, s in enumerate(range(0, grid.cells, size))
        ]
        run.cell_size_km = cell_size_km
        run.items_total = grid.cells
    else:
        raise ApplicationError(f"unknown mode {mode!r}", field="mode")
    run.chunks_total = len(chunks)
    run.save()
    for chunk in chunks:
        chunk.run = run
    ScoringChunk.objects.bulk_create(chunks)

    from sitesel.tasks import scoring_run_execute_task

    scoring_run_execute_task.delay_on_commit(run.pk)
    return run


def scoring_run_execute(*, run_id: int) -> list[int]:
    """Claim a queued run (a re-delivered start finds it running and re-dispatches only what is left).

    Returns the chunk indexes still to do; the task fans them out.
    """
    now = timezone.now()
    snapshot = get_snapshot()
    claimed = ScoringRun.objects.filter(pk=run_id, status=ScoringRun.Status.QUEUED).update(
        status=ScoringRun.Status.RUNNING, started_at=now, heartbeat_at=now, layer_versions=snapshot.versions,
        layer_vintages=snapshot.vintages, oldest_vintage=snapshot.oldest_vintage,
    )  # fmt: skip
    run = ScoringRun.objects.get(pk=run_id)
    if not claimed and run.status != ScoringRun.Status.RUNNING:
        return []  # finished or failed already
    indexes = list(run.chunks.filter(done=False).order_by("index").values_list("index", flat=True))
    return spread_order(indexes) if run.mode == ScoringRun.Mode.NATIONAL else indexes


def _chunk_points(run: ScoringRun, chunk: ScoringChunk) -> Points:
    if run.mode == ScoringRun.Mode.NATIONAL:
        return cell_points(conus_grid(run.cell_size_km), chunk.cell_start, chunk.cell_stop)
    ids, lon, lat, x, y = sites_points(list(chunk.site_ids))
    prices = dict(Site.objects.filter(pk__in=chunk.site_ids).values_list("pk", "land_price_usd_per_acre"))
    land = np.array([np.nan if prices.get(i) is None else float(prices[i]) for i in ids.tolist()], dtype=float)
    return Points(ids=ids, lon=lon, lat=lat, x=x, y=y, land_price_usd_per_acre=land)


def _chunk_compute_arrays(run: ScoringRun, chunk: ScoringChunk) -> dict[str, np.ndarray]:
    """Measures and economics of one chunk's points, as stored in its archive."""
    spec = scenario_from_dict(run.scenario_spec)
    params = parameters_with_overrides(dict(spec.economics_overrides))
    snapshot = get_snapshot()
    points = _chunk_points(run, chunk)
    if run.mode == ScoringRun.Mode.NATIONAL:
        points = within_counties(snapshot, points)
        if not len(points.ids):  # a slice of sea, Canada or Mexico: nothing to score
            text = np.empty(0, dtype="S1")
            capacities = np.array(run.capacities_mw, dtype=float)
            return {"ids": points.ids, "lon": points.lon, "lat": points.lat, "state": text, "county_fips": text,
                    "capacities": capacities}  # fmt: skip
    national = run.mode == ScoringRun.Mode.NATIONAL
    step = NATIONAL_LINE_KM_STEP if national else None
    rows = compute_chunk(snapshot, points, run.capacities_mw, params, run.seed, run.draws, step)
    return chunk_arrays(rows, keep_unlocated=not national)


def _chunk_store(
    chunk: ScoringChunk, payload: bytes, started: float, worker: str = "", rank_input: RankInput | None = None
) -> bool:
    """Mark the chunk done with its archive, once: under its row lock, False if another attempt stored it first.

    Call inside a transaction. It locks the chunk, then the run's row (by updating it): every path takes
    them in that order.
    """
    locked = ScoringChunk.objects.select_for_update().get(pk=chunk.pk)
    if locked.done:
        return False
    # Counted only while the run runs: a chunk that finishes after the run was cancelled stores nothing.
    # Each stored chunk is the run's heartbeat: the sweeper re-enqueues a run silent for a lease.
    counted = ScoringRun.objects.filter(pk=chunk.run_id, status=ScoringRun.Status.RUNNING).update(
        chunks_done=F("chunks_done") + 1, items_done=F("items_done") + _chunk_items(chunk), heartbeat_at=timezone.now()
    )
    if not counted:
        return False
    data, ends = (rank_input.data, rank_input.ends) if rank_input else (None, None)
    write_archives(ScoringChunk._meta.db_table, chunk.pk, {"payload": payload, "rank_input": data})
    ScoringChunk.objects.filter(pk=chunk.pk).update(
        done=True, attempts=F("attempts") + 1, seconds=time.perf_counter() - started, worker=worker,
        rank_input_ends=ends,
    )  # fmt: skip
    return True


def _chunk_items(chunk: ScoringChunk) -> int:
    """Sites or grid cells the chunk covers (cells outside the US included: they were looked at too)."""
    return len(chunk.site_ids) if chunk.cell_start is None else chunk.cell_stop - chunk.cell_start


def scoring_chunk_compute(*, run_id: int, index: int, worker: str = "") -> int:
    """Compute one chunk and store its numbers once; a repeated call on a done chunk writes nothing.

    `worker` (name@host of the Celery worker) is recorded with the chunk: which node did which part of a run.
    """
    run = ScoringRun.objects.get(pk=run_id)
    chunk = ScoringChunk.objects.get(run=run, index=index)
    if chunk.done or run.status != ScoringRun.Status.RUNNING:
        return 0
    started = time.perf_counter()
    arrays = _chunk_compute_arrays(run, chunk)
    payload = pack_chunk(arrays)
    rank_input = chunk_rank_input(run, arrays) if run.mode == ScoringRun.Mode.NATIONAL else None
    with transaction.atomic():
        if not _chunk_store(chunk, payload, started, worker, rank_input):
            return 0
    return len(arrays["ids"])


def scoring_run_compute_single(*, run_id: int, index: int, worker: str = "") -> ScoringRun:
    """A one-chunk run, whole: compute the chunk, then store it and rank it in one transaction, from memory.

    Against a chunk step and a finalize step it saves reading the archive back and one commit, which is
    what a small run's latency is made of (docs/performance.md). Idempotent like the two steps it replaces.
    """
    run = ScoringRun.objects.get(pk=run_id)
    chunk = ScoringChunk.objects.get(run=run, index=index)
    # Also the last chunk of a larger run (rank from every archive), and national runs (their split ranking).
    if chunk.done or run.chunks_total != 1 or run.mode == ScoringRun.Mode.NATIONAL:
        scoring_chunk_compute(run_id=run_id, index=index, worker=worker)
        return scoring_run_finalize(run_id=run_id)
    if run.status != ScoringRun.Status.RUNNING:
        return run
    started = time.perf_counter()
    arrays = _chunk_compute_arrays(run, chunk)
    payload = pack_chunk(arrays)
    with transaction.atomic():
        if not _chunk_store(chunk, payload, started, worker):
            return ScoringRun.objects.get(pk=run_id)  # another attempt stored it, and ranks it
        locked = ScoringRun.objects.select_for_update().get(pk=run_id)
        if locked.status == ScoringRun.Status.RUNNING:
            _rank_and_store(locked, merge_chunks([(index, stored_as_read(arrays))]), started)
    return ScoringRun.objects.get(pk=run_id)


def _ranking_reads(spec: ScenarioSpec) -> Callable[[str], bool]:
    """The archive fields the ranking needs: the points, the criteria the scenario weights or screens on, and
    the economics a result row holds. At 1 km the rest (text sources, vintages, the full economics) would be
    several GB in memory for nothing."""
    criteria = {*spec.weights, *(constraint.criterion for constraint in spec.constraints)}

    def wanted(name: str) -> bool:
        parts = name.split(":")
        if len(parts) < 3:
            return True
        return parts[2] in (criteria if parts[1] == "criterion" else ROW_ECONOMICS.values())

    return wanted


def _results_frame(
    run: ScoringRun, merged: dict[str, np.ndarray], spec: ScenarioSpec
) -> tuple[pd.DataFrame, int, bytes]:
    """Score every capacity over all of the run's points: the result rows to store as one frame, how many
    points are eligible and the ranking archive (every stored row's points per criterion)."""
    sites = run.mode == ScoringRun.Mode.SITES
    keys = merged["ids"]
    frames = []
    eligible_total = 0
    contributions: dict[float, dict[str, np.ndarray]] = {}
    for k, capacity in enumerate(merged["capacities"].tolist()):
        criteria = by_capacity(merged, k, "criterion")
        economics = by_capacity(merged, k, "economics")
        output = score_sites(criteria, keys, merged["state"], spec)
        eligible = np.asarray(output.eligible)
        eligible_total += int(eligible.sum())
        rows = stored_rows(not sites, merged["state"], eligible, output.rank)
        kept_eligible = eligible[rows]  # every array is cut to the stored rows first: at 1 km they are 1-2 % of them
        contributions[capacity] = {c: np.where(kept_eligible, output.contributions[c][rows], 0.0) for c in spec.weights}
        rank = pd.array(output.rank[rows], dtype="Int64")
        rank[~kept_eligible] = pd.NA
        row_keys = keys[rows]
        nulls = pd.array([None] * len(rows), dtype="Int64")
        frame = pd.DataFrame(
            {
                "run_id": run.pk,
                "site_id": pd.array(row_keys, dtype="Int64") if sites else nulls,
                "cell_id": nulls if sites else pd.array(row_keys, dtype="Int64"),
                "lon": merged["lon"][rows],
                "lat": merged["lat"][rows],
                "state": merged["state"][rows],
                "county_fips": merged["county_fips"][rows],
                "capacity_mw": capacity,
                "eligible": kept_eligible,
                "binding_constraint": np.asarray(output.binding_constraint[rows], dtype=object),
                "score": output.score[rows],
                "rank": rank,
                **{column: economics[field][rows] for column, field in ROW_ECONOMICS.items()},
                "chunk_index": merged["chunk_index"][rows],
                "chunk_row": merged["chunk_row"][rows],
                "position": np.arange(len(rows)),
            }
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True), eligible_total, pack_ranking(contributions)


def scoring_run_finalize(*, run_id: int) -> ScoringRun:
    """Rank every capacity of the run and insert its results; mark it succeeded.

    A candidate-site run is ranked in one pass: one transaction, under a lock on the run, that first removes
    rows of an earlier attempt. A national run goes through the split ranking's steps (services/scoring_run_ranking.py),
    each idempotent. Safe to repeat either way.
    """
    run = ScoringRun.objects.get(pk=run_id)
    if run.status != ScoringRun.Status.RUNNING:
        return run  # ranked already, failed, or cancelled: a cancelled run is never ranked
    if run.chunks.filter(done=False).exists():
        raise Conflict(f"run {run_id} still has chunks to do", code="run_incomplete")
    if run.mode == ScoringRun.Mode.NATIONAL:
        # The split ranking's steps in this process, one capacity after the other; Celery runs the
        # capacities in parallel (scoring_run_rank_dispatch).
        for k in range(len(run.capacities_mw)):
            scoring_run_rank_capacity(run_id=run_id, k=k)
        return scoring_run_rank_merge(run_id=run_id)
    started = time.perf_counter()
    with transaction.atomic():
        locked = ScoringRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != ScoringRun.Status.RUNNING:
            return locked
        # A few archives at a time (each is MBs): never every payload of a large run in memory at once.
        stored = read_archives(
            f'SELECT "index", payload FROM {ScoringChunk._meta.db_table} WHERE run_id = %s AND payload IS NOT NULL '
            'ORDER BY "index"',
            [run.pk],
        )
        merged = unpack_chunks(stored, _ranking_reads(scenario_from_dict(locked.scenario_spec)))
        _rank_and_store(locked, merged, started)
    return ScoringRun.objects.get(pk=run.pk)


def _rank_and_store(run: ScoringRun, merged: dict[str, np.ndarray], started: float) -> None:
    """Score and rank all of a run's points, replace its result rows, and mark it succeeded.

    Call inside a transaction holding the run's row lock; rows of an earlier attempt are removed first.
    """
    read = time.perf_counter()
    frame, eligible, ranking = _results_frame(run, merged, scenario_from_dict(run.scenario_spec))
    scored = time.perf_counter()
    ScoringResult.objects.filter(run=run).delete()
    written = copy_frame(ScoringResult._meta.db_table, frame)
    now = time.perf_counter()
    chunk_seconds = sum(run.chunks.values_list("seconds", flat=True))
    # The ranking step's parts: reading the archives back, scoring and ranking, writing rows and per-chunk ranks.
    timings = {**run.timings, "chunks_seconds_sum": round(chunk_seconds, 3), "rank_seconds": round(now - started, 3),
               "rank_read_seconds": round(read - started, 3), "rank_score_seconds": round(scored - read, 3),
               "rank_write_seconds": round(now - scored, 3)}  # fmt: skip
    ScoringRun.objects.filter(pk=run.pk).update(
        status=ScoringRun.Status.SUCCEEDED, finished_at=timezone.now(), eligible_count=eligible, ranking=ranking,
        results_count=written, timings=timings,
    )  # fmt: skip



def scoring_run_fail(*, run_id: int, error: str) -> None:
    """Mark a run failed with the error, unless it already ended (succeeded, failed or cancelled)."""
    failed = ScoringRun.objects.filter(pk=run_id, status__in=ScoringRun.ACTIVE_STATUSES).update(
        status=ScoringRun.Status.FAILED, finished_at=timezone.now(), error=error[:5000]
    )
    if failed:
        ranking_discard(run_id)  # a capacity ranked before another failed: no half ranking is kept


def scoring_run_cancel(*, run_id: int) -> ScoringRun:
    """Stop a queued or running run. Idempotent: cancelling a cancelled run returns it unchanged.

    One conditional UPDATE: chunk tasks still queued find the run cancelled and do nothing, a chunk being
    computed stores nothing (`_chunk_store` counts only for a running run), and the ranking steps, which
    check the status under a lock on the run, never rank it (what a capacity wrote before is removed); a run
    whose ranking committed first is succeeded, and refusing the cancel (409) says so. The stored chunk
    archives are then deleted: without a ranking no result points to them.
    """
    cancelled = ScoringRun.objects.filter(pk=run_id, status__in=ScoringRun.ACTIVE_STATUSES).update(
        status=ScoringRun.Status.CANCELLED, finished_at=timezone.now()
    )
    run = ScoringRun.objects.get(pk=run_id)
    if run.status != ScoringRun.Status.CANCELLED:
        raise Conflict(f"run {run_id} has already {run.status}; only a queued or running run can be cancelled",
                       field="status", code="run_ended")  # fmt: skip
    if cancelled:
        ranking_discard(run_id)  # a capacity the split ranking wrote before the cancel (it waited for it)
        ScoringChunk.objects.filter(run_id=run_id).update(payload=None)
    return run


def scoring_run_pin(*, run: ScoringRun, pinned: bool) -> ScoringRun:
    """Pin a run so retention keeps it forever, or unpin it."""
    ScoringRun.objects.filter(pk=run.pk).update(pinned=pinned)
    run.pinned = pinned
    return run


def scoring_cell_promote(*, result: ScoringResult, name: str, actor=None) -> Site:
    """Turn a ranked national-screen cell into a candidate site at the cell's centre."""
    from django.contrib.gis.geos import Point

    from sitesel.services.site_edit import site_create

    if result.cell_id is None:
        raise ApplicationError("only national-screen cells can be promoted", field="result", code="not_a_cell")
    source_ref = f"cell-{result.run_id}-{result.cell_id}"
    existing = Site.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    return site_create(
        name=name,
        point=Point(result.lon, result.lat, srid=4326),
        notes=f"Promoted from national-screen run {result.run_id}, cell {result.cell_id}",
        tags=["promoted-cell"],
        source_ref=source_ref,
    )
