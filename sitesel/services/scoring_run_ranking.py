"""A national run's ranking step, split so that it scales out (docs/scoring-runs.md, "The ranking split").

1. Each chunk, as it is stored, also stores its part of the ranking (`chunk_rank_input`): per capacity the
   screens, each weighted criterion reduced to sorted distinct values with counts, and the columns a result
   row holds; uncompressed, so reading it back is a memory copy.
2. One task per capacity (`scoring_run_rank_capacity`, in parallel on any workers) merges the chunks' sorted
   values into one scale per criterion, scores every cell, ranks them, and writes that capacity's result rows
   (national top and each state's top, one COPY), every chunk's ranks (one COPY) and a part row.
3. `scoring_run_rank_merge`, once every capacity has its part, joins the parts' ranking archives and marks
   the run succeeded, under the run's lock.

Every step is idempotent: a capacity task replaces its own rows; the merge runs once under the lock. The
capacity tasks write while holding a share lock on a running run, so a cancel (an UPDATE of that row) waits
for them, and then removes what they wrote (`ranking_discard`): a cancelled run keeps nothing half-ranked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.errors import Conflict
from sitesel.domain.ranking_split import ChunkPart, chunk_contributions, chunk_part, chunk_scores, scales
from sitesel.domain.scoring import ScenarioSpec, applied_weights, rank_scores, scenario_from_dict
from sitesel.models import ScoringChunk, ScoringChunkRank, ScoringRankPart, ScoringResult, ScoringRun
from sitesel.scoring_runs.store import (
    by_capacity,
    copy_frame,
    load_arrays,
    pack_plain,
    pack_ranked,
    pack_ranking_arrays,
    ranking_members,
    read_archives,
    stored_as_read,
)

# A result row's economics columns and the archive fields they come from; the ranking reads no other economics.
ROW_ECONOMICS = {
    "capex_per_mw_usd": "capex_per_mw_usd",
    "build_capex_per_mw_usd": "build_capex_per_mw_usd",
    "gpus": "gpus",
    "time_to_power_p50_months": "time_to_power_months_p50",
    "time_to_compute_p50_months": "time_to_compute_months_p50",
    "power_binding_constraint": "binding_constraint",
    "grid_swing_flag": "grid_swing_flag",
}
POINT_FIELDS = ("ids", "lon", "lat", "state", "county_fips")


def stored_rows(national: bool, states: np.ndarray, eligible: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Which points of one capacity become result rows (positions into the run's points).

    Every site. Of a national grid, the eligible cells in the national top SCORING_NATIONAL_TOP_CELLS or in
    their state's top SCORING_NATIONAL_TOP_CELLS_PER_STATE: what lists, filters, maps and promotion read.
    Every cell's score and rank stay with its chunk (`ScoringChunkRank`), looked up by point.
    """
    if not national:
        return np.arange(len(eligible))
    candidates = np.flatnonzero(eligible)
    by_rank = candidates[np.argsort(rank[candidates], kind="stable")]
    state_rank = pd.Series(states[by_rank]).groupby(states[by_rank]).cumcount().to_numpy() + 1
    national_rank = np.arange(1, len(by_rank) + 1)
    keep = (national_rank <= settings.SCORING_NATIONAL_TOP_CELLS) | (
        state_rank <= settings.SCORING_NATIONAL_TOP_CELLS_PER_STATE
    )
    return by_rank[keep]


@dataclass(frozen=True)
class RankInput:
    """A chunk's part of the ranking as stored: archives end to end (the points', then one per capacity) and
    where each ends, so a capacity's step reads only the points and its own (`ScoringChunk.rank_input`)."""

    data: bytes
    ends: list[int]


