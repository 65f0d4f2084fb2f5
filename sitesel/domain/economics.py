"""Build economics of an AI datacenter at a candidate site: GPUs, capex, opex, cost of delay, time to compute.

One implementation: `compute_economics_arrays` works on N sites at once (NumPy, floats); the scalar
`compute_economics` and `grid_swing_screen` call it with N = 1. The capex components and the mechanism
behind each (learning, per-site development, substation modules, N-1 ties, imported labour, on-site
gas) are in sitesel/domain/capex.py, the phased schedule in sitesel/domain/time_to_power.py, and the
50 MW : 1 GW comparison in sitesel/domain/scale.py. `capacity_mw` is facility power (IT power x PUE)
throughout. Parameters and their sources: sitesel/domain/parameters.py and docs/economics.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sitesel.domain import capex
from sitesel.domain.compute_units import ComputeDefinition, block_count, gpus, it_mw
from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.parameters import DEFAULT_PARAMETERS, EconomicsParameters
from sitesel.domain.time_to_power import (
    DEFAULT_DRAWS,
    ScheduleArrays,
    ScheduleInputs,
    build_months_p50,
    schedule_arrays,
)
from sitesel.domain.types import (
    MISSING_BITS,
    EconomicsResult,
    GridSwingResult,
    SiteInputs,
    SiteInputsArrays,
    missing_inputs_from_mask,
)

MODEL_VERSION = "economics-2026.12"
HOURS_PER_YEAR = 8760.0
HOURS_PER_MONTH = HOURS_PER_YEAR / 12.0
VOLTAGES_KV = capex.VOLTAGES_KV


def _bit(name: str) -> int:
    return 1 << MISSING_BITS.index(name)


def capacity_array(capacity_mw: float | np.ndarray, n: int) -> np.ndarray:
    cap = np.broadcast_to(np.asarray(capacity_mw, dtype=float), (n,)).copy()
    if not np.isfinite(cap).all() or (cap <= 0).any():
        raise InvalidSiteInput("capacity_mw", "must be a positive finite number of facility MW")
    return cap


def capital_recovery_factor(rate: float, years: float) -> float:
    """Share of a capital sum paid each year to repay it over `years` at `rate` (annuity factor)."""
    if rate == 0:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


def _missing_mask(x: SiteInputsArrays, line_missing: np.ndarray, region_known: np.ndarray) -> np.ndarray:
    """Bit i set where MISSING_BITS[i] was missing (or, for iso_region, unrecognised) and defaulted."""
    mask = np.zeros(x.n_sites, dtype=np.int64)
    for i, kv in enumerate(VOLTAGES_KV):
        mask |= np.where(line_missing[i], _bit(f"distance_hv_{kv}_km"), 0)
    for name in MISSING_BITS:
        if name == "iso_region" or name.startswith("distance_hv_"):
            continue
        mask |= np.where(np.isnan(getattr(x, name)), _bit(name), 0)
    return mask | np.where(region_known, 0, _bit("iso_region"))


def upgrade_probability(x: SiteInputsArrays, p: EconomicsParameters) -> np.ndarray:
    """Chance that the tie needs network upgrades: the county's queued generator MW against its transfer
    capability (saturating at 1), times the largest probability; a county with no queue data gets the
    'unknown' probability, one with an empty queue none."""
    queue = x.county_queue_active_mw
    transfer = x.county_transfer_capacity_mw
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.clip(queue / transfer, 0.0, 1.0)
    known = ~np.isnan(queue) & ~np.isnan(transfer) & (transfer > 0)
    return np.where(queue == 0, 0.0, np.where(known, p.upgrade_probability_max * ratio, p.upgrade_probability_unknown))


# --- Grid swing ----------------------------------------------------------------------------------------


def _grid_swing(
    x: SiteInputsArrays, dist_km: dict[int, np.ndarray], it_mw: np.ndarray, p: EconomicsParameters
) -> dict[str, np.ndarray]:
    """Flag sites where a synchronized training swing exceeds what the nearby grid can absorb.

    Two tests, either fails -> flag: (1) the strongest line class within `swing_line_search_km`
    tolerates `swing_tolerance_share_of_line_capacity` of its circuit rating; (2) the swing stays below
    a share of the county's ReEDS transfer capability (or, if missing, of generation within 50 km).
    With neither grid-strength figure the site is flagged as unknown: a screen should not pass blind.
    """
    swing = p.swing_share_of_it_load * it_mw
    radius = p.swing_line_search_km
    line_mw = np.zeros(it_mw.shape)
    line_kv = np.zeros(it_mw.shape)
    line_km = np.full(it_mw.shape, np.nan)
    for kv in VOLTAGES_KV:  # ascending, so the strongest class within the radius wins
        near = dist_km[kv] <= radius
        line_mw = np.where(near, getattr(p, f"line_capacity_mw_{kv}kv"), line_mw)
        line_kv = np.where(near, kv, line_kv)
        line_km = np.where(near, dist_km[kv], line_km)
    line_limit = p.swing_tolerance_share_of_line_capacity * line_mw
    transfer = x.county_transfer_capacity_mw
    gen = x.generation_capacity_50km_mw
    has_transfer = ~np.isnan(transfer)
    has_gen = ~np.isnan(gen)
    area_limit = np.where(
        has_transfer,
        p.swing_max_share_of_transfer_capacity * np.nan_to_num(transfer),
        p.swing_max_share_of_local_generation * np.nan_to_num(gen),
    )
    line_fail = swing > line_limit
    area_unknown = ~has_transfer & ~has_gen
    area_fail = area_unknown | (swing > area_limit)
    no_line_data = np.isnan(x.distance_hv_230_km) & np.isnan(x.distance_hv_345_km) & np.isnan(x.distance_hv_500_km)
    # A reason is text with its figures in whole units: sites whose rounded figures and tests agree read the
    # same, so each distinct one is written once (a national grid chunk has thousands of cells per reason).
    # np.round and "{:.0f}" both round half to even, so the key rounds as the text does.
    shown_km = np.where(line_kv > 0, np.round(line_km), -1.0)  # the distance is shown only with a line
    key = np.column_stack([np.round(swing), line_kv, shown_km, np.round(line_limit), line_fail, no_line_data,
                           has_transfer, area_unknown, np.round(area_limit), area_fail])  # fmt: skip
    _, first, of_site = np.unique(key, axis=0, return_index=True, return_inverse=True)
    distinct = np.empty(len(first), dtype=object)
    for j, i in enumerate(first.tolist()):
        distinct[j] = _swing_reason(
            float(swing[i]),
            float(line_kv[i]),
            float(line_km[i]),
            float(line_limit[i]),
            bool(line_fail[i]),
            bool(no_line_data[i]),
            bool(has_transfer[i]),
            bool(area_unknown[i]),
            float(area_limit[i]),
            bool(area_fail[i]),
            radius,
        )
    return {"flag": line_fail | area_fail, "reason": distinct[of_site.reshape(-1)], "swing_mw": swing}


def _swing_reason(
    swing: float,
    kv: float,
    km: float,
    line_limit: float,
    line_fail: bool,
    no_line_data: bool,
    has_transfer: bool,
    area_unknown: bool,
    area_limit: float,
    area_fail: bool,
    radius: float,
) -> str:
    if kv == 0:
        line = f"no line >= 230 kV within {radius:.0f} km"
        if no_line_data:
            line += " (no line data for this site; stand-in distances used)"
    else:
        verdict = "exceeds" if line_fail else "within"
        line = f"{verdict} the {line_limit:,.0f} MW a {kv:.0f} kV line {km:.0f} km away tolerates"
    if area_unknown:
        area = "grid strength unknown (no county transfer capacity or local generation data)"
    else:
        basis = "county transfer capacity" if has_transfer else "generation within 50 km"
        verdict = "exceeds" if area_fail else "within"
        area = f"{verdict} the {area_limit:,.0f} MW limit from {basis}"
    status = "FLAG" if (line_fail or area_fail) else "ok"
    return f"{status}: {swing:,.0f} MW training swing; {line}; {area}"


# --- Orchestration -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Basis:
    """Everything the model knows about N sites before it schedules them (and decides on a bridge)."""

    cap: np.ndarray
    it: np.ndarray
    gpu: np.ndarray
    blocks: np.ndarray
    dist_km: dict[int, np.ndarray]
    line_missing: np.ndarray
    grid: dict[str, np.ndarray]
    labor: dict[str, np.ndarray]
    build_months: np.ndarray
    fac: dict[str, np.ndarray]
    dev: dict[str, np.ndarray]
    imported: np.ndarray
    land: np.ndarray
    it_equipment: np.ndarray
    price_usd_mwh: np.ndarray
    energy: np.ndarray
    staff: np.ndarray
    bridge: dict[str, np.ndarray]

    @property
    def fixed(self) -> np.ndarray:
        return self.dev["total"] + self.grid["substation"] + self.grid["line"]

    @property
    def grid_build(self) -> np.ndarray:
        return self.fac["facility"] + self.fac["ai_premium"] + self.land + self.grid["transformer"] + self.imported


def _yearly(total: np.ndarray, b: _Basis, p: EconomicsParameters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upkeep, annualised capex and opex per year for a given total capex. IT wears out in years, buildings
    and wires in decades: each is annualised over its own life."""
    non_it = total - b.it_equipment
    upkeep = p.facility_upkeep_frac_per_year * non_it
    annualized = b.it_equipment * capital_recovery_factor(p.discount_rate, p.it_life_years) + non_it * (
        capital_recovery_factor(p.discount_rate, p.facility_life_years)
    )
    return upkeep, annualized, b.energy + b.staff + upkeep


