"""Calibrate the build-economics model against Epoch AI's Frontier Data Centers capex figures.

Run from the repository root:

    .venv/bin/python bench/calibrate_economics.py [--csv PATH] [--timelines PATH] [--seed N]

For every Epoch site with both a power and a total capital cost, the model's all-in capex is computed
for the same IT power with default site inputs (every site field missing, so the conservative
defaults apply). Epoch's "Current power (MW)" is IT power (it equals the timeline's "IT power (MW)"
on the matching row), so the model is run at facility MW = IT MW x PUE. The script also prints the
1 GW all-in capex and checks it against the published $50-80 B range, a sensitivity run with an
Epoch-leaning parameter set, and the time for a 100k-site bulk run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitesel.domain.economics import compute_economics, compute_economics_arrays, scale_comparison  # noqa: E402
from sitesel.domain.parameters import (  # noqa: E402
    DEFAULT_PARAMETERS,
    EconomicsParameters,
    parameters_with_overrides,
)
from sitesel.domain.types import SiteInputs, SiteInputsArrays  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "fixtures" / "layers" / "interconnect"
PUBLISHED_1GW_RANGE_USD = (50e9, 80e9)  # NVIDIA ~$50 B/GW (livemint 2025-09-01); talk ~$70 B/GW
EPOCH_LEANING = {"facility_scope_uplift_frac": 0.0, "it_capex_usd_per_gpu": 63_600.0}

COL_POWER = "Current power (MW)"
COL_COST = "Current total capital cost (2025 USD billions)"


def load_epoch(csv: Path, timelines: Path) -> pd.DataFrame:
    df = pd.read_csv(csv)
    df = df[(df[COL_POWER] > 0) & (df[COL_COST] > 0)].copy()
    df = df.rename(columns={COL_POWER: "it_mw", COL_COST: "epoch_capex_busd"})
    # Facility power from the timeline row that carries the same capital cost (Epoch's own PUE).
    tl = pd.read_csv(timelines)
    tl = tl.rename(columns={"Data center": "Name", "Total capital cost (2025 USD billions)": "tl_cost"})
    cols = [
        "Name",
        "tl_cost",
        "Power (MW)",
        "IT power (MW)",
        "Compute cost (2025 USD billions)",
        "Construction cost (2025 USD billions)",
    ]
    merged = df.merge(tl[cols], on="Name", how="left")
    merged = merged[(merged["tl_cost"] - merged["epoch_capex_busd"]).abs() < 1e-6]
    merged = merged.drop_duplicates("Name").set_index("Name")
    df = df.set_index("Name")
    df["epoch_facility_mw"] = merged["Power (MW)"]
    df["timeline_it_mw"] = merged["IT power (MW)"]
    df["epoch_compute_busd"] = merged["Compute cost (2025 USD billions)"]
    df["epoch_construction_busd"] = merged["Construction cost (2025 USD billions)"]
    return df.reset_index()


def model_capex_usd(capacity_mw: np.ndarray, params: EconomicsParameters, seed: int) -> dict[str, np.ndarray]:
    n = capacity_mw.shape[0]
    sites = SiteInputsArrays.from_columns({}, n_sites=n)  # default site inputs: every field missing
    return compute_economics_arrays(sites, capacity_mw, params, seed)


def error_summary(label: str, model_usd: np.ndarray, epoch_usd: np.ndarray) -> None:
    err = (model_usd - epoch_usd) / epoch_usd * 100.0
    print(
        f"{label}: n={err.size}  median |error| {np.median(np.abs(err)):.1f} %  "
        f"median signed error {np.median(err):+.1f} %  (min {err.min():+.1f} %, max {err.max():+.1f} %)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DATA / "epoch_ai_frontier_datacenters.csv")
    ap.add_argument("--timelines", type=Path, default=DATA / "epoch_ai_frontier_datacenter_timelines.csv")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    p = DEFAULT_PARAMETERS

    df = load_epoch(args.csv, args.timelines)
    it_check = (df["timeline_it_mw"] - df["it_mw"]).abs().max()
    print(f"Epoch sites with power and capex: {len(df)}; max |Current power - timeline IT power| = {it_check:g} MW")
    per_gw = df["epoch_capex_busd"] / df["it_mw"] * 1000
    print(f"Epoch capex per GW of IT power: min {per_gw.min():.2f}, max {per_gw.max():.2f} $B (one flat ratio)")
    it_gw = df["it_mw"].sum() / 1000
    kw_per_gpu = p.rack_power_kw / p.gpus_per_rack
    compute_per_gpu = df["epoch_compute_busd"].sum() * 1e9 / (it_gw * 1e6 / kw_per_gpu)
    print(
        f"  split: compute ${df['epoch_compute_busd'].sum() / it_gw:.1f} B, construction "
        f"${df['epoch_construction_busd'].sum() / it_gw:.1f} B per IT GW; compute per GPU slot at the "
        f"model's {kw_per_gpu:.2f} kW/GPU = ${compute_per_gpu:,.0f}\n"
    )

    facility_mw = df["it_mw"].to_numpy() * p.pue
    res = model_capex_usd(facility_mw, p, args.seed)
    df["model_capex_busd"] = res["total_capex_usd"] / 1e9
    df["err_pct"] = (df["model_capex_busd"] / df["epoch_capex_busd"] - 1) * 100
    df = df.sort_values("it_mw", ascending=False)
    print(f"{'site':34s} {'IT MW':>7s} {'fac MW':>7s} {'Epoch $B':>9s} {'model $B':>9s} {'error':>7s}")
    for row in df.itertuples():
        print(
            f"{row.Name[:34]:34s} {row.it_mw:7.0f} {row.it_mw * p.pue:7.0f} {row.epoch_capex_busd:9.2f} "
            f"{row.model_capex_busd:9.2f} {row.err_pct:+6.1f}%"
        )
    print()
    error_summary(
        "Defaults, facility = IT x model PUE",
        df["model_capex_busd"].to_numpy() * 1e9,
        df["epoch_capex_busd"].to_numpy() * 1e9,
    )
    for lo, hi in ((0, 100), (100, 300), (300, 10_000)):
        sel = ((df["it_mw"] >= lo) & (df["it_mw"] < hi)).to_numpy()
        error_summary(
            f"  IT {lo}-{hi} MW",
            df["model_capex_busd"].to_numpy()[sel] * 1e9,
            df["epoch_capex_busd"].to_numpy()[sel] * 1e9,
        )
    has_fac = df["epoch_facility_mw"].notna().to_numpy()
    res_fac = model_capex_usd(df["epoch_facility_mw"].to_numpy()[has_fac], p, args.seed)
    error_summary(
        "Defaults, facility = Epoch facility power",
        res_fac["total_capex_usd"],
        df["epoch_capex_busd"].to_numpy()[has_fac] * 1e9,
    )

    one_gw = compute_economics(SiteInputs(), 1000.0, p, args.seed)
    lo_b, hi_b = PUBLISHED_1GW_RANGE_USD
    verdict = "PASS" if lo_b <= one_gw.total_capex_usd <= hi_b else "FAIL"
    print(
        f"\n1 GW all-in capex (default site inputs): ${one_gw.total_capex_usd / 1e9:.2f} B -> {verdict} "
        f"(published ${lo_b / 1e9:.0f}-{hi_b / 1e9:.0f} B)"
    )
    print(
        f"  of which IT ${one_gw.it_equipment_capex_usd / 1e9:.2f} B, GPUs {one_gw.gpus:,.0f}, "
        f"facility share {1 - one_gw.it_equipment_capex_usd / one_gw.total_capex_usd:.1%}"
    )
    it_gw = one_gw.it_mw / 1000
    print(
        f"  per IT GW: IT ${one_gw.it_equipment_capex_usd / it_gw / 1e9:.1f} B, "
        f"everything else ${(one_gw.total_capex_usd - one_gw.it_equipment_capex_usd) / it_gw / 1e9:.1f} B"
    )
    sc = scale_comparison(SiteInputs(), params=p, seed=args.seed)
    print(
        f"Scale (default site): 50 MW ${sc.small_capex_per_mw_usd / 1e6:.2f} M/MW vs 1 GW "
        f"${sc.large_capex_per_mw_usd / 1e6:.2f} M/MW, ratio {sc.ratio:.3f}; "
        f"excl. IT ratio {sc.build_ratio:.3f}"
    )

    lean = parameters_with_overrides(EPOCH_LEANING)
    res_lean = model_capex_usd(df["it_mw"].to_numpy() * lean.pue, lean, args.seed)
    print(f"\nSensitivity, Epoch-leaning overrides {EPOCH_LEANING}:")
    error_summary("  vs Epoch", res_lean["total_capex_usd"], df["epoch_capex_busd"].to_numpy() * 1e9)
    lean_gw = compute_economics(SiteInputs(), 1000.0, lean, args.seed).total_capex_usd
    print(f"  1 GW all-in ${lean_gw / 1e9:.2f} B -> {'PASS' if lo_b <= lean_gw <= hi_b else 'FAIL'}")

    n = 100_000
    rng = np.random.default_rng(args.seed)
    bulk = SiteInputsArrays.from_columns(
        {
            "distance_hv_230_km": rng.uniform(0, 80, n),
            "distance_hv_345_km": rng.uniform(0, 150, n),
            "county_labor_force": rng.lognormal(9.5, 1.3, n),
            "county_transfer_capacity_mw": rng.lognormal(6.6, 1.5, n),
            "iso_region": rng.choice(np.array(["PJM", "ERCOT", "MISO", "SPP", "CAISO", "non-ISO", ""]), n),
        }
    )
    t0 = time.perf_counter()
    compute_economics_arrays(bulk, 1000.0, p, args.seed)
    print(f"\nBulk run: {n:,} synthetic sites x 500 draws in {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
