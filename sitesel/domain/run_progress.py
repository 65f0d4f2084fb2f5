"""How far a scoring run is, how fast it goes, and when it should end: plain arithmetic on its counters.

A run computes its chunks (measures + economics, spread over every worker), then ranks every item once.
The rate is the run's own: items stored so far over the wall-clock seconds since it started, so it
already counts every worker that took part. The ranking step cannot be measured before it runs; it is
estimated from `rank_seconds_per_million_items`, a figure measured with bench/bench_scoring.py
(docs/performance.md), and is counted in the ETA from the start so the ETA does not jump at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt

COMPUTING = "computing"
RANKING = "ranking"


@dataclass(frozen=True)
class RunProgress:
    """`items_per_second` and `eta_seconds` are None until the first chunk is stored (no rate yet)."""

    phase: str
    items_done: int
    items_total: int
    items_per_second: float | None
    eta_seconds: float | None


def run_progress(
    *,
    items_done: int,
    items_total: int,
    seconds_running: float,
    seconds_since_last_chunk: float,
    rank_seconds_per_million_items: float,
) -> RunProgress:
    """Progress of a running run. `seconds_since_last_chunk` counts from when its last chunk was stored."""
    rank_seconds = rank_seconds_per_million_items * items_total / 1e6
    if items_total and items_done >= items_total:
        # Every chunk is in: what is left is the ranking, which started when the last chunk was stored.
        return RunProgress(RANKING, items_done, items_total, None, max(0.0, rank_seconds - seconds_since_last_chunk))
    if items_done <= 0 or seconds_running <= 0:
        return RunProgress(COMPUTING, max(items_done, 0), items_total, None, None)
    rate = items_done / seconds_running
    eta = (items_total - items_done) / rate + rank_seconds
    return RunProgress(COMPUTING, items_done, items_total, rate, eta)


def spread_order(indexes: list[int]) -> list[int]:
    """Chunk indexes in the order to dispatch them: every k-th first (k = sqrt of the count), then the next ones.

    Chunks are bands of the grid from south to north: the first are mostly sea and quick, the middle ones all
    land. Taken in index order, the run's rate falls as it goes (14,200 to 10,300 squares/s over the first two
    thirds of a 2.5 km run) and its ETA is too early; spread out, the first chunks done sample the whole
    country and the rate holds. The ranking does not depend on the order chunks are computed in.
    """
    stride = max(1, isqrt(len(indexes)))
    return [indexes[i] for start in range(stride) for i in range(start, len(indexes), stride)]
