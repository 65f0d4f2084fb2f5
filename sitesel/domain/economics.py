"""Build economics of an AI datacenter at a candidate site: GPUs, capex, opex, $/GPU-hour, time to power.

One implementation: `compute_economics_arrays` works on N sites at once (NumPy, floats); the scalar
`compute_economics`, `scale_comparison` and `grid_swing_screen` call it with N = 1 or 2.

Capex = fixed costs (site works, substation, line, mobilisation, camp) + variable costs (per-MW
facility build, AI premium, IT per GPU, land, transformers, travelling crews, bridge generators).
Fixed costs are what make a 50 MW tranche dearer per MW than a 1 GW campus at the same site; the
labour shortfall, which grows with size, pushes the other way. `capacity_mw` is facility power
(IT power x PUE) throughout. Parameters and their sources: sitesel/domain/parameters.py and
docs/economics.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.parameters import DEFAULT_PARAMETERS, EconomicsParameters
from sitesel.domain.time_to_power import DEFAULT_DRAWS, time_to_power_arrays
from sitesel.domain.types import (
    MISSING_BITS,
    EconomicsResult,
    GridSwingResult,
    ScaleComparison,
    SiteInputs,
    SiteInputsArrays,
    missing_inputs_from_mask,
)

MODEL_VERSION = "economics-2025.1"
KM_PER_MILE = 1.609344
HOURS_PER_YEAR = 8760.0
DAYS_PER_MONTH = 365.25 / 12.0
VOLTAGES_KV: tuple[int, ...] = (230, 345, 500)


def _bit(name: str) -> int:
    return 1 << MISSING_BITS.index(name)


def _capacity_array(capacity_mw: float | np.ndarray, n: int) -> np.ndarray:
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


# --- Missing data -------------------------------------------------------------------------------------


def _line_distances_km(x: SiteInputsArrays, p: EconomicsParameters) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """Distance to the nearest line of at least 230/345/500 kV, with documented fallbacks for gaps.

    A missing distance takes the nearest of these stand-ins: (230 kV only) the distance to the nearest
    HV substation; the plant-search radius if an EIA-860 plant within 50 km connects at >= that
    voltage. With neither, the conservative `missing_line_distance_km`. A >=345 kV line is also a
    >=230 kV line, so the distances are then made monotone.
    """
    mask = np.zeros(x.n_sites, dtype=np.int64)
    plant_kv = x.plant_grid_voltage_kv_max_50km
    substation = np.where(np.isnan(x.distance_substation_km), np.inf, x.distance_substation_km)
    raw = {230: x.distance_hv_230_km, 345: x.distance_hv_345_km, 500: x.distance_hv_500_km}
    out: dict[int, np.ndarray] = {}
    for kv, d in raw.items():
        missing = np.isnan(d)
        mask |= np.where(missing, _bit(f"distance_hv_{kv}_km"), 0)
        # NaN >= kv is False, so a missing plant voltage gives no stand-in.
        stand_in = np.where(plant_kv >= kv, p.plant_voltage_fallback_distance_km, np.inf)
        if kv == 230:
            stand_in = np.minimum(stand_in, substation)
        fallback = np.where(np.isinf(stand_in), p.missing_line_distance_km, stand_in)
        out[kv] = np.where(missing, fallback, d)
    out[345] = np.minimum(out[345], out[500])
    out[230] = np.minimum(out[230], out[345])
    return out, mask


def _missing_mask_other(x: SiteInputsArrays, region_known: np.ndarray) -> np.ndarray:
    """Bits for every used input other than the line distances (those are set where they are filled)."""
    mask = np.zeros(x.n_sites, dtype=np.int64)
    for name in MISSING_BITS:
        if name == "iso_region" or name.startswith("distance_hv_"):
            continue
        mask |= np.where(np.isnan(getattr(x, name)), _bit(name), 0)
    mask |= np.where(region_known, 0, _bit("iso_region"))
    return mask


# --- Components -----------------------------------------------------------------------------------------


def _interconnection(dist_km: dict[int, np.ndarray], cap: np.ndarray, p: EconomicsParameters) -> dict[str, np.ndarray]:
    """Cheapest feasible tie: new substation + circuits x routed miles x $/mile x spur multiplier.

    Options are 230/345/500 kV with ceil(load / circuit rating) circuits, at most `max_circuits`.
    Above every option's limit the 500 kV tie is used with as many circuits as the load needs.
    """
    markup = (1.0 + p.transmission_contingency_frac) * (1.0 + p.transmission_afudc_frac) * p.usd_2019_to_2024_escalation
    best_cost = np.full(cap.shape, np.inf)
    best = {k: np.zeros(cap.shape) for k in ("kv", "circuits", "km", "line", "substation")}
    for kv in VOLTAGES_KV:
        rating = getattr(p, f"line_capacity_mw_{kv}kv")
        circuits = np.ceil(cap / rating)
        miles = dist_km[kv] / KM_PER_MILE * p.route_factor
        # reVX: short spur lines cost more per mile (fixed terminal work spread over few miles).
        spur = np.where(
            miles < 3.0,
            p.spur_multiplier_under_3mi,
            np.where(miles < 10.0, p.spur_multiplier_under_10mi, 1.0),
        )
        line = circuits * miles * getattr(p, f"line_cost_usd_per_mile_{kv}kv") * spur * markup
        substation = np.full(cap.shape, getattr(p, f"substation_cost_usd_{kv}kv") * markup)
        cost = np.where(circuits <= p.max_circuits, line + substation, np.inf)
        if kv == VOLTAGES_KV[-1]:
            cost = np.where(np.isinf(best_cost) & np.isinf(cost), line + substation, cost)
        take = cost < best_cost
        best_cost = np.where(take, cost, best_cost)
        for key, value in (
            ("kv", kv),
            ("circuits", circuits),
            ("km", dist_km[kv]),
            ("line", line),
            ("substation", substation),
        ):
            best[key] = np.where(take, value, best[key])
    # Step-down transformers scale with the load (MVA ~ MW at the campus's power factor).
    best["transformer"] = cap * p.transformer_cost_usd_per_mva * markup
    return best


def _labor(x: SiteInputsArrays, cap: np.ndarray, p: EconomicsParameters) -> dict[str, np.ndarray]:
    """Peak crew vs the construction workers a project can draw from the commuting area."""
    labor_force = np.where(
        np.isnan(x.county_labor_force),
        np.where(
            np.isnan(x.county_population),
            p.default_county_labor_force,
            x.county_population * p.labor_force_participation_of_population,
        ),
        x.county_labor_force,
    )
    unemployment = np.where(
        np.isnan(x.county_unemployment_rate_pct),
        p.national_unemployment_rate_pct,
        x.county_unemployment_rate_pct,
    )
    # Employed tradespeople are mostly committed elsewhere (only a share is attainable); unemployed
    # construction workers, assumed to be spread like the labour force, are all available.
    pool = (
        labor_force
        * p.commuting_area_multiplier
        * p.construction_share_of_labor_force
        * (p.attainable_share_of_local_trades + unemployment / 100.0)
    )
    peak = cap * p.workers_per_mw_peak
    shortfall = np.maximum(peak - pool, 0.0)
    share = np.divide(shortfall, peak, out=np.zeros_like(peak), where=peak > 0)
    return {
        "peak": peak,
        "pool": pool,
        "shortfall": shortfall,
        "stretch_share": p.schedule_stretch_per_shortfall_share * share,
    }


def _labor_cost(shortfall: np.ndarray, build_months: np.ndarray, p: EconomicsParameters) -> dict[str, np.ndarray]:
    """Travelling crews (per diem + wage premium) over the build, a camp above a threshold, mobilisation."""
    per_worker_month = (
        p.per_diem_usd_per_day * DAYS_PER_MONTH + p.travel_wage_premium_usd_per_hour * p.hours_per_worker_month
    )
    travel = shortfall * p.avg_to_peak_crew_ratio * build_months * per_worker_month
    camp = np.where(shortfall > p.camp_threshold_workers, p.camp_fixed_usd, 0.0)
    mobilization = np.full(shortfall.shape, p.mobilization_fixed_usd)
    return {"travel": travel, "fixed": camp + mobilization}


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
    reasons = np.empty(it_mw.shape[0], dtype=object)
    for i in range(it_mw.shape[0]):
        reasons[i] = _swing_reason(
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
    return {"flag": line_fail | area_fail, "reason": reasons, "swing_mw": swing}


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


def compute_economics_arrays(
    inputs: SiteInputsArrays,
    capacity_mw: float | np.ndarray,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> dict[str, np.ndarray]:
    """Economics for N sites at one capacity each (scalar or length-N array of facility MW).

    Returns a dict of length-N arrays keyed like `EconomicsResult` fields, plus
    `missing_inputs_mask` (bit i = MISSING_BITS[i] was missing and defaulted).
    """
    p = params
    n = inputs.n_sites
    cap = _capacity_array(capacity_mw, n)

    # Compute accounting: whole racks only - a part rack is not a deployable unit.
    it_mw = cap / p.pue
    gpus = np.floor(it_mw * 1000.0 / p.rack_power_kw) * p.gpus_per_rack

    dist_km, mask = _line_distances_km(inputs, p)
    grid = _interconnection(dist_km, cap, p)
    labor = _labor(inputs, cap, p)
    ttp = time_to_power_arrays(cap, inputs.iso_region, labor["stretch_share"], p, seed, draws)
    mask |= _missing_mask_other(inputs, ttp.region_known)
    labor_cost = _labor_cost(labor["shortfall"], ttp.construction_p50_months, p)

    # C&W's per-MW figure is construction only; the uplift adds the scope it excludes (OFCI
    # equipment, fit-out, soft costs, contingency). Its site share moves into the fixed site works.
    facility_base = (
        it_mw * p.facility_capex_usd_per_it_mw * (1.0 - p.facility_site_share) * (1.0 + p.facility_scope_uplift_frac)
    )
    ai_premium = facility_base * p.ai_liquid_cooling_premium_frac
    site_works = np.full(n, p.site_works_fixed_usd)
    it_equipment = gpus * p.it_capex_usd_per_gpu
    land_price = np.where(
        np.isnan(inputs.land_price_usd_per_acre), p.land_price_usd_per_acre, inputs.land_price_usd_per_acre
    )
    land = cap * p.land_acres_per_mw * land_price
    bridge_usd_per_kw = p.turbine_capex_usd_per_kw if p.bridge_uses_turbines else p.recip_capex_usd_per_kw
    bridge = np.where(ttp.bridge_used, cap * 1000.0 * p.bridge_coverage_frac * bridge_usd_per_kw, 0.0)
    labor_total = labor_cost["travel"] + labor_cost["fixed"]

    fixed = site_works + grid["substation"] + grid["line"] + labor_cost["fixed"]
    variable = facility_base + ai_premium + it_equipment + land + grid["transformer"] + labor_cost["travel"] + bridge
    total = fixed + variable

    # Opex: energy only - facility MW already includes PUE, so MWh = facility MW x utilisation x hours.
    price_cents = np.where(
        np.isnan(inputs.state_industrial_price_cents_kwh),
        p.default_industrial_price_cents_kwh,
        inputs.state_industrial_price_cents_kwh,
    )
    price_usd_mwh = price_cents * 10.0
    opex = cap * p.utilization * HOURS_PER_YEAR * price_usd_mwh
    # IT wears out in years, buildings and wires in decades: annualise each over its own life.
    annualized = it_equipment * capital_recovery_factor(p.discount_rate, p.it_life_years) + (
        total - it_equipment
    ) * capital_recovery_factor(p.discount_rate, p.facility_life_years)
    gpu_hours = gpus * HOURS_PER_YEAR * p.utilization
    usd_per_gpu_hour = np.divide(annualized + opex, gpu_hours, out=np.full(n, np.nan), where=gpu_hours > 0)

    swing = _grid_swing(inputs, dist_km, it_mw, p)

    return {
        "capacity_mw": cap,
        "it_mw": it_mw,
        "gpus": gpus,
        "facility_capex_usd": facility_base,
        "ai_premium_capex_usd": ai_premium,
        "site_works_capex_usd": site_works,
        "it_equipment_capex_usd": it_equipment,
        "land_capex_usd": land,
        "substation_capex_usd": grid["substation"],
        "transformer_capex_usd": grid["transformer"],
        "line_capex_usd": grid["line"],
        "labor_mobilization_capex_usd": labor_total,
        "bridge_power_capex_usd": bridge,
        "total_capex_usd": total,
        "capex_per_mw_usd": total / cap,
        "build_capex_per_mw_usd": (total - it_equipment) / cap,
        "fixed_capex_usd": fixed,
        "variable_capex_usd": variable,
        "interconnect_voltage_kv": grid["kv"],
        "interconnect_circuits": grid["circuits"],
        "interconnect_distance_km": grid["km"],
        "power_price_usd_per_mwh": price_usd_mwh,
        "opex_usd_per_year": opex,
        "opex_usd_per_mw_year": opex / cap,
        "annualized_capex_usd_per_year": annualized,
        "usd_per_gpu_hour": usd_per_gpu_hour,
        "time_to_power_months_p10": ttp.p10_months,
        "time_to_power_months_p50": ttp.p50_months,
        "time_to_power_months_p90": ttp.p90_months,
        "grid_wait_months_p50": ttp.grid_wait_p50_months,
        "equipment_lead_months_p50": ttp.equipment_lead_p50_months,
        "construction_months_p50": ttp.construction_p50_months,
        "bridge_power_used": ttp.bridge_used,
        "binding_constraint": ttp.binding_constraint,
        "grid_swing_flag": swing["flag"],
        "grid_swing_reason": swing["reason"],
        "grid_swing_mw": swing["swing_mw"],
        "labor_peak_workers": labor["peak"],
        "labor_local_pool_workers": labor["pool"],
        "labor_shortfall_workers": labor["shortfall"],
        "schedule_stretch_months": ttp.schedule_stretch_months,
        "missing_inputs_mask": mask,
    }


def result_from_arrays(arrays: Mapping[str, np.ndarray], i: int, seed: int, draws: int) -> EconomicsResult:
    """Row `i` of `compute_economics_arrays` output as an `EconomicsResult`."""
    values: dict[str, Any] = {}
    for name in EconomicsResult.__dataclass_fields__:
        if name in ("missing_inputs", "seed", "draws", "model_version"):
            continue
        v = arrays[name][i]
        if name in ("bridge_power_used", "grid_swing_flag"):
            values[name] = bool(v)
        elif name in ("binding_constraint", "grid_swing_reason"):
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


def scale_comparison(
    site: SiteInputs,
    small_mw: float = 50.0,
    large_mw: float = 1000.0,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> ScaleComparison:
    """Per-MW capex of a small tranche vs a large campus at one site; ratio > 1 = scale economies."""
    arrays = compute_economics_arrays(
        SiteInputsArrays.from_sites([site, site]),
        np.array([small_mw, large_mw], dtype=float),
        params,
        seed,
        draws,
    )
    small = result_from_arrays(arrays, 0, seed, draws)
    large = result_from_arrays(arrays, 1, seed, draws)
    return ScaleComparison(
        small_mw=small.capacity_mw,
        large_mw=large.capacity_mw,
        small_capex_per_mw_usd=small.capex_per_mw_usd,
        large_capex_per_mw_usd=large.capex_per_mw_usd,
        ratio=small.capex_per_mw_usd / large.capex_per_mw_usd,
        small_build_capex_per_mw_usd=small.build_capex_per_mw_usd,
        large_build_capex_per_mw_usd=large.build_capex_per_mw_usd,
        build_ratio=small.build_capex_per_mw_usd / large.build_capex_per_mw_usd,
        small_fixed_capex_per_mw_usd=small.fixed_capex_usd / small.capacity_mw,
        large_fixed_capex_per_mw_usd=large.fixed_capex_usd / large.capacity_mw,
        small_variable_capex_per_mw_usd=small.variable_capex_usd / small.capacity_mw,
        large_variable_capex_per_mw_usd=large.variable_capex_usd / large.capacity_mw,
        small=small,
        large=large,
    )


def grid_swing_screen(
    site: SiteInputs, capacity_mw: float = 1000.0, params: EconomicsParameters = DEFAULT_PARAMETERS
) -> GridSwingResult:
    """The grid-swing screen alone (default at 1 GW, the campus size the screen is about)."""
    x = SiteInputsArrays.from_sites([site])
    cap = _capacity_array(capacity_mw, 1)
    dist_km, _ = _line_distances_km(x, params)
    s = _grid_swing(x, dist_km, cap / params.pue, params)
    return GridSwingResult(flag=bool(s["flag"][0]), reason=str(s["reason"][0]), swing_mw=float(s["swing_mw"][0]))