def chunk_rank_input(run: ScoringRun, arrays: dict[str, np.ndarray]) -> RankInput | None:
    """A national chunk's part of the ranking (step 1), from its stored arrays; None for a chunk with no point."""
    if not len(arrays["ids"]):
        return None
    spec = scenario_from_dict(run.scenario_spec)
    states = stored_as_read({"state": arrays["state"]})["state"]  # text, as the ranking step reads it back
    archives = [pack_plain({name: arrays[name] for name in POINT_FIELDS})]
    for k in range(len(arrays["capacities"])):
        members: dict[str, np.ndarray] = {}
        part = chunk_part(by_capacity(arrays, k, "criterion"), states, spec)
        members[f"c{k}:eligible"] = part.eligible
        members[f"c{k}:binding"] = part.binding
        for c in part.values:
            # A chunk holds at most SCORING_CELLS_PER_CHUNK points: its counts fit in 32 bits (half the bytes read).
            members.update({f"c{k}:values:{c}": part.values[c], f"c{k}:counts:{c}": part.counts[c].astype(np.int32),
                            f"c{k}:index:{c}": part.index[c]})  # fmt: skip
        economics = by_capacity(arrays, k, "economics")
        members.update({f"c{k}:row:{column}": economics[field] for column, field in ROW_ECONOMICS.items()})
        archives.append(pack_plain(members))
    return RankInput(b"".join(archives), np.cumsum([len(archive) for archive in archives]).tolist())


def _part(arrays: dict[str, np.ndarray], k: int, spec: ScenarioSpec) -> ChunkPart:
    criteria = list(applied_weights(spec))
    return ChunkPart(
        eligible=arrays[f"c{k}:eligible"],
        binding=np.asarray(arrays[f"c{k}:binding"], dtype=object),
        values={c: arrays[f"c{k}:values:{c}"] for c in criteria},
        counts={c: arrays[f"c{k}:counts:{c}"] for c in criteria},
        index={c: arrays[f"c{k}:index:{c}"] for c in criteria},
    )


def scoring_run_rank_capacity(*, run_id: int, k: int) -> ScoringRankPart | None:
    """Rank one capacity of a national run whose chunks are all stored, and write its rows (step 2).

    Safe to repeat: it replaces the rows an earlier attempt wrote. Writes nothing unless the run is running.
    """
    run = ScoringRun.objects.get(pk=run_id)
    if run.status != ScoringRun.Status.RUNNING:
        return None
    if run.chunks.filter(done=False).exists():
        raise Conflict(f"run {run_id} still has chunks to do", code="run_incomplete")
    started, started_at = time.perf_counter(), time.time()
    spec = scenario_from_dict(run.scenario_spec)
    # The points' archive and this capacity's, sliced by the server: stored uncompressed, a slice reads only
    # its own pages.
    stored = read_archives(
        f"""SELECT "index", id, substring(rank_input FROM 1 FOR rank_input_ends[1]::int),
                   substring(rank_input FROM rank_input_ends[%(k)s + 1]::int + 1
                             FOR (rank_input_ends[%(k)s + 2] - rank_input_ends[%(k)s + 1])::int)
            FROM {ScoringChunk._meta.db_table} WHERE run_id = %(run)s AND rank_input IS NOT NULL ORDER BY "index" """,
        {"k": k, "run": run_id},
    )
    indexes, chunk_pks, chunks = [], [], []
    for index, pk, points, own in stored:
        indexes.append(index)
        chunk_pks.append(pk)
        chunks.append(load_arrays(points) | load_arrays(own))
    parts = [_part(arrays, k, spec) for arrays in chunks]
    read = time.perf_counter()

    merged_scales = scales(parts, spec)
    scores = [chunk_scores(part, i, merged_scales, spec) for i, part in enumerate(parts)]
    sizes = np.array([len(part.eligible) for part in parts], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(sizes)]
    column = {name: np.concatenate([arrays[name] for arrays in chunks]) for name in ("ids", "state")}
    score = np.concatenate(scores) if scores else np.empty(0)
    eligible = np.concatenate([part.eligible for part in parts]) if parts else np.empty(0, dtype=bool)
    rank = rank_scores(score, column["ids"], eligible)
    rows = stored_rows(True, column["state"], eligible, rank)
    rows_chunk = np.searchsorted(offsets, rows, side="right") - 1
    chunk_row = rows - offsets[rows_chunk]
    by_chunk = _rows_by_chunk(rows_chunk)
    chunk_index = np.asarray(indexes, dtype=np.int64)[rows_chunk]
    frame = _rows_frame(run, k, rows, chunks, by_chunk, chunk_index, chunk_row, score, rank)
    contributions = _rows_contributions(by_chunk, chunk_row, parts, merged_scales, spec)
    ranks = pd.DataFrame({
        "chunk_id": chunk_pks,
        "capacity_index": k,
        "ranked": [pack_ranked({"score": score[a:b], "rank": rank[a:b].astype(np.int32), "binding": part.binding})
                   for a, b, part in zip(offsets[:-1], offsets[1:], parts, strict=True)],
    })  # fmt: skip
    scored = time.perf_counter()

    with transaction.atomic():
        if not _running_share_locked(run_id):
            return None
        ScoringResult.objects.filter(run_id=run_id, capacity_mw=run.capacities_mw[k]).delete()
        written = copy_frame(ScoringResult._meta.db_table, frame)
        ScoringChunkRank.objects.filter(chunk__run_id=run_id, capacity_index=k).delete()
        copy_frame(ScoringChunkRank._meta.db_table, ranks)
        ScoringRankPart.objects.filter(run_id=run_id, capacity_index=k).delete()
        timings = {"started_at": started_at, "read_seconds": round(read - started, 3),
                   "score_seconds": round(scored - read, 3), "write_seconds": round(time.perf_counter() - scored, 3),
                   "cells": int(offsets[-1])}  # fmt: skip
        return ScoringRankPart.objects.create(
            run_id=run_id, capacity_index=k, eligible_count=int(eligible.sum()), results_count=written,
            timings=timings, ranking=pack_ranking_arrays(ranking_members(k, contributions)),
        )  # fmt: skip


