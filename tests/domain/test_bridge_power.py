"""Bridge power (forecast rule 4b): on-site generation that is ready first lets a block go live before the grid.

Dates are worked out by hand: every line is promised on a date, installs in 0 days, commissioning is 45 days.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from orchestration.domain.categories import Category
from orchestration.domain.delay_cost import DelayPrices, delay_costs
from orchestration.domain.forecast import BindingKind
from orchestration.domain.forecast_reference import forecast_program_naive
from orchestration.domain.risk import RiskSettings, simulate_program
from orchestration.domain.scorecards import SLIP_LEVELS, SlipModel
from tests.domain.test_forecast import Blk, Dl, Ln, Program, days

D = date
GRID = D(2028, 1, 1)
OTHERS = D(2027, 3, 1)  # every other input is ready then
FIRST = D(2027, 1, 1)  # fuel and permit, unless a test says otherwise


def bridged(*, engines: date | None, fuel: date | None = FIRST, permit: date | None = FIRST,
            grid: date | None = GRID) -> Program:  # fmt: skip
    """One block: power equipment and cooling ready OTHERS; engines, fuel and permit (on-site generation)."""
    lines = [
        Ln(Category.POWER_EQUIPMENT, 1),
        Ln(Category.COOLING, 1),
        Ln(Category.ONSITE_GENERATION, 1),
        Ln(Category.ONSITE_GENERATION, 1),
        Ln(Category.ONSITE_GENERATION, 1),
    ]
    dates = [OTHERS, OTHERS, engines, fuel, permit]
    deliveries = [Dl(k, 1, promised=when) for k, when in enumerate(dates)]
    return Program([Blk(D(2027, 6, 1), grid=grid)], lines, deliveries)


def test_generation_ready_before_the_grid_lets_the_block_go_live_before_the_grid():
    result = bridged(engines=D(2027, 5, 1)).run().blocks[0]
    assert result.forecast_go_live == D(2027, 5, 1) + days(45)  # not GRID + 45
    assert result.binding.kind == BindingKind.LINE and result.binding.line_idx == 2
    assert result.power_forecast == D(2027, 5, 1)


def test_every_bridge_line_counts_fuel_and_permit_too():
    result = bridged(engines=D(2027, 5, 1), permit=D(2027, 9, 1)).run().blocks[0]
    assert result.forecast_go_live == D(2027, 9, 1) + days(45) and result.binding.line_idx == 4


def test_generation_later_than_the_grid_is_not_waited_for():
    result = bridged(engines=D(2028, 6, 1)).run().blocks[0]
    assert result.forecast_go_live == GRID + days(45)
    assert result.binding.kind == BindingKind.GRID_POWER and result.power_forecast == GRID
    undatable = bridged(engines=None).run().blocks[0]  # engines with no date: the grid still powers the block
    assert undatable.forecast_go_live == GRID + days(45)


def test_without_a_grid_date_generation_lines_are_plain_lines():
    result = bridged(engines=D(2028, 6, 1), grid=None).run().blocks[0]
    assert result.forecast_go_live == D(2028, 6, 1) + days(45) and result.binding.line_idx == 2


def test_a_tie_goes_to_generation_and_the_reference_agrees():
    for engines in (D(2027, 5, 1), GRID, D(2028, 6, 1), None):
        program = bridged(engines=engines)
        fast, slow = program.run(), forecast_program_naive(program.build())
        assert fast.blocks == slow.blocks and fast.stranded == slow.stranded
    tie = bridged(engines=GRID).run().blocks[0]
    assert tie.binding.kind == BindingKind.LINE and tie.forecast_go_live == GRID + days(45)


@pytest.mark.parametrize(
    ("slip", "go_live"),
    [
        (0, D(2027, 5, 1) + days(45)),  # the engines, well before the grid
        (120, D(2027, 5, 1) + days(120 + 45)),  # still before the grid: the bridge powers the block
        (400, OTHERS + days(400 + 45)),  # engines after the grid: not waited for; the other inputs bind
    ],
)
def test_the_monte_carlo_follows_the_same_rule(slip, go_live):
    # One supplier, every delivery `slip` days late.
    inp = bridged(engines=D(2027, 5, 1)).build()
    slips = SlipModel(np.full((1, SLIP_LEVELS), slip, dtype=np.int32), np.ones(1), np.ones(1, np.int64), ("x",))
    risk = simulate_program(inp, np.zeros(inp.n_lines), slips, RiskSettings(draws=20))
    derated = forecast_program_naive(dataclasses.replace(inp, line_derate_days=np.full(inp.n_lines, slip)))
    assert risk.blocks[0].p50 == derated.blocks[0].forecast_go_live == go_live


def test_expediting_a_bridge_line_is_valued_on_the_bridge_path():
    inp = bridged(engines=D(2027, 5, 1), permit=D(2027, 9, 1)).build()
    prices = DelayPrices(cost_of_delay_usd_per_mw_month=1.0, usd_per_gpu_hour=1.0)
    costs = delay_costs(inp, forecast_program_naive(inp), block_gpus=np.ones(1), line_contract=np.arange(5),
                        penalty_per_day={}, prices=prices)  # fmt: skip
    (permit,) = costs.expedite  # on time, the block waits for the engines (May 1), not for the grid
    assert permit.line_idx == 4 and permit.days_saved == (D(2027, 9, 1) - D(2027, 5, 1)).days