def _basis(
    x: SiteInputsArrays, capacity_mw: float | np.ndarray, p: EconomicsParameters, seed: int, draws: int
) -> _Basis:
    cap = capacity_array(capacity_mw, x.n_sites)
    definition = ComputeDefinition.from_parameters(p)
    blocks = block_count(cap, p.block_mw)
    dist_km, line_missing = capex.line_distances_km(x, p)
    grid = capex.interconnection(dist_km, cap, p)
    labor = capex.labor_pool(x, cap, p)
    build_months = build_months_p50(blocks, labor["stretch_share"], p, seed, draws)
    land_price = np.where(np.isnan(x.land_price_usd_per_acre), p.land_price_usd_per_acre, x.land_price_usd_per_acre)
    gpu = gpus(cap, definition, p.block_mw)
    # Opex: energy at the state's industrial price (facility MW already includes PUE) and a site staff floor;
    # upkeep (maintenance, insurance, property tax) follows the capex in `_yearly`.
    price_cents = np.where(
        np.isnan(x.state_industrial_price_cents_kwh),
        p.default_industrial_price_cents_kwh,
        x.state_industrial_price_cents_kwh,
    )
    return _Basis(
        cap=cap,
        it=it_mw(cap, definition),
        gpu=gpu,
        blocks=blocks,
        dist_km=dist_km,
        line_missing=line_missing,
        grid=grid,
        labor=labor,
        build_months=build_months,
        fac=capex.facility(it_mw(cap, definition), blocks, p),
        dev=capex.development(x, build_months, p),
        imported=capex.imported_labor(labor["shortfall"], build_months, p),
        land=cap * p.land_acres_per_mw * land_price,
        it_equipment=gpu * p.it_capex_usd_per_gpu,
        price_usd_mwh=price_cents * 10.0,
        energy=cap * p.utilization * HOURS_PER_YEAR * price_cents * 10.0,
        staff=(p.ops_staff_fixed_fte + p.ops_staff_fte_per_mw * cap) * p.ops_staff_usd_per_fte_year,
        bridge=capex.bridge_terms(x, cap, price_cents * 10.0, p),
    )


