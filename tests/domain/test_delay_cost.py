"""Cost of the current slips: every figure below is worked out by hand from the dates in the test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from orchestration.domain.categories import CATEGORY_CODE, Category
from orchestration.domain.delay_cost import DAYS_PER_MONTH, DelayPrices, delay_costs
from orchestration.domain.errors import InvalidInput
from orchestration.domain.forecast import forecast_program
from orchestration.domain.forecast_input import ForecastInput

AS_OF = date(2026, 6, 1).toordinal()
PLAN = AS_OF + 200
COMMISSIONING = 10
NEED = PLAN - COMMISSIONING  # inputs ready by this day for the plan
PRICES = DelayPrices(cost_of_delay_usd_per_mw_month=960_000.0, usd_per_gpu_hour=2.0)
GPUS = 22_680
CODES = [CATEGORY_CODE[c] for c in (Category.COOLING, Category.POWER_EQUIPMENT, Category.CHIPS)]


def program(*, cooling_late: int, power_late: int, chips_received: bool = True, blocks: int = 1) -> ForecastInput:
    """Per block: a cooling line (contract 0), a power line (contract 1), a chips line (contract 2), each one
    delivery; cooling and power ready late by the given days, chips received today (or promised at need)."""
    n = 3 * blocks
    promised = np.tile([NEED + cooling_late, NEED + power_late, NEED], blocks)
    received = np.tile([0.0, 0.0, 1.0 if chips_received else 0.0], blocks)
    actual = np.tile([0, 0, AS_OF if chips_received else 0], blocks)
    return ForecastInput(
        as_of_ordinal=AS_OF,
        delivery_line_idx=np.arange(n),
        delivery_qty=np.ones(n),
        delivery_received_qty=received,
        delivery_promised_ordinal=promised,
        delivery_actual_ordinal=actual,
        line_required_qty=np.ones(n),
        line_category=np.tile(CODES, blocks),
        line_install_days=np.zeros(n, dtype=int),
        edge_line_idx=np.arange(n),
        edge_block_idx=np.repeat(np.arange(blocks), 3),
        block_planned_ordinal=np.full(blocks, PLAN),
        block_mw=np.full(blocks, 50.0),
        block_commissioning_days=np.full(blocks, COMMISSIONING),
    )


def costs(inp: ForecastInput, penalty=None):
    return delay_costs(
        inp,
        forecast_program(inp),
        block_gpus=np.full(inp.n_blocks, GPUS),
        line_contract=np.tile([0, 1, 2], inp.n_blocks),
        penalty_per_day=penalty if penalty is not None else {0: Decimal("1000.00")},
        prices=PRICES,
    )


def test_late_days_are_priced_at_the_cost_of_delay_and_the_binding_contract_pays_its_penalty():
    result = costs(program(cooling_late=30, power_late=12))
    (block,) = result.blocks
    months = 30 / DAYS_PER_MONTH
    assert block.days_late == 30
    assert block.mw_months == pytest.approx(50 * months) and block.gpu_months == pytest.approx(GPUS * months)
    assert result.usd == pytest.approx(50 * months * 960_000.0)
    (penalty,) = result.penalties  # cooling binds; the power line's 12 days are hidden behind it
    assert (penalty.contract, penalty.days, penalty.amount) == (0, 30, Decimal("30000.00"))
    assert result.penalties_total == Decimal("30000.00")


def test_expediting_the_binding_line_saves_days_down_to_the_next_constraint():
    result = costs(program(cooling_late=30, power_late=12))
    (top,) = result.expedite  # only the binding line moves the block; the power line alone would save nothing
    assert top.line_idx == 0 and top.days_saved == 30 - 12 and top.mw_days == 50.0 * 18
    assert top.usd == pytest.approx(50.0 * 18 / DAYS_PER_MONTH * 960_000.0)
    assert [(c.line_idx, c.days_saved) for c in result.expedite_contracts] == [(0, 18)]


def test_tied_lines_of_one_contract_save_nothing_alone_but_everything_together():
    inp = program(cooling_late=30, power_late=30)
    result = delay_costs(inp, forecast_program(inp), block_gpus=np.full(1, GPUS), line_contract=np.array([0, 0, 2]),
                         penalty_per_day={}, prices=PRICES)  # fmt: skip
    assert result.expedite == ()  # either line alone: the other still holds the block 30 days
    (contract,) = result.expedite_contracts
    assert (contract.line_idx, contract.days_saved, contract.mw_days) == (0, 30, 50.0 * 30)


def test_a_contract_without_a_penalty_term_has_no_amount_and_on_time_costs_nothing():
    result = costs(program(cooling_late=5, power_late=0), penalty={})
    assert result.penalties[0].amount is None and result.penalties_total == Decimal("0.00")
    on_time = costs(program(cooling_late=0, power_late=0))
    assert on_time.blocks == () and on_time.usd == 0 and on_time.expedite == () and on_time.penalties == ()


def test_received_gpus_waiting_for_power_are_priced_per_gpu_hour():
    # Chips received today; power ready 150 days late, so the block has power at NEED + 150.
    result = costs(program(cooling_late=0, power_late=150))
    (stranded,) = result.stranded
    days = NEED + 150 - AS_OF
    assert stranded.gpus == GPUS and stranded.days == days
    assert stranded.gpu_hours == GPUS * days * 24 and stranded.usd == pytest.approx(GPUS * days * 24 * 2.0)


def test_energise_first_the_block_whose_gpus_have_landed():
    inp = program(cooling_late=0, power_late=0, blocks=2)
    # Block 0 gets power first, but only block 1's chips have landed.
    received = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    promised = inp.delivery_promised_ordinal.copy()
    promised[4] += 40  # block 1's power line is later than block 0's
    moved = ForecastInput(**{**vars(inp), "delivery_received_qty": received, "delivery_promised_ordinal": promised,
                             "delivery_actual_ordinal": np.where(received > 0, AS_OF, 0)})  # fmt: skip
    result = costs(moved)
    assert result.resequence is not None
    assert (result.resequence.block_idx, result.resequence.first_on_forecast_idx) == (1, 0)
    assert result.resequence.gpus_received == GPUS and result.resequence.first_gpus_received == 0


def test_bad_prices_and_shapes_are_refused():
    with pytest.raises(InvalidInput):
        DelayPrices(cost_of_delay_usd_per_mw_month=float("nan"), usd_per_gpu_hour=1.0)
    inp = program(cooling_late=0, power_late=0)
    with pytest.raises(InvalidInput):
        delay_costs(inp, forecast_program(inp), block_gpus=np.ones(2), line_contract=np.zeros(3),
                    penalty_per_day={}, prices=PRICES)  # fmt: skip
