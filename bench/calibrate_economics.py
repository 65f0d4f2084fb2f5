"""Calibrate and check the build-economics model against what real campuses did.

Run from the repository root:

    .venv/bin/python bench/calibrate_economics.py [--seed N] [--draws N] [--fit] [--campuses]

Prints, with the targets each must meet:
1. time from ground-breaking to first power, to 100 MW and to the largest size observed, for every Epoch AI
   US greenfield campus with a timeline: the model's P50 against the observed months, the median absolute
   error and the share of observations inside the model's P10-P90. Campuses that broke ground before 2024
   set the calibration; later ones are a held-out check, printed apart. `--fit` re-runs the grid search
   that chose the construction and ramp parameters (on the pre-2024 campuses only).
2. 1 GW all-in capex at every fixture site (the four test sites and the measured Epoch campuses), within
   $50-80 B, and GPUs per facility GW, within 430-550 k.
3. at a well-served site: the facility-only, all-in and time-adjusted 50 MW : 1 GW ratios, their waterfall,
   and a sensitivity table (each swept parameter at its low and high).
4. capex against Epoch's per-campus figures (a level check: Epoch's capex is proportional to IT MW).
5. the time for a 100,000-site bulk run.
Site inputs of the Epoch campuses are measured by `manage.py calibration_inputs` from the shipped layers.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitesel.domain.calibration import (  # noqa: E402
    CALIBRATION_SET,
    EPOCH_SNAPSHOT,
    FACILITY_RATIO_BAND,
    FIXTURE_SITES,
    GPUS_PER_GW_BAND,
    HELD_OUT_SET,
    MILESTONES,
    ONE_GW_BAND_USD,
    TARGET_COVERAGE,
    TARGET_MEDIAN_ABS_ERROR,
    WELL_SERVED_SITE,
    load_campuses,
    time_fits,
)
from sitesel.domain.economics import compute_economics, compute_economics_arrays  # noqa: E402
from sitesel.domain.parameters import (  # noqa: E402
    DEFAULT_PARAMETERS,
    parameter_specs,
    parameters_with_overrides,
)
from sitesel.domain.scale import scale_comparison  # noqa: E402
from sitesel.domain.types import SiteInputsArrays  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EPOCH = ROOT / "fixtures" / "layers" / "interconnect"
CAMPUS_INPUTS = ROOT / "fixtures" / "calibration" / "epoch_us_campus_inputs.csv"
WELL_SERVED = WELL_SERVED_SITE
# The grid the calibration searched jointly (on pre-2024 campuses).
FIT_GRID = {
    "first_block_months_low": (10.0, 12.0),
    "first_block_months_mode": (16.0, 18.0, 20.0, 22.0),
    "first_block_months_high": (48.0, 60.0, 72.0),
    "ramp_months_low": (2.0, 6.0),
    "ramp_months_mode": (10.0, 14.0, 20.0, 26.0),
    "ramp_months_high": (40.0, 60.0),
    "ramp_size_exponent": (0.5, 0.75, 1.0),
}


def print_time(campuses, x, p, seed, draws, show_campuses: bool) -> None:
    print("1. Time from ground-breaking, model vs Epoch AI timelines (observed rows up to", EPOCH_SNAPSHOT, ")")
    fits, bands = time_fits(campuses, x, p, seed, draws)
    print(f"   targets on the calibration set: median |error| <= {TARGET_MEDIAN_ABS_ERROR:.0%}, P10-P90 coverage >= "
          f"{TARGET_COVERAGE:.0%}")  # fmt: skip
    print(f"   {'set':46s} {'milestone':17s} {'n':>3s} {'obs P50':>8s} {'model P50':>9s} {'|err|':>6s} {'cover':>6s}")
    for name, rows in fits.items():
        for f in rows:
            print(
                f"   {name:46s} {f.milestone:17s} {f.n:3d} {f.observed_median:8.1f} {f.model_median:9.1f} "
                f"{f.median_abs_pct_error:6.0%} {f.p10_p90_coverage:6.0%}"
            )
    met = all(f.meets_targets for f in fits[CALIBRATION_SET])
    print(f"   calibration set meets the targets: {'PASS' if met else 'FAIL'}")
    if show_campuses:
        print(
            f"\n   {'campus':32s} {'start':10s} {'MW seen':>7s} {'planned':>7s}  months: observed [model P10/P50/P90]"
        )
        for i, c in enumerate(campuses):
            cells = " ".join(
                f"{c.months.get(m, float('nan')):5.1f} "
                f"[{bands[m].p10[i]:3.0f}/{bands[m].p50[i]:3.0f}/{bands[m].p90[i]:3.0f}]"
                for m in MILESTONES
            )
            flag = "retrofit" if c.retrofit else ("held out" if c.held_out else "")
            print(f"   {c.name[:32]:32s} {c.start} {c.largest_mw:7.0f} {c.projected_largest_mw:7.0f}  {cells} {flag}")


# A faster search space for the 2024+ campuses: the 'frontier pace' scenario, fitted in sample.
FRONTIER_GRID = {
    "first_block_months_low": (6.0, 8.0, 10.0),
    "first_block_months_mode": (10.0, 12.0, 14.0, 16.0),
    "first_block_months_high": (36.0, 48.0, 60.0),
    "ramp_months_low": (2.0, 4.0),
    "ramp_months_mode": (6.0, 8.0, 10.0, 14.0),
    "ramp_months_high": (20.0, 30.0, 40.0),
    "ramp_size_exponent": (0.25, 0.5, 0.75),
}


def fit_search(campuses, x, seed: int, draws: int, grid=FIT_GRID, on: str = CALIBRATION_SET) -> dict[str, float]:
    """Joint grid search on one set of campuses. Among the candidates that meet both targets on every
    milestone it keeps the smallest mean error (ties to the wider coverage)."""
    best = None
    for values in itertools.product(*grid.values()):
        overrides = dict(zip(grid, values, strict=True))
        try:
            p = parameters_with_overrides(overrides)
        except Exception:  # a low/mode/high triple out of order: not a candidate
            continue
        rows = time_fits(campuses, x, p, seed, draws)[0][on]
        key = (
            all(f.meets_targets for f in rows),
            -round(float(np.mean([f.median_abs_pct_error for f in rows])), 3),
            round(min(f.p10_p90_coverage for f in rows), 2),
        )
        if best is None or key > best[0]:
            best = (key, overrides)
    (met, error, coverage), chosen = best
    print(f"   {chosen}\n   targets met: {met}, mean error {-error:.0%}, smallest coverage {coverage:.0%}")
    return chosen


def print_capex(campuses, x, p, seed, draws) -> None:
    print("\n2. 1 GW all-in capex and GPUs per GW at every fixture site")
    lo, hi = ONE_GW_BAND_USD
    totals = {}
    for name, site in FIXTURE_SITES.items():
        totals[name] = compute_economics(site, 1000.0, p, seed, draws).total_capex_usd
    campus = compute_economics_arrays(x, 1000.0, p, seed, draws)["total_capex_usd"]
    for name, usd in totals.items():
        print(f"   {name:34s} ${usd / 1e9:6.2f} B  {'PASS' if lo <= usd <= hi else 'FAIL'}")
    inside = (campus >= lo) & (campus <= hi)
    print(
        f"   {len(campuses)} Epoch campus sites (measured)     ${campus.min() / 1e9:.2f}-{campus.max() / 1e9:.2f} B; "
        f"{inside.sum()} of {inside.size} inside ${lo / 1e9:.0f}-{hi / 1e9:.0f} B  "
        f"{'PASS' if inside.all() else 'FAIL'}"
    )
    gpus = compute_economics(WELL_SERVED, 1000.0, p, seed, draws).gpus
    g_lo, g_hi = GPUS_PER_GW_BAND
    print(f"   GPUs per facility GW: {gpus:,.0f}  {'PASS' if g_lo <= gpus <= g_hi else 'FAIL'} "
          f"({g_lo:,}-{g_hi:,})")  # fmt: skip


def print_scale(p, seed, draws) -> None:
    print("\n3. 50 MW : 1 GW per MW at a well-served site (PJM, lines 2-6 km, gas 8 km)")
    c = scale_comparison(WELL_SERVED, params=p, seed=seed, draws=draws)
    for r in (c.facility, c.all_in, c.time_adjusted):
        print(f"   {r.name:28s} ${r.small_usd_per_mw / 1e6:6.2f} M/MW vs ${r.large_usd_per_mw / 1e6:6.2f} M/MW "
              f"-> ratio {r.ratio:.3f}")  # fmt: skip
    lo, hi = FACILITY_RATIO_BAND
    print(f"   facility-only ratio within {lo}-{hi}: {'PASS' if lo <= c.facility.ratio <= hi else 'FAIL'}")
    print(f"   cost of delay: ${c.cost_of_delay_usd_per_mw_month / 1e6:.2f} M per MW-month (model), "
          f"${c.large.cost_of_delay_rental_usd_per_mw_month / 1e6:.2f} M at GPU rental prices")  # fmt: skip
    print(f"   time to compute (capacity-weighted go-live, P50): 50 MW {c.small.time_to_compute_months_p50:.0f} "
          f"months, 1 GW {c.large.time_to_compute_months_p50:.0f} months from the decision")  # fmt: skip
    print("\n   waterfall of the time-adjusted ratio (contribution to ratio - 1)")
    for t in c.time_adjusted.waterfall:
        print(f"   {t.term:52s} {t.small_usd_per_mw / 1e6:7.2f} {t.large_usd_per_mw / 1e6:7.2f}  {t.contribution:+.3f}")
    print("\n   sensitivity: each swept parameter at its low and high (ratios; 1 GW all-in $B)")
    print(f"   {'parameter':40s} {'value':>12s} {'facility':>8s} {'all-in':>7s} {'w/ delay':>8s} {'1 GW $B':>8s}")
    for name, spec in parameter_specs().items():
        if not spec["sweep"]:
            continue
        for value in spec["sweep"]:
            try:
                q = parameters_with_overrides({name: value}, base=p)
            except Exception as exc:  # a sweep end that crosses its low/mode/high neighbour
                print(f"   {name:40s} {value:12,.4g}  (not run: {exc})")
                continue
            s = scale_comparison(WELL_SERVED, params=q, seed=seed, draws=draws)
            print(
                f"   {name:40s} {value:12,.4g} {s.facility.ratio:8.3f} {s.all_in.ratio:7.3f} "
                f"{s.time_adjusted.ratio:8.3f} {s.large.total_capex_usd / 1e9:8.2f}"
            )


def print_epoch_capex(p, seed, draws) -> None:
    import csv

    print("\n4. Capex level against Epoch AI's per-campus figures (Epoch's capex is proportional to IT MW)")
    with (EPOCH / "epoch_ai_frontier_datacenters.csv").open(encoding="utf-8") as handle:
        rows = [
            (r["Name"], float(r["Current power (MW)"]), float(r["Current total capital cost (2025 USD billions)"]))
            for r in csv.DictReader(handle)
            if r["Current power (MW)"] and r["Current total capital cost (2025 USD billions)"]
            and float(r["Current power (MW)"]) > 0 and float(r["Current total capital cost (2025 USD billions)"]) > 0
        ]  # fmt: skip
    it_mw = np.array([r[1] for r in rows])
    epoch = np.array([r[2] for r in rows]) * 1e9
    per_gw = epoch / it_mw * 1000
    print(f"   {len(rows)} Epoch campuses with power and capex; Epoch $ per IT GW: {per_gw.min() / 1e9:.2f}-"
          f"{per_gw.max() / 1e9:.2f} B (one flat ratio)")  # fmt: skip
    model = compute_economics_arrays(
        SiteInputsArrays.from_columns({}, n_sites=len(rows)), it_mw * p.pue, p, seed, draws
    )
    err = (model["total_capex_usd"] - epoch) / epoch
    print(f"   model (no site data, facility = IT x PUE): median error {np.median(err):+.0%}, "
          f"median |error| {np.median(np.abs(err)):.0%}")  # fmt: skip
    it_share = np.median(model["it_equipment_capex_usd"] / model["total_capex_usd"])
    print(
        f"   model IT share of capex {it_share:.0%}; Epoch's own split: $26.1 B compute + $11.8 B construction per "
        "IT GW. The level gap is the IT price per GPU (the model follows NVIDIA's $35 B per GW)."
    )


def print_bulk(p, seed) -> None:
    n = 100_000
    rng = np.random.default_rng(seed)
    bulk = SiteInputsArrays.from_columns(
        {
            "distance_hv_230_km": rng.uniform(0, 80, n),
            "distance_hv_345_km": rng.uniform(0, 150, n),
            "county_labor_force": rng.lognormal(9.5, 1.3, n),
            "county_transfer_capacity_mw": rng.lognormal(6.6, 1.5, n),
            "distance_gas_pipeline_km": rng.uniform(0, 120, n),
            "iso_region": rng.choice(np.array(["PJM", "ERCOT", "MISO", "SPP", "CAISO", "non-ISO", ""]), n),
        }
    )
    t0 = time.perf_counter()
    compute_economics_arrays(bulk, 1000.0, p, seed)
    print(f"\n5. Bulk run: {n:,} synthetic sites x 500 draws in {time.perf_counter() - t0:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--draws", type=int, default=500)
    ap.add_argument("--fit", action="store_true", help="re-run the grid search of the time parameters")
    ap.add_argument("--campuses", action="store_true", help="print every campus's observed and modelled months")
    args = ap.parse_args()
    p = DEFAULT_PARAMETERS
    campuses, x = load_campuses(EPOCH / "epoch_ai_frontier_datacenter_timelines.csv", CAMPUS_INPUTS)
    if args.fit:
        print("Fitting the construction and ramp parameters on the pre-2024 campuses:")
        p = parameters_with_overrides(fit_search(campuses, x, args.seed, args.draws))
        print("The same search on the 2024+ campuses, in sample (a 'frontier pace' scenario, not a check):")
        fit_search(campuses, x, args.seed, args.draws, FRONTIER_GRID, HELD_OUT_SET)
        print()
    print_time(campuses, x, p, args.seed, args.draws, args.campuses)
    print_capex(campuses, x, p, args.seed, args.draws)
    print_scale(p, args.seed, args.draws)
    print_epoch_capex(p, args.seed, args.draws)
    print_bulk(p, args.seed)


if __name__ == "__main__":
    main()
