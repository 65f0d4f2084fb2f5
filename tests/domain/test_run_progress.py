"""A running run's rate and ETA from its counters."""

import pytest

from sitesel.domain.run_progress import COMPUTING, RANKING, run_progress, spread_order


def test_no_rate_before_the_first_chunk_is_stored():
    p = run_progress(items_done=0, items_total=1000, seconds_running=5, seconds_since_last_chunk=5,
                     rank_seconds_per_million_items=10)  # fmt: skip
    assert (p.phase, p.items_per_second, p.eta_seconds) == (COMPUTING, None, None)


def test_eta_is_the_items_left_at_the_run_rate_plus_the_ranking_estimate():
    p = run_progress(items_done=2_000_000, items_total=8_000_000, seconds_running=40, seconds_since_last_chunk=1,
                     rank_seconds_per_million_items=5)  # fmt: skip
    assert p.items_per_second == pytest.approx(50_000)
    assert p.eta_seconds == pytest.approx(6_000_000 / 50_000 + 40)


def test_once_every_chunk_is_in_the_eta_is_what_is_left_of_the_ranking():
    kwargs = {"items_done": 2_000_000, "items_total": 2_000_000, "seconds_running": 100,
              "rank_seconds_per_million_items": 10}  # fmt: skip
    p = run_progress(seconds_since_last_chunk=5, **kwargs)
    assert (p.phase, p.eta_seconds) == (RANKING, pytest.approx(15))
    assert run_progress(seconds_since_last_chunk=60, **kwargs).eta_seconds == 0.0  # late, never negative


def test_chunks_are_dispatched_spread_over_the_grid_each_once():
    assert spread_order(list(range(10))) == [0, 3, 6, 9, 1, 4, 7, 2, 5, 8]
    order = spread_order(list(range(675)))  # the 1 km grid's chunks
    assert sorted(order) == list(range(675)) and order[:27] == list(range(0, 675, 25))  # south to north at once
    assert spread_order([]) == [] and spread_order([4]) == [4]
