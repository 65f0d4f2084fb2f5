"""The portfolio's Monte Carlo band: programs drawn together, one supplier's slip shared by every program."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from orchestration.domain.errors import InvalidInput
from orchestration.domain.forecast import forecast_program
from orchestration.domain.portfolio import portfolio_quarters
from orchestration.domain.risk import RiskSettings, simulate_portfolio
from orchestration.domain.scorecards import SlipModel
from tests.domain.test_risk import constant_slips, one_block, random_program, two_point


@pytest.mark.parametrize("seed", range(4))
def test_constant_slips_give_the_sum_of_the_deterministic_forecasts(seed):
    days = [0, 17, 45]
    programs = [random_program(seed), random_program(seed + 100)]
    risk = simulate_portfolio(programs, constant_slips(days), RiskSettings(draws=30, seed=seed, chunk=7))
    derated = {
        k: forecast_program(dataclasses.replace(inp, line_derate_days=np.array(days)[rows])).mw_by_quarter
        for k, (inp, rows) in enumerate(programs)
    }
    deterministic = {q.quarter: q for q in portfolio_quarters(derated)}
    compared = 0
    for band in risk.mw_by_quarter:
        if band.quarter in deterministic:
            q = deterministic[band.quarter]
            assert band.mw_p10 == band.mw_p50 == band.mw_p90 == q.forecast_mw_cumulative
            assert band.planned_mw_cumulative == q.planned_mw_cumulative
            compared += 1
    assert compared >= 4


def test_a_supplier_shared_by_two_programs_widens_the_band():
    # Each program: one 50 MW block waiting for one line of the same supplier, late 30 days a quarter of the
    # time. Shared, both programs are late together: 0 MW live by plan in 1/4 of the draws (P10 = 0). Drawn
    # as if unrelated, both are late only in 1/16 of the draws, so nine draws in ten have at least 50 MW.
    slips = SlipModel(two_point(0.25, 30)[None, :], np.ones(1), np.ones(1, dtype=np.int64), ("category",))
    programs = [(one_block(1), np.zeros(1)), (one_block(1), np.zeros(1))]
    params = RiskSettings(draws=4000, seed=11, supplier_share=1.0)
    shared = simulate_portfolio(programs, slips, params)
    apart = simulate_portfolio(programs, slips, params, shared_suppliers=False)
    plan_quarter = next(q for q in shared.mw_by_quarter if q.planned_mw_cumulative == 100.0)
    by_quarter = {q.quarter: q for q in apart.mw_by_quarter}
    assert (plan_quarter.mw_p10, plan_quarter.mw_p90) == (0.0, 100.0)
    assert by_quarter[plan_quarter.quarter].mw_p10 == 50.0
    both_late = (shared.program_go_live > shared.program_go_live.min()).all(axis=1).mean()
    assert both_late == pytest.approx(0.25, abs=0.03)
    apart_late = (apart.program_go_live > apart.program_go_live.min()).all(axis=1).mean()
    assert apart_late == pytest.approx(0.25**2, abs=0.02)


def test_no_programs_and_a_bad_line_map_are_handled():
    assert simulate_portfolio([], constant_slips([]), RiskSettings(draws=10)).mw_by_quarter == ()
    inp, rows = random_program(1)
    with pytest.raises(InvalidInput, match="line_supplier"):
        simulate_portfolio([(inp, rows + 10)], constant_slips([0, 1, 2]), RiskSettings(draws=10))
