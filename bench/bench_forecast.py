"""Benchmark: recompute the forecast of a synthetic 1 GW program, vectorized vs naive loops.

    .venv/bin/python bench/bench_forecast.py [--seed 7] [--repeats 20] [--naive-repeats 5]
                                             [--deliveries-per-line 10]

Program (seeded, synthetic but shaped like a real one): 20 blocks x 50 MW, 100 contract lines per
block built from the BOM template (2,000 lines), 10 deliveries per line (20,000), shared lines
(substation transformers and land gate two blocks), 60 suppliers whose de-rate comes from a
synthetic delivery history, a mix of promised / confirmed / expected / received deliveries.
Both implementations are checked to give identical results before timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orchestration.domain.bom import propose_block_lines  # noqa: E402
from orchestration.domain.categories import CATEGORY_CODE, CATEGORY_ORDER, Category  # noqa: E402
from orchestration.domain.forecast import forecast_program  # noqa: E402
from orchestration.domain.forecast_input import ForecastInput  # noqa: E402
from orchestration.domain.forecast_reference import forecast_program_naive  # noqa: E402
from orchestration.domain.reliability import derate_days, supplier_record  # noqa: E402

N_BLOCKS, BLOCK_MW, LINES_PER_BLOCK, DELIVERIES_PER_LINE, N_SUPPLIERS = 20, 50.0, 100, 10, 60
AS_OF = date(2026, 6, 1).toordinal()
# Synthetic unit values (USD) for stranded-value reporting only; not sourced figures.
# Days before planned go-live each input must be installed (the build sequence: land, shell,
# power, cooling, then IT racks 30 days before commissioning starts). Synthetic.
STAGE_DAYS = {
    Category.LAND: 540,
    Category.BUILDINGS: 420,
    Category.POWER_EQUIPMENT: 240,
    Category.POWER_DISTRIBUTION: 240,
    Category.ONSITE_GENERATION: 240,
    Category.COOLING: 180,
    Category.CHIPS: 75,
    Category.MEMORY: 75,
    Category.NETWORKING: 75,
}
UNIT_VALUE_USD = {
    Category.CHIPS: Decimal("3500000"),
    Category.MEMORY: Decimal("2000"),
    Category.NETWORKING: Decimal("1500"),
}


def make_program(seed: int, deliveries_per_line: int = DELIVERIES_PER_LINE) -> ForecastInput:
    rng = np.random.default_rng(seed)
    template = propose_block_lines(BLOCK_MW)

    # Suppliers: on-time probability and late-slip scale -> history -> de-rate (as production would).
    supplier_derate = np.zeros(N_SUPPLIERS, dtype=np.int64)
    for s in range(N_SUPPLIERS):
        n = int(rng.integers(3, 60))
        committed = AS_OF - rng.integers(30, 700, n)
        late = rng.random(n) > rng.uniform(0.4, 0.98)
        actual = committed + np.where(late, rng.gamma(2.0, rng.uniform(5, 40), n).astype(np.int64) + 1, 0)
        supplier_derate[s] = derate_days(supplier_record(committed, actual))

    planned = np.array([date(2027, 6, 1).toordinal() + 45 * b for b in range(N_BLOCKS)], dtype=np.int64)
    commissioning = np.full(N_BLOCKS, 45, dtype=np.int64)

    # Lines: cycle through the template so every block gets every category; split quantities.
    per_item = np.bincount(np.arange(LINES_PER_BLOCK) % len(template), minlength=len(template))
    line_required, line_cat, line_install, line_supplier, line_value = [], [], [], [], []
    edge_line, edge_block, line_lead = [], [], []
    for b in range(N_BLOCKS):
        for j in range(LINES_PER_BLOCK):
            row = template[j % len(template)]
            idx = len(line_required)
            line_required.append(float(np.ceil(row.quantity / per_item[j % len(template)])))
            line_cat.append(CATEGORY_CODE[row.category])
            line_install.append(row.install_days)
            line_supplier.append(int(rng.integers(N_SUPPLIERS)))
            line_value.append(UNIT_VALUE_USD.get(row.category, Decimal("10000")))
            line_lead.append(row.lead_time_days)
            edge_line.append(idx)
            edge_block.append(b)
            shared = row.category in (Category.LAND,) or row.item.startswith("HV main")
            if shared and b % 2 == 0 and b + 1 < N_BLOCKS:
                edge_line.append(idx)
                edge_block.append(b + 1)
    n_lines = len(line_required)
    required = np.array(line_required)
    line_block = np.repeat(np.arange(N_BLOCKS), LINES_PER_BLOCK)

    # Deliveries: 10 shipments per line, spread over ~8 weeks ending when the line's stage needs
    # it (land first, IT last), then noise, supplier confirmations that slip, a few carrier ETAs.
    stage = np.array([STAGE_DAYS[CATEGORY_ORDER[c]] for c in line_cat])
    need_by = planned[line_block] - stage - np.array(line_install)
    d_line = np.repeat(np.arange(n_lines), deliveries_per_line)
    d_qty = np.ceil(required[d_line] / deliveries_per_line)
    promised = need_by[d_line] - rng.integers(0, 56, d_line.size) + rng.integers(-20, 10, d_line.size)
    confirmed = np.where(rng.random(d_line.size) < 0.5, promised + rng.integers(0, 21, d_line.size), 0)
    expected = np.where(rng.random(d_line.size) < 0.1, promised + rng.integers(-5, 25, d_line.size), 0)
    committed = np.where(confirmed > 0, confirmed, promised)
    arrived = committed < AS_OF
    actual = np.where(arrived, committed + rng.integers(0, 20, d_line.size), 0)
    received = np.where(arrived, d_qty, 0.0)
    # A few short shipments: received part of the quantity, the rest still open.
    short = arrived & (rng.random(d_line.size) < 0.05)
    received = np.where(short, np.floor(d_qty / 2), received)

    power_available = np.arange(N_BLOCKS) < 2
    grid = np.where(
        power_available, 0, planned - STAGE_DAYS[Category.POWER_EQUIPMENT] + rng.integers(-60, 150, N_BLOCKS)
    )

    return ForecastInput(
        as_of_ordinal=AS_OF,
        delivery_line_idx=d_line,
        delivery_qty=d_qty,
        delivery_received_qty=received,
        delivery_promised_ordinal=promised,
        delivery_confirmed_ordinal=confirmed,
        delivery_expected_ordinal=expected,
        delivery_actual_ordinal=actual,
        line_required_qty=required,
        line_category=np.array(line_cat),
        line_install_days=np.array(line_install),
        line_derate_days=supplier_derate[np.array(line_supplier)],
        line_unit_value_usd=tuple(line_value),
        edge_line_idx=np.array(edge_line),
        edge_block_idx=np.array(edge_block),
        block_planned_ordinal=planned,
        block_mw=np.full(N_BLOCKS, BLOCK_MW),
        block_commissioning_days=commissioning,
        block_power_available=power_available,
        block_grid_power_ordinal=grid,
    )


def rebuild(inp: ForecastInput) -> ForecastInput:
    """What a recompute costs end to end: validating the arrays again plus the forecast."""
    return ForecastInput(**{k: v for k, v in vars(inp).items()})


def timed(fn, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--naive-repeats", type=int, default=5)
    parser.add_argument(
        "--deliveries-per-line",
        type=int,
        default=DELIVERIES_PER_LINE,
        help="stress the scaling: 100 gives 200,000 deliveries",
    )
    args = parser.parse_args()

    inp = make_program(args.seed, args.deliveries_per_line)
    fast, slow = forecast_program(inp), forecast_program_naive(inp)
    same = (
        fast.blocks == slow.blocks
        and fast.stranded == slow.stranded
        and fast.mw_by_quarter == slow.mw_by_quarter
        and np.array_equal(fast.line_ready_ordinal, slow.line_ready_ordinal)
    )
    if not same:
        raise SystemExit("vectorized and naive forecasts differ: refusing to report timings")

    vec = timed(lambda: forecast_program(rebuild(inp)), args.repeats)
    naive = timed(lambda: forecast_program_naive(rebuild(inp)), args.naive_repeats)

    print(
        f"program: {inp.n_blocks} blocks, {float(inp.block_mw.sum()):.0f} MW, {inp.n_lines} lines, "
        f"{inp.n_edges} line->block edges, {inp.n_deliveries} deliveries (seed {args.seed})"
    )
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; results identical: {same}")
    late = [b.days_late for b in fast.blocks if b.days_late is not None]
    print(
        f"project go-live {fast.project_go_live}, MW at risk {fast.mw_at_risk:.0f}, "
        f"block days late min/median/max {min(late)}/{int(np.median(late))}/{max(late)}, "
        f"stranded lines {len(fast.stranded)} (${fast.stranded_value_usd:,.0f})"
    )
    print()
    print(f"{'implementation':<24}{'runs':>6}{'best ms':>12}{'median ms':>12}")
    for name, times in (("vectorized (numpy)", vec), ("naive (Python loops)", naive)):
        print(f"{name:<24}{len(times):>6}{min(times) * 1e3:>12.2f}{statistics.median(times) * 1e3:>12.2f}")
    print(
        f"{'speed-up naive/vector':<24}{'':>6}{min(naive) / min(vec):>11.1f}x"
        f"{statistics.median(naive) / statistics.median(vec):>11.1f}x"
    )
    print(f"budget 1 s: {'met' if statistics.median(vec) < 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
