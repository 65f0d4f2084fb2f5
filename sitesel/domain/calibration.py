"""Time to power against what real campuses did: Epoch AI's frontier data-center timelines.

Epoch dates each campus from its construction start (land clearing, or the first works on a retrofit) and
records its power at dated observations. From those rows this module derives, per campus, the months from
ground-breaking to first power, to 100 MW and to the largest size observed, and compares them with the
model's P10/P50/P90 for a campus of the same size at the same place (its measured site inputs).

Honest limits, also printed by bench/calibrate_economics.py:
- Epoch gives no decision or interconnection-request dates, so the phases before ground-breaking (site
  control, interconnection study) cannot be checked against it; only what follows ground-breaking can.
- Rows dated after the file's snapshot are Epoch's projections, not observations: they are kept apart.
- Campuses that began as retrofits of powered buildings (Epoch's first status says so) are not greenfield
  builds and are reported separately.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import numpy as np

from sitesel.domain.economics import schedule_inputs
from sitesel.domain.parameters import EconomicsParameters
from sitesel.domain.time_to_power import ScheduleInputs, months_to_mw
from sitesel.domain.types import TEXT_INPUT_FIELDS, SiteInputs, SiteInputsArrays

DAYS_PER_MONTH = 365.25 / 12.0
MILESTONES: tuple[str, ...] = ("first power", "100 MW", "largest observed")
# The Epoch files were taken from a repository commit of 2026-08-03 (fixtures/layers/SOURCES.md): later rows
# are Epoch's projections, not observations.
EPOCH_SNAPSHOT = date(2026, 8, 3)

# What the model must meet (bench/calibrate_economics.py prints each; tests/domain/test_calibration.py holds it).
TARGET_MEDIAN_ABS_ERROR = 0.35  # of the P50 against observed months, on the calibration set
TARGET_COVERAGE = 0.70  # share of observations inside the model's P10-P90
ONE_GW_BAND_USD = (50e9, 80e9)  # NVIDIA ~$50 B/GW (livemint 2025-09-01) to ~$80 B/GW (Huang, Computex 2026)
GPUS_PER_GW_BAND = (430_000, 550_000)
FACILITY_RATIO_BAND = (1.1, 1.5)  # 50 MW : 1 GW per MW, facility only, at a well-served site

# The well-served site of the ratio check: lines and a substation within a few km, a large labour market,
# transfer capability, a PoP and a gas pipeline nearby.
WELL_SERVED_SITE = SiteInputs(
    distance_hv_230_km=2.0,
    distance_hv_345_km=4.0,
    distance_hv_500_km=6.0,
    distance_substation_km=3.0,
    county_labor_force=400_000,
    county_unemployment_rate_pct=4.0,
    county_transfer_capacity_mw=10_000,
    generation_capacity_50km_mw=8_000,
    state_industrial_price_cents_kwh=7.5,
    iso_region="PJM",
    state="VA",
    distance_network_pop_km=5.0,
    distance_gas_pipeline_km=8.0,
    state_industrial_gas_price_usd_per_mcf=4.0,
    county_queue_active_mw=2_000.0,
)
# The fixture sites every check runs at: a well-served one, a remote one with a small labour pool, a western
# one known only through plant voltages, and one with no data at all (every conservative stand-in).
FIXTURE_SITES: dict[str, SiteInputs] = {
    "well served (PJM)": WELL_SERVED_SITE,
    "remote (SPP)": SiteInputs(
        distance_hv_230_km=40.0,
        distance_hv_345_km=90.0,
        distance_hv_500_km=200.0,
        county_labor_force=3_000,
        county_transfer_capacity_mw=200,
        iso_region="SPP",
        state="KS",
    ),
    "western, plant-voltage fallback": SiteInputs(
        plant_grid_voltage_kv_max_50km=500, county_labor_force=50_000, iso_region="non-ISO", state="NV"
    ),
    "no data at all": SiteInputs(),
}
# Words in Epoch's statuses before first power that mark a conversion of existing powered buildings (a former
# factory, office or crypto mine), not a greenfield build.
RETROFIT_WORDS: tuple[str, ...] = ("retrofit", "conversion", "converting", "former ", "formerly", "crypto mining")


@dataclass(frozen=True)
class TimelineRow:
    campus: str
    day: date
    power_mw: float  # facility power (Epoch's "Power (MW)")
    status: str


@dataclass(frozen=True)
class ObservedCampus:
    name: str
    start: date
    retrofit: bool
    months: dict[str, float]  # milestone -> months from ground-breaking (observed rows only)
    largest_mw: float
    projected_largest_mw: float  # Epoch's projection at its last row, for context

    @property
    def held_out(self) -> bool:
        """Campuses that broke ground in 2024 or later check the calibration; earlier ones set it."""
        return self.start >= date(2024, 1, 1)


def _months(a: date, b: date) -> float:
    return (b - a).days / DAYS_PER_MONTH


def observed_campuses(rows: Iterable[TimelineRow], snapshot: date) -> list[ObservedCampus]:
    """Campuses whose first row is a construction start (0 MW) and that reached power by the snapshot."""
    by_campus: dict[str, list[TimelineRow]] = {}
    for row in rows:
        by_campus.setdefault(row.campus, []).append(row)
    out: list[ObservedCampus] = []
    for name, campus_rows in sorted(by_campus.items()):
        campus_rows.sort(key=lambda r: r.day)
        first = campus_rows[0]
        seen = [r for r in campus_rows if r.day <= snapshot]
        powered = [r for r in seen if r.power_mw > 0]
        if first.power_mw != 0 or not powered:
            continue
        largest = max(r.power_mw for r in powered)
        months = {
            "first power": _months(first.day, powered[0].day),
            "largest observed": _months(first.day, next(r.day for r in powered if r.power_mw >= largest)),
        }
        hundred = [r for r in powered if r.power_mw >= 100.0]
        if hundred:
            months["100 MW"] = _months(first.day, hundred[0].day)
        out.append(
            ObservedCampus(
                name=name,
                start=first.day,
                retrofit=any(
                    word in r.status.lower() for r in campus_rows if r.day < powered[0].day for word in RETROFIT_WORDS
                ),
                months=months,
                largest_mw=largest,
                projected_largest_mw=max(r.power_mw for r in campus_rows),
            )
        )
    return out


@dataclass(frozen=True)
class MilestoneBand:
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray


def model_milestones(
    campuses: list[ObservedCampus],
    schedule_inputs: ScheduleInputs,
    params: EconomicsParameters,
    seed: int = 0,
    draws: int = 500,
) -> dict[str, MilestoneBand]:
    """The model's months from ground-breaking to each milestone (schedule_inputs row i describes campus i,
    at the size Epoch expects it to reach: a campus still ramping at the snapshot is compared on its way)."""
    targets = {
        "first power": np.full(len(campuses), params.block_mw),
        "100 MW": np.full(len(campuses), 100.0),
        "largest observed": np.array([c.largest_mw for c in campuses]),
    }
    return {
        name: MilestoneBand(*months_to_mw(schedule_inputs, mw, params, seed, draws)) for name, mw in targets.items()
    }


@dataclass(frozen=True)
class Fit:
    milestone: str
    n: int
    observed_median: float
    model_median: float
    median_abs_pct_error: float
    p10_p90_coverage: float

    @property
    def meets_targets(self) -> bool:
        return self.median_abs_pct_error <= TARGET_MEDIAN_ABS_ERROR and self.p10_p90_coverage >= TARGET_COVERAGE


def fit(milestone: str, observed: np.ndarray, band: MilestoneBand, keep: np.ndarray) -> Fit:
    """Median absolute % error of the model's P50 and the share of observations inside its P10-P90."""
    keep = keep & ~np.isnan(observed)
    obs = observed[keep]
    if obs.size == 0:
        return Fit(milestone, 0, math.nan, math.nan, math.nan, math.nan)
    p10, p50, p90 = band.p10[keep], band.p50[keep], band.p90[keep]
    return Fit(
        milestone=milestone,
        n=int(obs.size),
        observed_median=float(np.median(obs)),
        model_median=float(np.median(p50)),
        median_abs_pct_error=float(np.median(np.abs(p50 - obs) / obs)),
        p10_p90_coverage=float(np.mean((obs >= p10) & (obs <= p90))),
    )


