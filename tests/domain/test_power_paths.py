"""The workflow gate and the forecast agree on when on-site generation holds a block (rule 4b, one rule).

Randomised single-block programs (hypothesis): site and power gear installed, power available, 0..3
generation lines each installed, received and awaiting installation, or still open, the grid energised or
not, a utility forecast or none. The gate admits `powered` exactly when the forecast (and the Monte Carlo
with no slip) has nothing left to wait for today. A line not installed is ready tomorrow at the earliest
(install days >= 1), which is what "not installed" means to the gate.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.domain.categories import CATEGORY_CODE, Category
from orchestration.domain.forecast import forecast_program
from orchestration.domain.forecast_input import ForecastInput
from orchestration.domain.gates import BlockFacts, LineStatus, gate_reasons
from orchestration.domain.power_paths import generation_gates_now
from orchestration.domain.risk import RiskSettings, simulate_program
from orchestration.domain.scorecards import SLIP_LEVELS, SlipModel
from orchestration.domain.states import BlockState

AS_OF = date(2027, 1, 1).toordinal()
GEAR = (Category.LAND, Category.BUILDINGS, Category.POWER_EQUIPMENT, Category.POWER_DISTRIBUTION)
LINE_STATES = ("installed", "awaiting_install", "open")

generation = st.lists(st.tuples(st.sampled_from(LINE_STATES), st.integers(1, 200)), max_size=3)


def build(gen: list[tuple[str, int]], *, energised: bool, grid_offset: int | None) -> tuple[ForecastInput, BlockFacts]:
    """The same block as the forecast's input and as the gate's facts."""
    categories = [*GEAR, *(Category.ONSITE_GENERATION for _ in gen)]
    states = ["installed"] * len(GEAR) + [state for state, _ in gen]
    days = [1] * len(GEAR) + [d for _, d in gen]
    n = len(categories)
    received = np.array([s != "open" for s in states])
    inp = ForecastInput(
        as_of_ordinal=AS_OF,
        delivery_line_idx=np.arange(n),
        delivery_qty=np.ones(n),
        delivery_received_qty=received.astype(float),
        # Received (and installed) today; open lines promised `d` days out.
        delivery_promised_ordinal=np.array([AS_OF if r else AS_OF + d for r, d in zip(received, days, strict=True)]),
        delivery_actual_ordinal=np.where(received, AS_OF, 0),
        line_required_qty=np.ones(n),
        line_category=np.array([CATEGORY_CODE[c] for c in categories]),
        line_install_days=np.array(days),
        line_installed_ordinal=np.array([AS_OF if s == "installed" else 0 for s in states]),
        edge_line_idx=np.arange(n),
        edge_block_idx=np.zeros(n, dtype=np.int64),
        block_planned_ordinal=np.array([AS_OF + 100]),
        block_mw=np.array([50.0]),
        block_commissioning_days=np.array([0]),
        block_power_available=np.array([True]),
        block_grid_power_ordinal=np.array([0 if grid_offset is None else AS_OF + grid_offset]),
        block_grid_energised=np.array([energised]),
    )
    lines = tuple(LineStatus(f"L{k}", c, bool(received[k]), states[k] == "installed") for k, c in enumerate(categories))
    return inp, BlockFacts(lines, power_available=True, grid_energised=energised)


@settings(max_examples=300, deadline=None)
@given(gen=generation, energised=st.booleans(), grid_offset=st.none() | st.integers(-100, 300))
def test_the_gate_admits_powered_exactly_when_the_forecast_waits_for_nothing(gen, energised, grid_offset):
    inp, facts = build(gen, energised=energised, grid_offset=grid_offset)
    gate_admits = gate_reasons(BlockState.POWERED, facts) == ()
    forecast_ready_now = forecast_program(inp).blocks[0].forecast_go_live.toordinal() == AS_OF
    no_slip = SlipModel(np.zeros((1, SLIP_LEVELS), np.int32), np.zeros(1), np.zeros(1, np.int64), ("none",))
    risk = simulate_program(inp, np.zeros(inp.n_lines, np.int64), no_slip, RiskSettings(draws=4, drivers=0))
    assert gate_admits == forecast_ready_now == (risk.blocks[0].p90.toordinal() == AS_OF)
    all_in = all(state == "installed" for state, _ in gen)
    assert gate_admits == (not gen or all_in or energised)


def test_the_rule_table():
    assert generation_gates_now(generation_installed=False, grid_energised=False)
    assert generation_gates_now(generation_installed=True, grid_energised=False)
    assert not generation_gates_now(generation_installed=False, grid_energised=True)