def _cost_of_delay(b: _Basis, p: EconomicsParameters) -> np.ndarray:
    """A month of compute is worth what it costs to own and run a MW for a month: the decision's own figure,
    before any bridge is priced (GPU rental prices cross-check it)."""
    _, annualized, opex = _yearly(b.fixed + b.grid_build + b.it_equipment, b, p)
    return (annualized + opex) / 12.0 / b.cap


def _schedule_inputs(
    x: SiteInputsArrays, b: _Basis, cost_of_delay: np.ndarray, p: EconomicsParameters
) -> ScheduleInputs:
    return ScheduleInputs(
        capacity_mw=b.cap,
        iso_region=x.iso_region,
        labor_stretch_share=b.labor["stretch_share"],
        line_km=b.grid["routed_km"],
        upgrade_probability=upgrade_probability(x, p),
        gas_feasible=b.bridge["feasible"],
        cost_of_delay_usd_per_mw_month=cost_of_delay,
        bridge_fixed_usd=b.bridge["lateral_usd"],
        bridge_usd_per_mw=b.bridge["net_generation_usd_per_mw"],
        bridge_fuel_premium_usd_per_mwh=b.bridge["fuel_premium_usd_per_mwh"],
    )


def schedule_inputs(
    inputs: SiteInputsArrays,
    capacity_mw: float | np.ndarray,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> ScheduleInputs:
    """What the phased schedule needs for N sites, with the cost of delay and the bridge terms priced."""
    b = _basis(inputs, capacity_mw, params, seed, draws)
    return _schedule_inputs(inputs, b, _cost_of_delay(b, params), params)


def compute_economics_arrays(
    inputs: SiteInputsArrays,
    capacity_mw: float | np.ndarray,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
    line_km_step: float | None = None,
) -> dict[str, np.ndarray]:
    """Economics for N sites at one capacity each (scalar or length-N array of facility MW).

    Returns a dict of length-N arrays keyed like `EconomicsResult` fields, plus
    `missing_inputs_mask` (bit i = MISSING_BITS[i] was missing and defaulted). `line_km_step`: see
    `schedule_arrays` (the national screen's schedule resolution).
    """
    p = params
    x = inputs
    b = _basis(x, capacity_mw, p, seed, draws)
    cost_of_delay = _cost_of_delay(b, p)
    schedule = schedule_arrays(_schedule_inputs(x, b, cost_of_delay, p), p, seed, draws, line_km_step)
    plan = schedule.bridge
    bridge = plan.mw * b.bridge["net_generation_usd_per_mw"]
    lateral = np.where(plan.used, b.bridge["lateral_usd"], 0.0)
    fixed = b.fixed + lateral
    variable = b.grid_build + b.it_equipment + bridge
    total = fixed + variable
    upkeep, annualized, opex = _yearly(total, b, p)
    cap = b.cap
    gpu_hours = b.gpu * HOURS_PER_YEAR * p.utilization
    usd_per_gpu_hour = np.divide(annualized + opex, gpu_hours, out=np.full(x.n_sites, np.nan), where=gpu_hours > 0)
    swing = _grid_swing(x, b.dist_km, b.it, p)
    stretch = b.labor["stretch_share"]
    return {
        "capacity_mw": cap,
        "it_mw": b.it,
        "gpus": b.gpu,
        "blocks": b.blocks,
        "facility_capex_usd": b.fac["facility"],
        "ai_premium_capex_usd": b.fac["ai_premium"],
        "learning_adjustment_usd": b.fac["learning_adjustment"],
        "development_capex_usd": b.dev["total"],
        "it_equipment_capex_usd": b.it_equipment,
        "land_capex_usd": b.land,
        "substation_capex_usd": b.grid["substation"],
        "transformer_capex_usd": b.grid["transformer"],
        "line_capex_usd": b.grid["line"],
        "labor_mobilization_capex_usd": b.imported,
        "bridge_power_capex_usd": bridge,
        "gas_lateral_capex_usd": lateral,
        "total_capex_usd": total,
        "capex_per_mw_usd": total / cap,
        "build_capex_per_mw_usd": (total - b.it_equipment) / cap,
        "fixed_capex_usd": fixed,
        "variable_capex_usd": variable,
        "interconnect_voltage_kv": b.grid["kv"],
        "interconnect_circuits": b.grid["circuits"],
        "interconnect_distance_km": b.grid["km"],
        "substation_modules": b.grid["substation_modules"],
        "power_price_usd_per_mwh": b.price_usd_mwh,
        "energy_opex_usd_per_year": b.energy,
        "staff_opex_usd_per_year": b.staff,
        "upkeep_opex_usd_per_year": upkeep,
        "opex_usd_per_year": opex,
        "opex_usd_per_mw_year": opex / cap,
        "annualized_capex_usd_per_year": annualized,
        "usd_per_gpu_hour": usd_per_gpu_hour,
        "cost_of_delay_usd_per_mw_month": cost_of_delay,
        "cost_of_delay_rental_usd_per_mw_month": b.gpu
        / cap
        * HOURS_PER_MONTH
        * p.utilization
        * p.gpu_rental_usd_per_hour,
        **_schedule_fields(schedule),
        "gas_lateral_km": b.bridge["lateral_km"],
        "gas_feasible": b.bridge["feasible"],
        "grid_swing_flag": swing["flag"],
        "grid_swing_reason": swing["reason"],
        "grid_swing_mw": swing["swing_mw"],
        "labor_peak_workers": b.labor["peak"],
        "labor_local_pool_workers": b.labor["pool"],
        "labor_shortfall_workers": b.labor["shortfall"],
        "schedule_stretch_months": b.build_months - b.build_months / (1.0 + stretch),
        "missing_inputs_mask": _missing_mask(x, b.line_missing, schedule.region_known),
    }


def _schedule_fields(s: ScheduleArrays) -> dict[str, np.ndarray]:
    return {
        "time_to_first_power_months_p10": s.first_power_p10,
        "time_to_first_power_months_p50": s.first_power_p50,
        "time_to_first_power_months_p90": s.first_power_p90,
        "time_to_power_months_p10": s.full_power_p10,
        "time_to_power_months_p50": s.full_power_p50,
        "time_to_power_months_p90": s.full_power_p90,
        "time_to_compute_months_p50": s.time_to_compute_p50,
        "construction_start_months_p50": s.construction_start_p50,
        "first_power_from_construction_start_months_p50": s.first_power_from_start_p50,
        "site_control_months_p50": s.site_control_p50,
        "interconnection_study_months_p50": s.study_p50,
        "grid_energised_months_p50": s.grid_p50,
        "first_block_build_months_p50": s.first_block_build_p50,
        "ramp_months_p50": s.ramp_p50,
        "network_upgrade_probability": s.upgrade_probability,
        "binding_constraint": s.binding_constraint,
        "full_capacity_binding": s.full_capacity_binding,
        "bridge_power_used": s.bridge.used,
        "bridge_power_mw": s.bridge.mw,
        "bridge_mw_months_saved": s.bridge.mw_months_saved,
        "bridge_value_usd": s.bridge.value_usd,
        "bridge_cost_usd": s.bridge.cost_usd,
    }


_BOOL_FIELDS = ("bridge_power_used", "gas_feasible", "grid_swing_flag")
_TEXT_FIELDS = ("binding_constraint", "full_capacity_binding", "grid_swing_reason")


def result_from_arrays(arrays: Mapping[str, np.ndarray], i: int, seed: int, draws: int) -> EconomicsResult:
    """Row `i` of `compute_economics_arrays` output as an `EconomicsResult`."""
    values: dict[str, Any] = {}
    for name in EconomicsResult.__dataclass_fields__:
        if name in ("missing_inputs", "seed", "draws", "model_version"):
            continue
        v = arrays[name][i]
        if name in _BOOL_FIELDS:
            values[name] = bool(v)
        elif name in _TEXT_FIELDS:
            values[name] = str(v)
        else:
            values[name] = float(v)
    return EconomicsResult(
        **values,
        missing_inputs=missing_inputs_from_mask(int(arrays["missing_inputs_mask"][i])),
        seed=seed,
        draws=draws,
        model_version=MODEL_VERSION,
    )


def compute_economics(
    site: SiteInputs,
    capacity_mw: float = 1000.0,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> EconomicsResult:
    """Economics of one site at `capacity_mw` facility MW (the array code path with N = 1)."""
    arrays = compute_economics_arrays(SiteInputsArrays.from_sites([site]), capacity_mw, params, seed, draws)
    return result_from_arrays(arrays, 0, seed, draws)


def grid_swing_screen(
    site: SiteInputs, capacity_mw: float = 1000.0, params: EconomicsParameters = DEFAULT_PARAMETERS
) -> GridSwingResult:
    """The grid-swing screen alone (default at 1 GW, the campus size the screen is about)."""
    x = SiteInputsArrays.from_sites([site])
    cap = capacity_array(capacity_mw, 1)
    dist_km, _ = capex.line_distances_km(x, params)
    s = _grid_swing(x, dist_km, cap / params.pue, params)
    return GridSwingResult(flag=bool(s["flag"][0]), reason=str(s["reason"][0]), swing_mw=float(s["swing_mw"][0]))
