"""Probabilistic go-live: the Monte Carlo against the deterministic forecast, correlation and the tornado.

The anchor: a supplier whose every slip is c days is the deterministic forecast with a de-rate of c on its
lines (the forecast's rule: commitments slip, receipts and carrier ETAs do not), in every draw and for
every kind of line (nothing open, every quantity needed, over-scheduled with equal or mixed quantities).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pytest

from orchestration.domain.categories import CATEGORY_CODE, Category
from orchestration.domain.errors import InvalidInput
from orchestration.domain.forecast import forecast_program
from orchestration.domain.forecast_input import ForecastInput
from orchestration.domain.risk import RiskSettings, simulate_program
from orchestration.domain.scorecards import SLIP_LEVELS, SlipModel

AS_OF = date(2026, 6, 1)
COOLING = CATEGORY_CODE[Category.COOLING]


def constant_slips(days: list[int]) -> SlipModel:
    table = np.repeat(np.array(days, dtype=np.int32)[:, None], SLIP_LEVELS, axis=1)
    n = len(days)
    return SlipModel(table, np.ones(n), np.ones(n, dtype=np.int64), ("category",) * n)


def two_point(p_late: float, days: int) -> np.ndarray:
    """A slip table row: on time with probability 1 - p_late, else `days` late."""
    row = np.zeros(SLIP_LEVELS, dtype=np.int32)
    row[int(round((1 - p_late) * SLIP_LEVELS)) :] = days
    return row


def random_program(seed: int, n_suppliers: int = 3) -> tuple[ForecastInput, np.ndarray]:
    """Lines of every kind: received, ETAs, undated, exact and over-scheduled (equal and mixed quantities)."""
    rng = np.random.default_rng(seed)
    n_blocks, n_lines = 4, 24
    d_line, d_qty, d_rec, promised, confirmed, expected, actual = [], [], [], [], [], [], []
    required = rng.integers(2, 9, n_lines).astype(float)
    for line in range(n_lines):
        kind = line % 4
        k = int(rng.integers(1, 4))
        share = required[line] / k
        qty = [share] * k
        if kind == 2:  # over-scheduled, equal quantities
            qty = [np.ceil(required[line] / k) + 1] * (k + 1)
        if kind == 3:  # over-scheduled, mixed quantities
            qty = list(rng.integers(1, 5, k + 2).astype(float))
            qty[0] = required[line]
        for q in qty:
            d_line.append(line)
            d_qty.append(q)
            p = AS_OF.toordinal() + int(rng.integers(-30, 300))
            promised.append(p if rng.random() > 0.05 else 0)
            confirmed.append(p + int(rng.integers(0, 20)) if rng.random() < 0.4 else 0)
            expected.append(p + int(rng.integers(-5, 10)) if rng.random() < 0.15 else 0)
            got = p < AS_OF.toordinal() and promised[-1] > 0
            actual.append(p + int(rng.integers(0, 5)) if got else 0)
            d_rec.append(q if got else (np.floor(q / 2) if rng.random() < 0.1 else 0.0))
    edge_line = list(range(n_lines)) + [0, 5]
    edge_block = [line % n_blocks for line in range(n_lines)] + [1, 2]
    inp = ForecastInput(
        as_of_ordinal=AS_OF.toordinal(),
        delivery_line_idx=np.array(d_line),
        delivery_qty=np.array(d_qty),
        delivery_received_qty=np.array(d_rec),
        delivery_promised_ordinal=np.array(promised),
        delivery_confirmed_ordinal=np.array(confirmed),
        delivery_expected_ordinal=np.array(expected),
        delivery_actual_ordinal=np.array(actual),
        line_required_qty=required,
        line_category=np.full(n_lines, COOLING),
        line_install_days=rng.integers(0, 20, n_lines),
        edge_line_idx=np.array(edge_line),
        edge_block_idx=np.array(edge_block),
        block_planned_ordinal=AS_OF.toordinal() + 300 + 30 * np.arange(n_blocks),
        block_mw=np.full(n_blocks, 50.0),
        block_commissioning_days=np.full(n_blocks, 30),
        block_power_available=np.array([True, False, False, False]),
        block_grid_power_ordinal=np.array([0, 0, AS_OF.toordinal() + 200, AS_OF.toordinal() + 500]),
    )
    return inp, rng.integers(0, n_suppliers, n_lines)


@pytest.mark.parametrize("seed", range(8))
def test_constant_slips_are_the_forecast_with_that_de_rate_in_every_draw(seed):
    inp, line_supplier = random_program(seed)
    days = [0, 17, 45]
    risk = simulate_program(inp, line_supplier, constant_slips(days), RiskSettings(draws=40, seed=seed, chunk=15))
    derated = forecast_program(dataclasses.replace(inp, line_derate_days=np.array(days)[line_supplier]))
    expected = np.array([b.forecast_go_live.toordinal() if b.forecast_go_live else 10**9 for b in derated.blocks])
    assert np.array_equal(risk.block_go_live, np.broadcast_to(expected, risk.block_go_live.shape))
    for block, forecast in zip(risk.blocks, derated.blocks, strict=True):
        assert block.p50 == block.p80 == block.p90 == forecast.forecast_go_live
    assert np.array_equal(risk.line_arrival[0], derated.line_arrival_ordinal)
    assert risk.p80 == derated.project_go_live
    nominal = forecast_program(dataclasses.replace(inp, line_derate_days=np.zeros(inp.n_lines, dtype=np.int64)))
    assert [b.nominal_go_live for b in risk.blocks] == [b.forecast_go_live for b in nominal.blocks]
    quarters = {q.quarter: q.forecast_mw_cumulative for q in derated.mw_by_quarter}
    for band in risk.mw_by_quarter:
        if band.quarter in quarters:
            assert band.mw_p10 == band.mw_p50 == band.mw_p90 == quarters[band.quarter]


def one_block(n_lines: int, *, promised_offsets: list[int] | None = None) -> ForecastInput:
    """One block gated by `n_lines` lines, one open delivery each, promised on the same day (or offsets)."""
    offsets = promised_offsets or [100] * n_lines
    return ForecastInput(
        as_of_ordinal=AS_OF.toordinal(),
        delivery_line_idx=np.arange(n_lines),
        delivery_qty=np.ones(n_lines),
        delivery_received_qty=np.zeros(n_lines),
        delivery_promised_ordinal=AS_OF.toordinal() + np.array(offsets),
        line_required_qty=np.ones(n_lines),
        line_category=np.full(n_lines, COOLING),
        line_install_days=np.zeros(n_lines, dtype=int),
        edge_line_idx=np.arange(n_lines),
        edge_block_idx=np.zeros(n_lines, dtype=int),
        block_planned_ordinal=np.array([AS_OF.toordinal() + 110]),
        block_mw=np.array([50.0]),
        block_commissioning_days=np.array([10]),
        block_power_available=np.array([True]),
    )


def test_percentiles_and_probability_late_follow_the_slip_distribution():
    slips = SlipModel(two_point(0.25, 30)[None, :], np.ones(1), np.ones(1, dtype=np.int64), ("category",))
    risk = simulate_program(one_block(1), np.zeros(1), slips, RiskSettings(draws=4000, seed=3))
    on_plan = AS_OF + timedelta(days=110)
    block = risk.blocks[0]
    assert block.p50 == on_plan and block.p80 == block.p90 == on_plan + timedelta(days=30)
    assert block.prob_late == pytest.approx(0.25, abs=0.03)
    assert block.expected_days_late == pytest.approx(0.25 * 30, abs=1.0)


def test_slips_of_one_supplier_move_together_and_independent_suppliers_do_not():
    row = two_point(0.25, 30)
    one = SlipModel(row[None, :], np.ones(1), np.ones(1, dtype=np.int64), ("category",))
    two = SlipModel(np.vstack([row, row]), np.ones(2), np.ones(2, dtype=np.int64), ("category",) * 2)
    draws = RiskSettings(draws=4000, seed=5, supplier_share=1.0)
    same = simulate_program(one_block(4), np.zeros(4), one, draws).blocks[0].prob_late
    apart = simulate_program(one_block(4), np.array([0, 1, 0, 1]), two, draws).blocks[0].prob_late
    independent = simulate_program(one_block(4), np.zeros(4), one, dataclasses.replace(draws, supplier_share=0.0))
    # Fully shared: the four lines slip together, so the block is late as often as one line (1/4).
    assert same == pytest.approx(0.25, abs=0.03)
    # Two suppliers, each fully shared: 1 - 0.75^2. Independent lines: 1 - 0.75^4.
    assert apart == pytest.approx(1 - 0.75**2, abs=0.03)
    assert independent.blocks[0].prob_late == pytest.approx(1 - 0.75**4, abs=0.03)


def test_the_tornado_names_the_supplier_whose_slips_set_the_p80():
    # Line 0 (supplier 0) is promised 20 days after line 1 (supplier 1) and slips 30 days half the time;
    # supplier 1 always slips 5 days. Program P80: line 0 late = day 150 + 10; without supplier 0's slips,
    # the block waits for max(120, 100 + 5) = 120 -> 130.
    table = np.vstack([two_point(0.5, 30), np.full(SLIP_LEVELS, 5, dtype=np.int32)])
    slips = SlipModel(table, np.ones(2), np.ones(2, dtype=np.int64), ("category",) * 2)
    risk = simulate_program(
        one_block(2, promised_offsets=[120, 100]), np.array([0, 1]), slips, RiskSettings(draws=500, seed=1)
    )
    assert risk.p80 == AS_OF + timedelta(days=160)
    top = risk.supplier_drivers[0]
    assert top.key == 0 and top.criticality == 1.0 and top.p80_without == AS_OF + timedelta(days=130)
    assert top.p80_days == 30
    assert [d.key for d in risk.supplier_drivers] == [0]  # supplier 1 never sets the date: no bar
    assert risk.line_drivers[0].key == 0 and risk.line_drivers[0].p80_days == 30


def test_same_seed_same_answer_and_bad_settings_are_refused():
    inp, line_supplier = random_program(1)
    slips = constant_slips([3, 9, 27])
    a = simulate_program(inp, line_supplier, slips, RiskSettings(draws=50, seed=9))
    b = simulate_program(inp, line_supplier, slips, RiskSettings(draws=50, seed=9))
    assert np.array_equal(a.block_go_live, b.block_go_live) and a.blocks == b.blocks
    with pytest.raises(InvalidInput):
        RiskSettings(draws=0)
    with pytest.raises(InvalidInput):
        RiskSettings(supplier_share=1.5)
    with pytest.raises(InvalidInput):
        simulate_program(inp, line_supplier[:-1], slips)
    with pytest.raises(InvalidInput):
        simulate_program(inp, line_supplier + 5, slips)


def no_lines(n_blocks: int) -> ForecastInput:
    none_i, none_f = np.zeros(0, dtype=int), np.zeros(0)
    return ForecastInput(
        as_of_ordinal=AS_OF.toordinal(), delivery_line_idx=none_i, delivery_qty=none_f, delivery_received_qty=none_f,
        delivery_promised_ordinal=none_i, line_required_qty=none_f, line_category=none_i, line_install_days=none_i,
        edge_line_idx=none_i, edge_block_idx=none_i,
        block_planned_ordinal=np.full(n_blocks, AS_OF.toordinal() + 100), block_mw=np.full(n_blocks, 50.0),
        block_commissioning_days=np.full(n_blocks, 10),
    )  # fmt: skip


def test_a_block_with_nothing_to_wait_for_and_an_empty_program():
    risk = simulate_program(no_lines(1), np.zeros(0), constant_slips([]), RiskSettings(draws=10))
    assert risk.p50 == risk.p90 == AS_OF + timedelta(days=10)  # commissioning from today
    assert risk.supplier_drivers == () and risk.line_drivers == () and risk.prob_late == 0.0
    nothing = simulate_program(no_lines(0), np.zeros(0), constant_slips([]), RiskSettings(draws=10))
    assert (nothing.p50, nothing.blocks, nothing.mw_by_quarter, nothing.prob_late) == (None, (), (), 0.0)


def test_the_answer_does_not_depend_on_threads_or_chunks():
    inp, line_supplier = random_program(3)
    slips = SlipModel(np.vstack([two_point(0.3, 20), two_point(0.6, 9), two_point(0.1, 40)]), np.ones(3),
                      np.ones(3, dtype=np.int64), ("category",) * 3)  # fmt: skip
    one = simulate_program(inp, line_supplier, slips, RiskSettings(draws=200, seed=9, chunk=30, threads=1))
    three = simulate_program(inp, line_supplier, slips, RiskSettings(draws=200, seed=9, chunk=30, threads=3))
    assert np.array_equal(one.line_arrival, three.line_arrival) and one.p80 == three.p80
    assert len(np.unique(one.line_arrival, axis=0)) > 1  # the draws do differ: the comparison means something
    with pytest.raises(InvalidInput):
        RiskSettings(threads=0)
