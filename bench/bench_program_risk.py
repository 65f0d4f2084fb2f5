"""Benchmark: the Monte Carlo go-live of a synthetic 1 GW program, against the deterministic forecast.

    .venv/bin/python bench/bench_program_risk.py [--seed 7] [--draws 2000] [--repeats 5] [--threads 2]

Program: bench_forecast.make_program (20 blocks x 50 MW, 2,000 lines, 20,000 deliveries, shared lines,
promised / confirmed / expected / received deliveries). Suppliers: 6 per category (54), each line given one
of its category's; each supplier's closed-delivery history is synthetic (on-time probability and late-slip
scale drawn per supplier), and its slip distribution is shrunk towards its category's as in production.
Times cover the whole domain call (`simulate_program`, with the tornado) and, in the same run, the
deterministic forecast (`forecast_program`, validation included as bench_forecast measures it).
Wall clock and CPU time are both printed, with the load average before and after: on a shared machine the
wall clock is CPU time stretched by the other work on the cores, so compare CPU time across runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_forecast import AS_OF, make_program, rebuild  # noqa: E402
from orchestration.domain.categories import CATEGORY_ORDER  # noqa: E402
from orchestration.domain.forecast import forecast_program  # noqa: E402
from orchestration.domain.risk import RiskSettings, simulate_program  # noqa: E402
from orchestration.domain.scorecards import slip_model  # noqa: E402

SUPPLIERS_PER_CATEGORY = 6


def suppliers(inp, seed: int):
    """Line -> supplier position, and the slip model of the suppliers from a synthetic history."""
    rng = np.random.default_rng(seed + 1)
    n_cat = len(CATEGORY_ORDER)
    line_supplier = inp.line_category * SUPPLIERS_PER_CATEGORY + rng.integers(0, SUPPLIERS_PER_CATEGORY, inp.n_lines)
    histories, categories = [], []
    for s in range(n_cat * SUPPLIERS_PER_CATEGORY):
        n = int(rng.integers(0, 60))
        late = rng.random(n) > rng.uniform(0.4, 0.98)
        histories.append(np.where(late, rng.gamma(2.0, rng.uniform(5, 40), n).astype(np.int64) + 1, 0))
        categories.append(CATEGORY_ORDER[s // SUPPLIERS_PER_CATEGORY])
    return line_supplier, slip_model(histories, categories)


def timed(fn, repeats: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds per run (CPU time is the fairer figure when other work shares the cores)."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=RiskSettings.threads)
    args = parser.parse_args()

    load_before = os.getloadavg()
    inp = make_program(args.seed)
    line_supplier, model = suppliers(inp, args.seed)
    params = RiskSettings(draws=args.draws, seed=args.seed, threads=args.threads)
    risk = simulate_program(inp, line_supplier, model, params)
    det = forecast_program(inp)

    mc = timed(lambda: simulate_program(rebuild(inp), line_supplier, model, params), args.repeats)
    fc = timed(lambda: forecast_program(rebuild(inp)), args.repeats * 4)

    print(
        f"program: {inp.n_blocks} blocks, {float(inp.block_mw.sum()):.0f} MW, {inp.n_lines} lines, "
        f"{inp.n_deliveries} deliveries, {model.n_suppliers} suppliers; {args.draws} draws (seed {args.seed}); "
        f"as of {date.fromordinal(AS_OF)}"
    )
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; {os.cpu_count()} cores, {args.threads} thread(s)")
    print(
        f"program go-live: deterministic {det.project_go_live}; Monte Carlo P50 {risk.p50}, P80 {risk.p80}, "
        f"P90 {risk.p90}; P(later than plan {risk.planned_go_live}) {risk.prob_late:.2f}"
    )
    for d in risk.supplier_drivers[:3]:
        print(f"  driver: supplier {d.key} sets the date in {d.criticality:.0%} of draws, adds {d.p80_days} d to P80")
    print()
    print(f"{'computation':<34}{'runs':>6}{'best ms':>10}{'median ms':>11}{'median CPU ms':>15}{'CPU/wall':>10}")
    for name, (wall, cpu) in (("deterministic forecast", fc), (f"Monte Carlo, {args.draws} draws + tornado", mc)):
        wall_ms, cpu_ms = statistics.median(wall) * 1e3, statistics.median(cpu) * 1e3
        best = min(wall) * 1e3
        print(f"{name:<34}{len(wall):>6}{best:>10.1f}{wall_ms:>11.1f}{cpu_ms:>15.1f}{cpu_ms / wall_ms:>10.2f}")
    ratio = statistics.median(mc[0]) / statistics.median(fc[0])
    cpu_ratio = statistics.median(mc[1]) / statistics.median(fc[1])
    print(f"ratio Monte Carlo / deterministic: {ratio:.0f}x wall clock (median), {cpu_ratio:.0f}x CPU")
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)}")  # fmt: skip
    print(f"budget 2 s (median wall clock): {'met' if statistics.median(mc[0]) < 2.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
