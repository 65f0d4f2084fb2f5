"""The capex components of a build at N sites, each with the mechanism that makes it scale.

- facility: C&W's per-MW cost (its per-acre site share included) with a repetition learning curve on
  the labour share (Wright's law), normalised so a campus of `reference_campus_mw` costs C&W's average;
- development: paid once per site (core team for the build, two diverse fibre routes to the nearest PoP,
  permits and studies);
- interconnection: substation modules (one per `substation_module_mw`) and an N-1 tie at the cheapest
  feasible voltage over the routed distance;
- labour: the local pool against the peak crew; each imported worker is mobilised once and lodged once;
- on-site generation: engines and a gas lateral sized by flow, priced only where the bridge is taken.
Every number is a field of EconomicsParameters with its source (sitesel/domain/parameters.py).
"""

from __future__ import annotations

import numpy as np

from sitesel.domain.parameters import EconomicsParameters
from sitesel.domain.types import SiteInputsArrays

KM_PER_MILE = 1.609344
DAYS_PER_MONTH = 365.25 / 12.0
VOLTAGES_KV: tuple[int, ...] = (230, 345, 500)


def learning_multiplier(blocks: np.ndarray, p: EconomicsParameters) -> np.ndarray:
    """Average facility cost of a campus's blocks relative to C&W's per-MW average.

    Block k's labour share costs k^log2(LR) of block 1's; the average over N blocks is divided by the
    average over the reference campus, whose size C&W's figure describes. A 50 MW site (one block) pays
    more than C&W's average, a 1 GW campus (20 blocks) less.
    """
    b = np.log2(p.learning_rate)
    # One block more than the largest count asked for, so a fractional reference interpolates on both sides.
    k_max = int(np.ceil(max(np.max(blocks, initial=1.0), p.reference_campus_mw / p.block_mw))) + 1
    cumulative = np.cumsum(np.arange(1.0, k_max + 1.0) ** b)

    def average(n: np.ndarray) -> np.ndarray:
        n = np.clip(np.asarray(n, dtype=float), 1.0, k_max)
        lo = np.floor(n).astype(int)
        frac = n - lo
        # A fractional campus (the reference) interpolates between whole block counts.
        upper = np.minimum(lo + 1, k_max)
        mean_lo = cumulative[lo - 1] / lo
        mean_hi = cumulative[upper - 1] / upper
        return (1.0 - p.labor_share_of_facility) + p.labor_share_of_facility * (mean_lo + frac * (mean_hi - mean_lo))

    return average(blocks) / average(np.array(p.reference_campus_mw / p.block_mw))


def facility(it_mw: np.ndarray, blocks: np.ndarray, p: EconomicsParameters) -> dict[str, np.ndarray]:
    """Building, electrical and mechanical plant; the AI premium is reported apart."""
    at_average = it_mw * p.facility_capex_usd_per_it_mw * (1.0 + p.facility_scope_uplift_frac)
    learned = at_average * learning_multiplier(blocks, p)
    return {
        "facility": learned,
        "ai_premium": learned * p.ai_liquid_cooling_premium_frac,
        "learning_adjustment": (learned - at_average) * (1.0 + p.ai_liquid_cooling_premium_frac),
    }


def development(x: SiteInputsArrays, build_months: np.ndarray, p: EconomicsParameters) -> dict[str, np.ndarray]:
    """Costs a site pays once whatever its size: the core team for the build, fibre and permits."""
    pop_km = np.where(np.isnan(x.distance_network_pop_km), p.missing_network_pop_distance_km, x.distance_network_pop_km)
    team = p.core_team_people * p.core_team_usd_per_person_year * build_months / 12.0
    fibre = p.fibre_routes * pop_km * p.route_factor * p.fibre_usd_per_km
    permits = np.full(x.n_sites, p.permits_and_studies_usd)
    return {"team": team, "fibre": fibre, "permits": permits, "total": team + fibre + permits}


def line_distances_km(x: SiteInputsArrays, p: EconomicsParameters) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """Distance to the nearest line of at least 230/345/500 kV, with documented fallbacks for gaps.

    A missing distance takes the nearest of these stand-ins: (230 kV only) the distance to the nearest
    HV substation; the plant-search radius if an EIA-860 plant within 50 km connects at >= that voltage.
    With neither, the conservative `missing_line_distance_km`. A >=345 kV line is also a >=230 kV line,
    so the distances are then made monotone. Returns the distances and a bool array per voltage of
    which were missing.
    """
    plant_kv = x.plant_grid_voltage_kv_max_50km
    substation = np.where(np.isnan(x.distance_substation_km), np.inf, x.distance_substation_km)
    raw = {230: x.distance_hv_230_km, 345: x.distance_hv_345_km, 500: x.distance_hv_500_km}
    out: dict[int, np.ndarray] = {}
    missing = np.zeros((len(VOLTAGES_KV), x.n_sites), dtype=bool)
    for i, (kv, d) in enumerate(raw.items()):
        missing[i] = np.isnan(d)
        # NaN >= kv is False, so a missing plant voltage gives no stand-in.
        stand_in = np.where(plant_kv >= kv, p.plant_voltage_fallback_distance_km, np.inf)
        if kv == 230:
            stand_in = np.minimum(stand_in, substation)
        fallback = np.where(np.isinf(stand_in), p.missing_line_distance_km, stand_in)
        out[kv] = np.where(missing[i], fallback, d)
    out[345] = np.minimum(out[345], out[500])
    out[230] = np.minimum(out[230], out[345])
    return out, missing


def transmission_markup(p: EconomicsParameters) -> float:
    return (
        (1.0 + p.transmission_contingency_frac)
        * (1.0 + p.transmission_afudc_frac)
        * p.hv_equipment_escalation_2019_2024
    )