def observed_months(campuses: list[ObservedCampus], milestone: str) -> np.ndarray:
    return np.array([c.months.get(milestone, math.nan) for c in campuses])


def read_timelines(path: Path) -> list[TimelineRow]:
    """Epoch AI's data_center_timelines.csv as rows (facility power in 'Power (MW)')."""
    with path.open(encoding="utf-8") as handle:
        return [
            TimelineRow(
                campus=row["Data center"],
                day=date.fromisoformat(row["Date"]),
                power_mw=float(row["Power (MW)"] or 0.0),
                status=row["Construction status"],
            )
            for row in csv.DictReader(handle)
        ]


def read_site_inputs(path: Path) -> dict[str, SiteInputs]:
    """Campus name -> measured site inputs, as written by `manage.py calibration_inputs`."""
    numeric = {f.name for f in fields(SiteInputs)} - set(TEXT_INPUT_FIELDS)
    out: dict[str, SiteInputs] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = {
                name: (float(row[name]) if name in numeric else row[name]) if row.get(name) else None
                for name in (f.name for f in fields(SiteInputs))
            }
            out[row["name"]] = SiteInputs(**values)
    return out


CALIBRATION_SET = "calibration (broke ground before 2024)"
HELD_OUT_SET = "held out (broke ground 2024 or later)"
RETROFIT_SET = "retrofits of powered buildings (not modelled)"


def load_campuses(timelines: Path, site_inputs: Path) -> tuple[list[ObservedCampus], SiteInputsArrays]:
    """The observed campuses that have measured site inputs, with those inputs in the same order."""
    inputs = read_site_inputs(site_inputs)
    campuses = [c for c in observed_campuses(read_timelines(timelines), EPOCH_SNAPSHOT) if c.name in inputs]
    return campuses, SiteInputsArrays.from_sites([inputs[c.name] for c in campuses])


def time_fits(
    campuses: list[ObservedCampus], x: SiteInputsArrays, params: EconomicsParameters, seed: int = 0, draws: int = 500
) -> tuple[dict[str, list[Fit]], dict[str, MilestoneBand]]:
    """Fits per set (calibration, held out, retrofits) and milestone, and the model's bands per campus. Each
    campus is modelled at the size Epoch expects it to reach."""
    capacity = np.array([c.projected_largest_mw for c in campuses])
    bands = model_milestones(campuses, schedule_inputs(x, capacity, params, seed, draws), params, seed, draws)
    sets = {
        CALIBRATION_SET: np.array([not c.held_out and not c.retrofit for c in campuses]),
        HELD_OUT_SET: np.array([c.held_out and not c.retrofit for c in campuses]),
        RETROFIT_SET: np.array([c.retrofit for c in campuses]),
    }
    fits = {
        name: [fit(m, observed_months(campuses, m), bands[m], keep) for m in MILESTONES] for name, keep in sets.items()
    }
    return fits, bands