def _rows_by_chunk(rows_chunk: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(chunk position, positions among the stored rows) for each chunk holding stored rows: one sort, instead
    of a pass over every stored row per chunk."""
    order = np.argsort(rows_chunk, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(rows_chunk[order])) + 1) if len(order) else []
    return [(int(rows_chunk[at[0]]), at) for at in groups]


def _rows_frame(
    run: ScoringRun,
    k: int,
    rows: np.ndarray,
    chunks: list[dict[str, np.ndarray]],
    by_chunk: list[tuple[int, np.ndarray]],
    chunk_index: np.ndarray,
    chunk_row: np.ndarray,
    score: np.ndarray,
    rank: np.ndarray,
) -> pd.DataFrame:
    """The result rows of one capacity: positions `rows` of the run's cells, best first."""

    def column(name: str) -> np.ndarray:
        # Each chunk's stored rows picked where they are: concatenating every chunk's column first would copy
        # all 7.8 M cells of a 1 km run per column to keep ~200,000.
        if not by_chunk:
            return np.empty(0)
        values = np.concatenate([chunks[i][name][chunk_row[at]] for i, at in by_chunk])
        out = np.empty_like(values)
        out[np.concatenate([at for _, at in by_chunk])] = values
        return out

    return pd.DataFrame({
        "run_id": run.pk,
        "site_id": pd.array([None] * len(rows), dtype="Int64"),
        "cell_id": pd.array(column("ids"), dtype="Int64"),
        **{name: column(name) for name in ("lon", "lat", "state", "county_fips")},
        "capacity_mw": run.capacities_mw[k],
        "eligible": np.ones(len(rows), dtype=bool),  # a national run stores rows for eligible cells only
        "binding_constraint": "",
        "score": score[rows],
        "rank": pd.array(rank[rows], dtype="Int64"),
        **{name: column(f"c{k}:row:{name}") for name in ROW_ECONOMICS},
        "chunk_index": chunk_index,
        "chunk_row": chunk_row,
        "position": np.arange(len(rows)),
    })  # fmt: skip


def _rows_contributions(
    by_chunk: list[tuple[int, np.ndarray]],
    chunk_row: np.ndarray,
    parts: list[ChunkPart],
    merged_scales: dict,
    spec: ScenarioSpec,
) -> dict[str, np.ndarray]:
    """Each stored row's points per weighted criterion, chunk by chunk (only the stored rows' chunks)."""
    contributions = {c: np.zeros(len(chunk_row)) for c in applied_weights(spec)}
    for i, at in by_chunk:
        for c, points in chunk_contributions(parts[i], i, merged_scales, spec, chunk_row[at]).items():
            contributions[c][at] = points
    return contributions


def _running_share_locked(run_id: int) -> bool:
    """Share-lock the run's row and say whether it is running. Call inside a transaction.

    Capacity tasks share it (they write disjoint rows); a cancel's UPDATE or the merge's FOR UPDATE wait for them.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM sitesel_scoringrun WHERE id = %s FOR SHARE", [run_id])
        row = cursor.fetchone()
    return row is not None and row[0] == ScoringRun.Status.RUNNING


def scoring_run_rank_merge(*, run_id: int) -> ScoringRun:
    """Mark a national run succeeded once every capacity is ranked (step 3): one archive of the stored rows'
    points, the counts and the timings. Runs once, under the run's lock; the chunks' rank inputs are dropped."""
    with transaction.atomic():
        run = ScoringRun.objects.select_for_update().get(pk=run_id)
        if run.status != ScoringRun.Status.RUNNING:
            return run
        parts = list(run.rank_parts.order_by("capacity_index"))
        if [part.capacity_index for part in parts] != list(range(len(run.capacities_mw))):
            raise Conflict(f"run {run_id} still has capacities to rank", code="run_incomplete")
        ranking: dict[str, np.ndarray] = {"capacities": np.array(run.capacities_mw, dtype=float)}
        for part in parts:
            ranking.update(load_arrays(bytes(part.ranking)))
        now = time.time()
        chunk_seconds = sum(seconds or 0.0 for seconds in run.chunks.values_list("seconds", flat=True))
        by_part = [part.timings for part in parts]
        # Capacities are ranked in parallel: the step's parts are the slowest capacity's.
        steps = ("read", "score", "write")
        timings = {
            **run.timings,
            "chunks_seconds_sum": round(chunk_seconds, 3),
            "rank_seconds": round(now - min(t["started_at"] for t in by_part), 3),
            **{f"rank_{step}_seconds": max(t[f"{step}_seconds"] for t in by_part) for step in steps},
            "rank_capacity_seconds": [round(sum(t[f"{step}_seconds"] for step in steps), 3) for t in by_part],
        }
        ScoringRun.objects.filter(pk=run_id).update(
            status=ScoringRun.Status.SUCCEEDED, finished_at=timezone.now(), ranking=pack_ranking_arrays(ranking),
            eligible_count=sum(part.eligible_count for part in parts),
            results_count=sum(part.results_count for part in parts), timings=timings,
        )  # fmt: skip
        ScoringChunk.objects.filter(run_id=run_id, rank_input__isnull=False).update(
            rank_input=None, rank_input_ends=None
        )
        run.rank_parts.all().delete()
    results_analyze()
    return ScoringRun.objects.get(pk=run_id)


def results_analyze() -> None:
    """Refresh PostgreSQL's statistics on result rows once a national run has added its ~170,000. With stale ones
    the planner expects a handful of rows for the new run and reads all of them to show its best 50: the run page
    took 0.76 s with ten national runs stored, 0.08 s after ANALYZE (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sitesel_scoringresult")


def ranking_discard(run_id: int) -> None:
    """Remove whatever the ranking of a run that will never succeed (cancelled, failed) has written."""
    ScoringResult.objects.filter(run_id=run_id).delete()
    ScoringChunkRank.objects.filter(chunk__run_id=run_id).delete()
    ScoringRankPart.objects.filter(run_id=run_id).delete()
    ScoringChunk.objects.filter(run_id=run_id, rank_input__isnull=False).update(rank_input=None, rank_input_ends=None)