def interconnection(dist_km: dict[int, np.ndarray], cap: np.ndarray, p: EconomicsParameters) -> dict[str, np.ndarray]:
    """Substation modules plus the cheapest feasible N-1 tie: circuits x routed miles x $/mile x spur.

    Options are 230/345/500 kV with ceil(load / rating) + spare circuits, at most `max_circuits`. Above
    every option's limit the 500 kV tie is used with as many circuits as the load needs.
    """
    markup = transmission_markup(p)
    best_cost = np.full(cap.shape, np.inf)
    best = {k: np.zeros(cap.shape) for k in ("kv", "circuits", "km", "line")}
    for kv in VOLTAGES_KV:
        rating = getattr(p, f"line_capacity_mw_{kv}kv")
        circuits = np.ceil(cap / rating) + p.n_minus_1_spare_circuits
        miles = dist_km[kv] / KM_PER_MILE * p.route_factor
        # reVX: short spur lines cost more per mile (fixed terminal work spread over few miles).
        spur = np.where(
            miles < 3.0, p.spur_multiplier_under_3mi, np.where(miles < 10.0, p.spur_multiplier_under_10mi, 1.0)
        )
        line = circuits * miles * getattr(p, f"line_cost_usd_per_mile_{kv}kv") * spur * markup
        cost = np.where(circuits <= p.max_circuits, line, np.inf)
        if kv == VOLTAGES_KV[-1]:
            cost = np.where(np.isinf(best_cost) & np.isinf(cost), line, cost)
        take = cost < best_cost
        best_cost = np.where(take, cost, best_cost)
        for key, value in (("kv", kv), ("circuits", circuits), ("km", dist_km[kv]), ("line", line)):
            best[key] = np.where(take, value, best[key])
    best["substation_modules"] = np.ceil(cap / p.substation_module_mw - 1e-9)
    best["substation"] = best["substation_modules"] * p.substation_module_usd
    # Step-down transformers scale with the load (MVA ~ MW at the campus's power factor).
    best["transformer"] = cap * p.transformer_cost_usd_per_mva * markup
    best["routed_km"] = best["km"] * p.route_factor
    return best


def labor_pool(x: SiteInputsArrays, cap: np.ndarray, p: EconomicsParameters) -> dict[str, np.ndarray]:
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
        np.isnan(x.county_unemployment_rate_pct), p.national_unemployment_rate_pct, x.county_unemployment_rate_pct
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


def imported_labor(shortfall: np.ndarray, build_months: np.ndarray, p: EconomicsParameters) -> np.ndarray:
    """Each imported worker is mobilised once and, over the build, lodged once (per diem or a camp bed at the
    same daily cost) and paid a travel premium."""
    per_worker_month = (
        p.per_diem_usd_per_day * DAYS_PER_MONTH + p.travel_wage_premium_usd_per_hour * p.hours_per_worker_month
    )
    return shortfall * (
        p.mobilization_usd_per_imported_worker + p.avg_to_peak_crew_ratio * build_months * per_worker_month
    )


def gas_lateral_diameter_in(cap: np.ndarray, p: EconomicsParameters) -> np.ndarray:
    """Lateral size for engines at `cap` MW: flow scales with MW, diameter with flow^0.375 (Weymouth)."""
    return np.clip(p.gas_lateral_diameter_in_at_1gw * (cap / 1000.0) ** 0.375, 4.0, 48.0)


def bridge_terms(
    x: SiteInputsArrays, cap: np.ndarray, grid_price_usd_per_mwh: np.ndarray, p: EconomicsParameters
) -> dict[str, np.ndarray]:
    """What on-site gas would cost per bridged MW, its fuel premium over the grid, and where it is feasible."""
    turbines = bool(p.bridge_uses_turbines)
    usd_per_kw = p.turbine_capex_usd_per_kw if turbines else p.recip_capex_usd_per_kw
    heat_rate = p.turbine_heat_rate_btu_per_kwh if turbines else p.recip_heat_rate_btu_per_kwh
    om = p.turbine_om_usd_per_mwh if turbines else p.recip_om_usd_per_mwh
    gas_price = np.where(
        np.isnan(x.state_industrial_gas_price_usd_per_mcf),
        p.default_gas_price_usd_per_mcf,
        x.state_industrial_gas_price_usd_per_mcf,
    )
    fuel_usd_per_mwh = heat_rate / 1000.0 * gas_price / p.mmbtu_per_mcf
    diameter = gas_lateral_diameter_in(cap, p)
    lateral_km = x.distance_gas_pipeline_km * p.route_factor
    lateral = np.nan_to_num(lateral_km) * diameter * p.gas_lateral_usd_per_inch_km
    # A pipeline smaller than the lateral the engines need cannot feed them; unknown diameters pass.
    big_enough = np.isnan(x.gas_pipeline_diameter_in) | (x.gas_pipeline_diameter_in >= diameter)
    feasible = (x.distance_gas_pipeline_km <= p.gas_lateral_max_km) & big_enough
    generation_net = usd_per_kw * 1000.0 * (1.0 - p.bridge_residual_value_frac)
    return {
        "feasible": feasible,
        "lateral_km": np.nan_to_num(lateral_km),
        "lateral_usd": lateral,
        "generation_usd_per_mw": np.full(x.n_sites, usd_per_kw * 1000.0),
        "residual_frac": np.full(x.n_sites, p.bridge_residual_value_frac),
        "fuel_usd_per_mwh": fuel_usd_per_mwh + om,
        "fuel_premium_usd_per_mwh": fuel_usd_per_mwh + om - grid_price_usd_per_mwh,
        "gas_price_usd_per_mcf": gas_price,
        "net_generation_usd_per_mw": np.full(x.n_sites, generation_net),
    }
