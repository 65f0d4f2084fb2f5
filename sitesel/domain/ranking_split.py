"""`score_sites` split over chunks: the same scores and ranks, with the sorting done where the points are.

Screens are per point, so each chunk screens its own points. Normalization needs every eligible value of the
run, but only as counts: a value's percentile is its average rank among them, its min-max place needs the
run's extremes. So each chunk reduces every weighted criterion to its sorted distinct values, how often each
occurs and each point's position among them (`chunk_part`, computed by the chunk's worker as it finishes);
the ranking step merges those sorted runs per criterion into one scale (`criterion_scale`, which keeps where
each chunk's values landed in it), reads each chunk's normalized values off it (`chunk_scores`) and ranks once.
The arithmetic is `score_sites`'s, in the same order, so the floats are identical
(tests/domain/test_ranking_split.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sitesel.domain.scoring import ScenarioSpec, applied_weights, good_is_high, measured, screen


@dataclass(frozen=True)
class ChunkPart:
    """One chunk's points at one capacity, reduced for ranking.

    `values[c]` are the sorted distinct values of criterion c among the eligible points that have one,
    `counts[c]` how many points hold each, `index[c]` each point's position in `values[c]` (-1: not eligible
    or no value).
    """

    eligible: np.ndarray
    binding: np.ndarray
    values: Mapping[str, np.ndarray]
    counts: Mapping[str, np.ndarray]
    index: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class CriterionScale:
    """A criterion's distinct values over the whole run (sorted), the normalized value of each, and for chunk i
    the position in `values` of each of its own distinct values (`of_chunk[i]`): read off the merge, so looking
    a chunk's points up needs no search of the run-wide scale."""

    values: np.ndarray
    normalized: np.ndarray
    of_chunk: tuple[np.ndarray, ...]


def chunk_part(measures: Mapping[str, np.ndarray], states: np.ndarray, scenario: ScenarioSpec) -> ChunkPart:
    """Screen a chunk's points and reduce each weighted criterion to sorted distinct values and counts."""
    n = len(states)
    raw = measured(measures, scenario, n)
    eligible, binding = screen(raw, states, scenario, n)
    values, counts, index = {}, {}, {}
    for c in applied_weights(scenario):
        has = eligible & ~np.isnan(raw[c])
        values[c], inverse, counts[c] = np.unique(raw[c][has], return_inverse=True, return_counts=True)
        index[c] = np.full(n, -1, dtype=np.int32)
        index[c][has] = inverse.reshape(-1)
    return ChunkPart(eligible, binding, values, counts, index)


def criterion_scale(
    values: Sequence[np.ndarray], counts: Sequence[np.ndarray], good_high: bool, method: str
) -> CriterionScale:
    """Merge the chunks' sorted distinct values of one criterion and normalize each as `score_sites` does."""
    merged, inverse = np.unique(np.concatenate(values), return_inverse=True)
    inverse = inverse.reshape(-1)
    of_chunk = tuple(np.split(inverse, np.cumsum([len(v) for v in values])[:-1]))
    # Counts are integers well under 2**53: the float sums bincount makes are exact.
    total = np.rint(np.bincount(inverse, weights=np.concatenate(counts), minlength=len(merged)))
    m = int(total.sum())
    if m == 0:
        return CriterionScale(merged, np.empty(0), of_chunk)
    if method == "minmax":
        lo, hi = merged[0], merged[-1]
        if hi == lo:
            return CriterionScale(merged, np.ones(len(merged)), of_chunk)
        normalized = (merged - lo) / (hi - lo) if good_high else (hi - merged) / (hi - lo)
        return CriterionScale(merged, normalized, of_chunk)
    if m == 1:
        return CriterionScale(merged, np.ones(len(merged)), of_chunk)
    # Average 1-based rank of each value, ties sharing the mean of the positions they occupy.
    ends = np.cumsum(total.astype(np.int64))
    r = ((ends - total.astype(np.int64) + 1) + ends) / 2.0
    return CriterionScale(merged, (r - 1.0) / (m - 1) if good_high else (m - r) / (m - 1), of_chunk)


def scales(parts: Sequence[ChunkPart], scenario: ScenarioSpec) -> dict[str, CriterionScale]:
    """One scale per weighted criterion, merged from every chunk's part."""
    return {
        c: criterion_scale([p.values[c] for p in parts], [p.counts[c] for p in parts], good_is_high(c, scenario),
                           scenario.normalization)
        for c in applied_weights(scenario)
    }  # fmt: skip


def chunk_normalized(
    part: ChunkPart, i: int, scale: CriterionScale, criterion: str, rows: np.ndarray | None = None
) -> np.ndarray:
    """One criterion's normalized value of the points of chunk i (or of its points `rows`): NaN if not
    eligible, 0 without a value."""
    by_value = scale.normalized[scale.of_chunk[i]]
    index = part.index[criterion] if rows is None else part.index[criterion][rows]
    out = np.where(part.eligible if rows is None else part.eligible[rows], 0.0, np.nan)
    has = index >= 0
    out[has] = by_value[index[has]]
    return out


def chunk_scores(
    part: ChunkPart, i: int, scales_by_criterion: Mapping[str, CriterionScale], scenario: ScenarioSpec
) -> np.ndarray:
    """The scores of chunk i (0-100, NaN if not eligible), summed in `score_sites`'s order."""
    score = np.zeros(len(part.eligible))
    for c, w in applied_weights(scenario).items():
        score = score + w * chunk_normalized(part, i, scales_by_criterion[c], c) * 100.0
    return np.clip(np.where(part.eligible, score, np.nan), 0.0, 100.0)


def chunk_contributions(
    part: ChunkPart,
    i: int,
    scales_by_criterion: Mapping[str, CriterionScale],
    scenario: ScenarioSpec,
    rows: np.ndarray,
) -> dict[str, np.ndarray]:
    """Points per weighted criterion of some of chunk i's points (`rows`), as `score_sites`'s contributions."""
    return {
        c: w * chunk_normalized(part, i, scales_by_criterion[c], c, rows) * 100.0
        for c, w in applied_weights(scenario).items()
    }
