"""Build-economics model: compute accounting, capex and its mechanisms, opex, cost of delay, on-site gas,
validation, missing data, grid swing, vectorisation."""

from __future__ import annotations

import json
import math
from dataclasses import fields, replace
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitesel.domain.calibration import FIXTURE_SITES
from sitesel.domain.capex import learning_multiplier
from sitesel.domain.economics import (
    capital_recovery_factor,
    compute_economics,
    compute_economics_arrays,
    grid_swing_screen,
)
from sitesel.domain.errors import DomainError, InvalidParameter, InvalidSiteInput
from sitesel.domain.parameters import (
    DEFAULT_PARAMETERS,
    EconomicsParameters,
    parameter_specs,
    parameters_with_overrides,
)
from sitesel.domain.scale import scale_comparison
from sitesel.domain.time_to_power import scenario_draws
from sitesel.domain.types import (
    MISSING_BITS,
    EconomicsResult,
    SiteInputs,
    SiteInputsArrays,
    usd_to_decimal,
)

DRAWS = 200  # enough for stable percentiles, keeps the suite fast

STRONG, REMOTE, WEST, EMPTY = FIXTURE_SITES.values()
SITES = {"strong": STRONG, "remote": REMOTE, "west": WEST, "empty": EMPTY}
NO_BRIDGE = parameters_with_overrides({"bridge_power_enabled": 0})

CAPEX_PARTS = (
    "facility_capex_usd",
    "ai_premium_capex_usd",
    "development_capex_usd",
    "it_equipment_capex_usd",
    "land_capex_usd",
    "substation_capex_usd",
    "transformer_capex_usd",
    "line_capex_usd",
    "labor_mobilization_capex_usd",
    "bridge_power_capex_usd",
    "gas_lateral_capex_usd",
)
# Every cost a site pays whatever its size, and the learning that makes later blocks cheaper.
NO_SCALE_MECHANISMS = {
    "core_team_people": 0.0,
    "fibre_usd_per_km": 0.0,
    "permits_and_studies_usd": 0.0,
    "substation_module_usd": 0.0,
    "line_cost_usd_per_mile_230kv": 0.0,
    "line_cost_usd_per_mile_345kv": 0.0,
    "line_cost_usd_per_mile_500kv": 0.0,
    "learning_rate": 1.0,
    "bridge_power_enabled": 0.0,
}


# --- Compute accounting --------------------------------------------------------------------------


def test_defaults_give_453_600_gpus_per_gw_inside_the_published_band() -> None:
    r = compute_economics(STRONG, 1000.0, draws=DRAWS)
    assert r.gpus == 20 * 22_680 == 453_600 and 430_000 <= r.gpus <= 550_000
    assert r.it_mw == pytest.approx(1000.0 / DEFAULT_PARAMETERS.pue)
    assert r.blocks == 20


@pytest.mark.parametrize(
    ("capacity_mw", "overrides", "expected_gpus"),
    [
        # 50 MW / 1.2 = 41,667 kW IT; / 132 kW = 315.7 racks -> 315 whole racks x 72.
        (50.0, {}, 315 * 72),
        # Block by block, as a program builds it: 20 blocks of 315 racks.
        (1000.0, {}, 20 * 315 * 72),
        # A partial last block: 1,030 MW = 20 x 315 racks + 30 MW / 1.2 / 132 kW = 189 racks.
        (1030.0, {}, (20 * 315 + 189) * 72),
        # PUE 1.5, 126 kW racks: 33,333 kW per block / 126 kW = 264.6 -> 264 racks per block.
        (1000.0, {"pue": 1.5, "rack_power_kw": 126.0}, 20 * 264 * 72),
    ],
)
def test_gpu_count_is_whole_racks_of_it_power(capacity_mw: float, overrides: dict, expected_gpus: int) -> None:
    r = compute_economics(STRONG, capacity_mw, parameters_with_overrides(overrides), draws=DRAWS)
    assert r.gpus == expected_gpus


# --- Capex -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SITES))
@pytest.mark.parametrize("capacity_mw", [50.0, 300.0, 1000.0])
def test_capex_parts_add_up_and_split_into_fixed_and_variable(name: str, capacity_mw: float) -> None:
    r = compute_economics(SITES[name], capacity_mw, draws=DRAWS)
    parts = sum(getattr(r, f) for f in CAPEX_PARTS)
    assert r.total_capex_usd == pytest.approx(parts, rel=1e-12)
    assert r.fixed_capex_usd + r.variable_capex_usd == pytest.approx(r.total_capex_usd, rel=1e-12)
    assert r.capex_per_mw_usd == pytest.approx(r.total_capex_usd / capacity_mw)
    assert r.build_capex_per_mw_usd == pytest.approx((r.total_capex_usd - r.it_equipment_capex_usd) / capacity_mw)
    assert all(getattr(r, f) >= 0 for f in CAPEX_PARTS)


def test_capex_components_match_hand_calculation() -> None:
    # A 50 MW site whose cheapest N-1 tie is two 230 kV circuits 8 km away, with a PoP 10 km away.
    site = SiteInputs(
        distance_hv_230_km=8.0,
        distance_hv_345_km=200.0,
        distance_hv_500_km=300.0,
        county_labor_force=100_000,
        land_price_usd_per_acre=100_000,
        iso_region="MISO",
        distance_network_pop_km=10.0,
    )
    r = compute_economics(site, 50.0, NO_BRIDGE, draws=DRAWS)
    markup = 1.2 * 1.075 * 1.227  # contingency, AFUDC, 2019 -> 2024 $
    routed_miles = 8.0 / 1.609344 * 1.3
    assert r.interconnect_voltage_kv == 230 and r.interconnect_circuits == 2  # one for the load, one spare
    assert r.line_capex_usd == pytest.approx(2 * routed_miles * 1_694_747 * 1.2 * markup)  # spur < 10 mi: x1.2
    assert r.substation_modules == 1 and r.substation_capex_usd == pytest.approx(35e6)
    assert r.transformer_capex_usd == pytest.approx(50 * 7_490 * markup)
    assert r.land_capex_usd == pytest.approx(50 * 0.73 * 100_000)
    assert r.it_equipment_capex_usd == pytest.approx(315 * 72 * 77_160)
    # One block pays its whole labour share at block-1 cost; C&W's average describes a 307 MW campus.
    facility = (50 / 1.2) * 11.7e6 * 1.5 * learning_multiplier(np.array([1.0]), DEFAULT_PARAMETERS)[0]
    assert r.facility_capex_usd == pytest.approx(facility)
    assert r.ai_premium_capex_usd == pytest.approx(facility * 0.085)
    # No shortfall and one block: the core team stays for the first block's median build, no ramp.
    build_months = float(np.median(scenario_draws(DEFAULT_PARAMETERS, 0, DRAWS).first_block))
    team = 40 * 250_000 * build_months / 12
    assert r.development_capex_usd == pytest.approx(team + 2 * 10.0 * 1.3 * 100_000 + 10e6)
    # 100k labour force x 3 counties x 4.9 % x (15 % + 4 % unemployed) = 2,793 >= 240 needed: no shortfall.
    assert r.labor_shortfall_workers == 0 and r.labor_mobilization_capex_usd == 0


def test_learning_makes_small_sites_dearer_and_campuses_cheaper_than_the_cw_average() -> None:
    p = DEFAULT_PARAMETERS
    one, reference, campus = learning_multiplier(np.array([1.0, 307.0 / 50.0, 20.0]), p)
    assert one > 1.0 > campus
    assert reference == pytest.approx(1.0)
    # Wright's law at LR 0.9 on a 35 % labour share: block 1 costs 5.5 % above the average, 20 blocks 4.4 % below.
    assert one == pytest.approx(1.055, abs=0.002) and campus == pytest.approx(0.956, abs=0.002)
    flat = learning_multiplier(np.array([1.0, 20.0]), parameters_with_overrides({"learning_rate": 1.0}))
    np.testing.assert_allclose(flat, 1.0)


def test_one_gigawatt_takes_the_cheapest_feasible_n_minus_1_tie() -> None:
    near_345 = replace(STRONG, distance_hv_345_km=5.0, distance_hv_500_km=150.0)
    near_500 = replace(STRONG, distance_hv_345_km=5.0, distance_hv_500_km=5.0)
    a = compute_economics(near_345, 1000.0, draws=DRAWS)
    b = compute_economics(near_500, 1000.0, draws=DRAWS)
    # 1,000 MW needs two 750 MW circuits at 345 kV (+1 spare = 3) or one 1,500 MW circuit at 500 kV (+1 = 2).
    assert (a.interconnect_voltage_kv, a.interconnect_circuits) == (345, 3)
    assert (b.interconnect_voltage_kv, b.interconnect_circuits) == (500, 2)
    assert a.substation_modules == b.substation_modules == 4  # one 300 MW module per started 300 MW


def test_each_imported_worker_is_mobilised_and_lodged_once() -> None:
    small_county = replace(STRONG, county_labor_force=5_000)
    big_county = replace(STRONG, county_labor_force=2_000_000)
    short = compute_economics(small_county, 1000.0, NO_BRIDGE, draws=DRAWS)
    ample = compute_economics(big_county, 1000.0, NO_BRIDGE, draws=DRAWS)
    assert short.labor_shortfall_workers > 4_000 and ample.labor_shortfall_workers == 0
    assert ample.labor_mobilization_capex_usd == 0
    # Mobilisation once + per diem and premium over 60 % of the build; no separate camp on top.
    build = short.first_block_build_months_p50 + short.ramp_months_p50
    per_worker = 3_000 + 0.6 * build * (178 * 365.25 / 12 + 20 * 173)
    assert short.labor_mobilization_capex_usd == pytest.approx(short.labor_shortfall_workers * per_worker, rel=0.03)
    assert short.schedule_stretch_months > 3.0 and ample.schedule_stretch_months == 0
    assert short.time_to_power_months_p50 > ample.time_to_power_months_p50


# --- Scale ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SITES))
def test_fifty_mw_costs_more_per_mw_than_one_gw_at_the_same_site(name: str) -> None:
    sc = scale_comparison(SITES[name], draws=DRAWS)
    assert sc.facility.ratio > sc.all_in.ratio > 1.0  # GPUs cost the same per MW: they dilute the gap
    assert 1.1 <= sc.facility.ratio <= 1.6 and sc.all_in.ratio < 1.2


def test_the_well_served_facility_ratio_is_inside_the_evidence_band() -> None:
    sc = scale_comparison(STRONG, draws=DRAWS)
    assert 1.1 <= sc.facility.ratio <= 1.5
    assert 1.02 <= sc.all_in.ratio <= 1.10


@pytest.mark.parametrize("name", list(SITES))
def test_scale_economy_comes_from_per_site_costs_and_learning(name: str) -> None:
    with_mechanisms = scale_comparison(SITES[name], draws=DRAWS)
    without = scale_comparison(SITES[name], params=parameters_with_overrides(NO_SCALE_MECHANISMS), draws=DRAWS)
    # What is left favours the small site (imported labour grows with size) or is rack rounding.
    assert without.facility.ratio < 1.003
    assert without.facility.ratio < with_mechanisms.facility.ratio


# --- Opex, levelised cost and the value of time ------------------------------------------------------


def test_opex_is_energy_plus_staff_plus_upkeep() -> None:
    r = compute_economics(STRONG, 1000.0, draws=DRAWS)
    # 1000 MW x 0.8 utilisation x 8760 h x $75/MWh; (25 + 0.5 x 1000) FTE x $130 k; 2 % of non-IT capex.
    assert r.energy_opex_usd_per_year == pytest.approx(1000 * 0.8 * 8760 * 75.0)
    assert r.staff_opex_usd_per_year == pytest.approx(525 * 130_000)
    assert r.upkeep_opex_usd_per_year == pytest.approx(0.02 * (r.total_capex_usd - r.it_equipment_capex_usd))
    assert r.opex_usd_per_year == pytest.approx(
        r.energy_opex_usd_per_year + r.staff_opex_usd_per_year + r.upkeep_opex_usd_per_year
    )
    missing_price = compute_economics(replace(STRONG, state_industrial_price_cents_kwh=None), 1000.0, draws=DRAWS)
    assert missing_price.power_price_usd_per_mwh == pytest.approx(80.6)


def test_a_small_site_carries_a_higher_staff_floor_per_mw() -> None:
    small = compute_economics(STRONG, 50.0, draws=DRAWS)
    large = compute_economics(STRONG, 1000.0, draws=DRAWS)
    assert small.staff_opex_usd_per_year / 50 > 1.8 * large.staff_opex_usd_per_year / 1000


def test_usd_per_gpu_hour_uses_capital_recovery_over_stated_lives() -> None:
    r = compute_economics(STRONG, 1000.0, draws=DRAWS)
    crf_it = 0.08 * 1.08**5 / (1.08**5 - 1)
    crf_fac = 0.08 * 1.08**14 / (1.08**14 - 1)
    annual = r.it_equipment_capex_usd * crf_it + (r.total_capex_usd - r.it_equipment_capex_usd) * crf_fac
    assert r.annualized_capex_usd_per_year == pytest.approx(annual)
    assert r.usd_per_gpu_hour == pytest.approx((annual + r.opex_usd_per_year) / (r.gpus * 8760 * 0.8))
    assert 1.0 < r.usd_per_gpu_hour < 10.0
    longer = compute_economics(STRONG, 1000.0, parameters_with_overrides({"it_life_years": 6}), draws=DRAWS)
    assert longer.usd_per_gpu_hour < r.usd_per_gpu_hour


def test_cost_of_delay_is_a_month_of_owning_and_running_a_mw_and_rental_prices_agree() -> None:
    r = compute_economics(STRONG, 1000.0, NO_BRIDGE, draws=DRAWS)
    assert r.cost_of_delay_usd_per_mw_month == pytest.approx(
        (r.annualized_capex_usd_per_year + r.opex_usd_per_year) / 12 / 1000
    )
    # 453.6 GPUs per MW x 730 h x 80 % x $3/h.
    assert r.cost_of_delay_rental_usd_per_mw_month == pytest.approx(453.6 * 730 * 0.8 * 3.0)
    assert 0.7 < r.cost_of_delay_rental_usd_per_mw_month / r.cost_of_delay_usd_per_mw_month < 1.3


@pytest.mark.parametrize(("rate", "years", "expected"), [(0.0, 10, 0.1), (0.08, 5, 0.25045645), (0.1, 20, 0.11745962)])
def test_capital_recovery_factor(rate: float, years: float, expected: float) -> None:
    assert capital_recovery_factor(rate, years) == pytest.approx(expected, rel=1e-6)


# --- On-site gas -----------------------------------------------------------------------------------------


def test_on_site_gas_is_offered_only_where_gas_can_reach_the_site() -> None:
    near = compute_economics(STRONG, 1000.0, draws=DRAWS)
    far = compute_economics(replace(STRONG, distance_gas_pipeline_km=80.0), 1000.0, draws=DRAWS)
    unknown = compute_economics(replace(STRONG, distance_gas_pipeline_km=None), 1000.0, draws=DRAWS)
    thin = compute_economics(replace(STRONG, gas_pipeline_diameter_in=6.0), 1000.0, draws=DRAWS)
    assert near.gas_feasible and near.bridge_power_used
    for r in (far, unknown, thin):
        assert not r.gas_feasible and not r.bridge_power_used and r.bridge_power_capex_usd == 0
    assert near.time_to_first_power_months_p50 < far.time_to_first_power_months_p50
    assert near.time_to_compute_months_p50 < far.time_to_compute_months_p50


def test_on_site_gas_is_priced_and_taken_only_when_the_months_are_worth_more() -> None:
    r = compute_economics(STRONG, 1000.0, draws=DRAWS)
    assert r.bridge_power_mw > 0 and r.bridge_mw_months_saved > 0
    assert r.bridge_value_usd > r.bridge_cost_usd > 0
    assert r.bridge_value_usd == pytest.approx(r.bridge_mw_months_saved * r.cost_of_delay_usd_per_mw_month)
    # Engines net of their residual value, plus the lateral: 24 in at 1 GW over the routed 8 km.
    assert r.bridge_power_capex_usd == pytest.approx(r.bridge_power_mw * 2_120_000 * 0.7)
    assert r.gas_lateral_capex_usd == pytest.approx(8.0 * 1.3 * 24.0 * 207_000)
    assert r.binding_constraint == "construction"  # the grid no longer sets first power
    worthless = parameters_with_overrides({"gpu_rental_usd_per_hour": 3.0, "discount_rate": 0.0, "utilization": 0.01})
    cheap_time = compute_economics(STRONG, 1000.0, worthless, draws=DRAWS)
    assert cheap_time.cost_of_delay_usd_per_mw_month < r.cost_of_delay_usd_per_mw_month


def test_bridge_power_can_be_switched_off_and_turbines_are_too_slow_to_bridge() -> None:
    off = compute_economics(STRONG, 1000.0, NO_BRIDGE, draws=DRAWS)
    turbines = compute_economics(STRONG, 1000.0, parameters_with_overrides({"bridge_uses_turbines": 1}), draws=DRAWS)
    assert not off.bridge_power_used and not turbines.bridge_power_used  # 5-7 years of turbine lead time
    assert off.bridge_power_capex_usd == off.gas_lateral_capex_usd == 0


def test_the_gas_price_sets_the_fuel_premium_of_bridging() -> None:
    cheap = compute_economics(replace(STRONG, state_industrial_gas_price_usd_per_mcf=2.0), 1000.0, draws=DRAWS)
    dear = compute_economics(replace(STRONG, state_industrial_gas_price_usd_per_mcf=12.0), 1000.0, draws=DRAWS)
    assert dear.bridge_cost_usd > cheap.bridge_cost_usd


def test_the_county_queue_sets_the_chance_of_network_upgrades() -> None:
    def probability(**changes) -> float:
        return compute_economics(replace(STRONG, **changes), 1000.0, draws=DRAWS).network_upgrade_probability

    assert probability(county_queue_active_mw=0.0) == 0.0
    assert probability(county_queue_active_mw=2_000.0) == pytest.approx(0.6 * 0.2)  # 2 GW of 10 GW transfer
    assert probability(county_queue_active_mw=50_000.0) == pytest.approx(0.6)  # saturated
    assert probability(county_queue_active_mw=None) == pytest.approx(0.3)  # no queue data: non-ISO utilities
    small = compute_economics(replace(STRONG, county_queue_active_mw=50_000.0), 50.0, draws=DRAWS)
    assert small.network_upgrade_probability == pytest.approx(0.3)  # below the large-load threshold


# --- Parameters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"no_such_parameter": 1.0}, "no_such_parameter"),
        ({"pue": "1.3"}, "pue"),
        ({"pue": None}, "pue"),
        ({"pue": True}, "pue"),
        ({"pue": 0.9}, "pue"),
        ({"pue": float("nan")}, "pue"),
        ({"land_price_usd_per_acre": -1.0}, "land_price_usd_per_acre"),
        ({"utilization": 1.5}, "utilization"),
        ({"discount_rate": float("inf")}, "discount_rate"),
        ({"bridge_power_enabled": 0.5}, "bridge_power_enabled"),
        ({"gpus_per_rack": 72.5}, "gpus_per_rack"),
        ({"transformer_lead_weeks_low": 130.0}, "transformer_lead_weeks_mode"),
        ({"study_constrained_months_high": 10.0}, "study_constrained_months_high"),
    ],
)
def test_invalid_override_names_the_field(overrides: dict, field: str) -> None:
    with pytest.raises(InvalidParameter) as exc:
        parameters_with_overrides(overrides)
    assert exc.value.field == field
    assert field in str(exc.value)
    assert exc.value.code == "invalid_parameter"


def test_valid_overrides_apply_and_change_results() -> None:
    p = parameters_with_overrides({"pue": 1.4, "land_price_usd_per_acre": 1_000_000, "bridge_power_enabled": 0})
    assert (p.pue, p.land_price_usd_per_acre, p.bridge_power_enabled) == (1.4, 1_000_000.0, 0.0)
    assert DEFAULT_PARAMETERS.pue == 1.2  # defaults untouched
    base = compute_economics(REMOTE, 1000.0, draws=DRAWS)
    changed = compute_economics(REMOTE, 1000.0, p, draws=DRAWS)
    assert changed.gpus < base.gpus
    assert changed.land_capex_usd > base.land_capex_usd


# --- Missing inputs ----------------------------------------------------------------------------------


def test_missing_everything_still_computes_and_flags_each_input() -> None:
    r = compute_economics(EMPTY, 1000.0, draws=DRAWS)
    values = [getattr(r, f.name) for f in fields(r) if isinstance(getattr(r, f.name), float)]
    assert all(math.isfinite(v) for v in values)
    assert set(r.missing_inputs) >= {
        "distance_hv_230_km",
        "distance_hv_345_km",
        "distance_hv_500_km",
        "county_labor_force",
        "county_transfer_capacity_mw",
        "state_industrial_price_cents_kwh",
        "land_price_usd_per_acre",
        "iso_region",
    }
    assert r.grid_swing_flag  # a screen with no grid data must not pass the site
    assert "unknown" in r.grid_swing_reason


def test_missing_mask_in_bulk_output_has_one_bit_per_input() -> None:
    partial = SiteInputs(distance_hv_230_km=5.0, county_labor_force=10_000, iso_region="MISO")
    arrays = compute_economics_arrays(SiteInputsArrays.from_sites([EMPTY, STRONG, partial]), 50.0, draws=DRAWS)
    masks = [int(m) for m in arrays["missing_inputs_mask"]]
    assert masks[0] == (1 << len(MISSING_BITS)) - 1  # everything the model uses is missing
    assert {name for bit, name in enumerate(MISSING_BITS) if masks[2] >> bit & 1} == set(MISSING_BITS) - {
        "distance_hv_230_km",
        "county_labor_force",
        "iso_region",
    }
    assert "fema_risk_score" not in MISSING_BITS  # carried for scoring, never defaulted


@pytest.mark.parametrize(
    "field",
    [
        "distance_hv_230_km",
        "distance_hv_345_km",
        "distance_hv_500_km",
        "county_labor_force",
        "county_transfer_capacity_mw",
        "state_industrial_price_cents_kwh",
        "iso_region",
        "distance_network_pop_km",
        "state_industrial_gas_price_usd_per_mcf",
    ],
)
def test_a_missing_input_is_flagged_and_never_makes_the_site_look_better(field: str) -> None:
    full = compute_economics(STRONG, 1000.0, NO_BRIDGE, draws=DRAWS)
    gap = compute_economics(replace(STRONG, **{field: None}), 1000.0, NO_BRIDGE, draws=DRAWS)
    assert field in gap.missing_inputs and field not in full.missing_inputs
    assert gap.total_capex_usd >= full.total_capex_usd - 1e-6
    assert gap.usd_per_gpu_hour >= full.usd_per_gpu_hour - 1e-12
    assert gap.time_to_power_months_p50 >= full.time_to_power_months_p50 - 1e-9
    assert gap.time_to_compute_months_p50 >= full.time_to_compute_months_p50 - 1e-9


def test_missing_gas_data_never_offers_on_site_gas_sooner() -> None:
    # A missing pipeline distance withdraws the bridge: less capex, later power. A missing diameter passes (most
    # GEM routes have none) and is flagged; a county with no queue data gets a middle upgrade probability.
    full = compute_economics(STRONG, 1000.0, draws=DRAWS)
    gap = compute_economics(replace(STRONG, distance_gas_pipeline_km=None), 1000.0, draws=DRAWS)
    assert "distance_gas_pipeline_km" in gap.missing_inputs
    assert gap.time_to_compute_months_p50 > full.time_to_compute_months_p50
    assert "gas_pipeline_diameter_in" in full.missing_inputs


def test_missing_line_distances_use_plant_voltage_then_conservative_default() -> None:
    west = compute_economics(WEST, 1000.0, draws=DRAWS)  # plant at 500 kV within 50 km
    blind = compute_economics(replace(WEST, plant_grid_voltage_kv_max_50km=None), 1000.0, draws=DRAWS)
    assert west.interconnect_distance_km == 50.0
    assert blind.interconnect_distance_km == 100.0
    assert blind.line_capex_usd > west.line_capex_usd


def test_labor_force_falls_back_to_population_then_a_small_county() -> None:
    from_pop = compute_economics(SiteInputs(county_population=1_000_000), 1000.0, draws=DRAWS)
    default = compute_economics(SiteInputs(), 1000.0, draws=DRAWS)
    # 1 M people x 0.5 participation x 3 x 4.9 % x (15 % + 4 %) = 13,965 workers.
    assert from_pop.labor_local_pool_workers == pytest.approx(13_965)
    assert default.labor_local_pool_workers == pytest.approx(4_690 * 3 * 0.049 * 0.19)


@pytest.mark.parametrize(
    ("column", "value"),
    [("distance_hv_230_km", -1.0), ("county_unemployment_rate_pct", 120.0), ("fema_risk_score", 101.0)],
)
def test_impossible_inputs_are_rejected(column: str, value: float) -> None:
    with pytest.raises(InvalidSiteInput) as exc:
        compute_economics(SiteInputs(**{column: value}), 50.0, draws=DRAWS)
    assert exc.value.field == column


@pytest.mark.parametrize("capacity", [0.0, -50.0, float("nan")])
def test_capacity_must_be_positive(capacity: float) -> None:
    with pytest.raises(InvalidSiteInput) as exc:
        compute_economics(STRONG, capacity, draws=DRAWS)
    assert exc.value.field == "capacity_mw"


# --- Grid swing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "flag", "reason_part"),
    [
        (STRONG, False, "ok: 417 MW"),
        (REMOTE, True, "no line >= 230 kV within 30 km"),
        (
            replace(STRONG, county_transfer_capacity_mw=800),
            True,
            "exceeds the 200 MW limit from county transfer",
        ),
        (replace(STRONG, distance_hv_345_km=50.0, distance_hv_500_km=60.0), True, "a 230 kV line 2 km away"),
        (replace(STRONG, county_transfer_capacity_mw=None), False, "generation within 50 km"),
        (
            replace(STRONG, county_transfer_capacity_mw=None, generation_capacity_50km_mw=None),
            True,
            "unknown",
        ),
    ],
)
def test_grid_swing_screen_flags_weak_grids_only(site: SiteInputs, flag: bool, reason_part: str) -> None:
    s = grid_swing_screen(site)
    assert s.flag is flag
    assert reason_part in s.reason
    assert s.reason.startswith("FLAG" if flag else "ok")
    assert s.swing_mw == pytest.approx(0.5 * 1000 / 1.2)


def test_swing_reasons_written_once_per_distinct_text_read_as_each_sites_own() -> None:
    """A batch writes each distinct reason once; every site still reads the reason the screen gives it alone,
    across lines near and far, missing line data, and transfer capacity known, missing or replaced."""
    rng = np.random.default_rng(5)

    def distance() -> float:
        return float("nan") if rng.random() < 0.15 else float(rng.choice([rng.uniform(0, 40), rng.uniform(0, 3)]))

    sites = [
        replace(STRONG, distance_hv_230_km=distance(), distance_hv_345_km=distance(), distance_hv_500_km=distance(),
                county_transfer_capacity_mw=float("nan") if rng.random() < 0.3 else float(rng.uniform(0, 4000)),
                generation_capacity_50km_mw=float("nan") if rng.random() < 0.3 else float(rng.uniform(0, 9000)))
        for _ in range(400)
    ]  # fmt: skip
    for capacity in (50.0, 1000.0):
        batch = compute_economics_arrays(SiteInputsArrays.from_sites(sites), capacity, draws=DRAWS)
        alone = [grid_swing_screen(site, capacity).reason for site in sites]
        assert list(batch["grid_swing_reason"]) == alone
        assert 10 < len(set(alone)) < 400  # shared reasons and different ones both occur


def test_small_tranche_passes_the_swing_screen_where_a_campus_fails() -> None:
    weakish = replace(STRONG, county_transfer_capacity_mw=800)
    assert not grid_swing_screen(weakish, 50.0).flag
    assert grid_swing_screen(weakish, 1000.0).flag
    assert compute_economics(weakish, 1000.0, draws=DRAWS).grid_swing_flag


# --- Vectorized == scalar, serialization, Decimal ------------------------------------------------------


def test_vectorized_equals_scalar_for_every_field() -> None:
    sites = list(SITES.values()) * 2
    caps = np.array([50.0, 1000.0, 300.0, 75.0, 1000.0, 50.0, 120.0, 2500.0])
    arrays = compute_economics_arrays(SiteInputsArrays.from_sites(sites), caps, seed=3, draws=DRAWS)
    for i, (site, cap) in enumerate(zip(sites, caps, strict=True)):
        scalar = compute_economics(site, float(cap), seed=3, draws=DRAWS)
        for f in fields(EconomicsResult):
            if f.name in ("missing_inputs", "seed", "draws", "model_version"):
                continue
            assert arrays[f.name][i] == getattr(scalar, f.name), (i, f.name)


def test_result_does_not_depend_on_batch_composition() -> None:
    sites = list(SITES.values())
    a = compute_economics_arrays(SiteInputsArrays.from_sites(sites), 1000.0, seed=1, draws=DRAWS)
    b = compute_economics_arrays(SiteInputsArrays.from_sites(sites[::-1]), 1000.0, seed=1, draws=DRAWS)
    np.testing.assert_array_equal(a["time_to_power_months_p50"], b["time_to_power_months_p50"][::-1])
    np.testing.assert_array_equal(a["total_capex_usd"], b["total_capex_usd"][::-1])


def test_from_columns_accepts_partial_columns_and_rejects_unknown_ones() -> None:
    x = SiteInputsArrays.from_columns({"distance_hv_230_km": [1.0, np.nan], "iso_region": ["PJM", None]})
    assert x.n_sites == 2 and np.isnan(x.county_labor_force).all()
    assert list(x.iso_region) == ["PJM", ""]
    with pytest.raises(InvalidSiteInput):
        SiteInputsArrays.from_columns({"distance_hv_230_kmx": [1.0]})
    with pytest.raises(InvalidSiteInput):
        SiteInputsArrays.from_columns({"distance_hv_230_km": [1.0], "county_labor_force": [1.0, 2.0]})


def test_to_dict_is_json_ready() -> None:
    r = compute_economics(WEST, 50.0, draws=DRAWS)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["capacity_mw"] == 50.0 and isinstance(d["missing_inputs"], list)
    assert d["binding_constraint"] == r.binding_constraint
    sc = scale_comparison(WEST, draws=DRAWS).to_dict()
    assert json.loads(json.dumps(sc))["large"]["capacity_mw"] == 1000.0
    assert json.loads(json.dumps(sc))["facility"]["waterfall"][0]["term"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "0.00"),
        (1234.565, "1234.56"),
        (50_567_976_296.325, "50567976296.32"),
        (-10.005, "-10.00"),
        (0.1 + 0.2, "0.30"),
    ],
)
def test_usd_to_decimal_rounds_to_cents(value: float, expected: str) -> None:
    assert usd_to_decimal(value) == Decimal(expected)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_usd_to_decimal_rejects_non_finite(value: float) -> None:
    with pytest.raises(DomainError):
        usd_to_decimal(value)


def test_money_as_decimals_covers_usd_fields_with_fifteen_plus_digits() -> None:
    money = compute_economics(EMPTY, 1000.0, draws=DRAWS).money_as_decimals()
    assert "total_capex_usd" in money and all(k.endswith("_usd") for k in money)
    assert len(money["total_capex_usd"].as_tuple().digits) >= 13  # ~$50 B with cents


# --- Properties ---------------------------------------------------------------------------------------

distance = st.one_of(st.none(), st.floats(min_value=0.0, max_value=500.0))
site_strategy = st.builds(
    SiteInputs,
    distance_hv_230_km=distance,
    distance_hv_345_km=distance,
    distance_hv_500_km=distance,
    plant_grid_voltage_kv_max_50km=st.one_of(st.none(), st.sampled_from([69.0, 138.0, 230.0, 345.0, 500.0])),
    county_labor_force=st.one_of(st.none(), st.floats(min_value=100, max_value=5e6)),
    county_unemployment_rate_pct=st.one_of(st.none(), st.floats(min_value=0.5, max_value=20)),
    county_transfer_capacity_mw=st.one_of(st.none(), st.floats(min_value=0, max_value=40_000)),
    iso_region=st.sampled_from([None, "PJM", "ERCOT", "MISO", "SPP", "CAISO", "non-ISO", "WECC"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site=site_strategy, line_km=distance)
def test_property_small_tranche_dearer_per_mw_when_grid_geometry_is_equal(
    site: SiteInputs, line_km: float | None
) -> None:
    # With every voltage class equally far away, per-site costs and learning always beat imported labour.
    site = replace(site, distance_hv_230_km=line_km, distance_hv_345_km=line_km, distance_hv_500_km=line_km)
    sc = scale_comparison(site, draws=50)
    assert sc.facility.ratio > 1.0
    assert sc.all_in.ratio > 1.0


def test_scale_advantage_shrinks_when_only_the_small_tie_is_close() -> None:
    # A 230 kV line on site but 345/500 kV lines 146/232 km away: the 50 MW block taps the local line; the
    # campus needs a long 345 kV tie and imports its crew.
    site = SiteInputs(distance_hv_230_km=0.0, distance_hv_345_km=146.0, distance_hv_500_km=232.0)
    near = scale_comparison(replace(site, distance_hv_345_km=1.0, distance_hv_500_km=1.0), draws=DRAWS)
    sc = scale_comparison(site, draws=DRAWS)
    assert sc.all_in.ratio < near.all_in.ratio
    assert sc.large.line_capex_usd > 10 * sc.small.line_capex_usd


@settings(max_examples=60, deadline=None)
@given(
    site=site_strategy,
    cap=st.floats(min_value=5.0, max_value=5000.0),
    extra=st.floats(min_value=1.0, max_value=2000.0),
)
def test_property_total_capex_grows_with_capacity(site: SiteInputs, cap: float, extra: float) -> None:
    # Without the bridge decision (a step the model may take at one size and not the other).
    x = SiteInputsArrays.from_sites([site, site])
    r = compute_economics_arrays(x, np.array([cap, cap + extra]), NO_BRIDGE, draws=50)
    assert r["total_capex_usd"][1] > r["total_capex_usd"][0]
    assert r["time_to_power_months_p10"][0] <= r["time_to_power_months_p50"][0] <= r["time_to_power_months_p90"][0]


@settings(max_examples=80, deadline=None)
@given(
    name=st.sampled_from(sorted(parameter_specs())),
    fraction=st.floats(min_value=0.0, max_value=1.0),
)
def test_property_any_value_inside_the_documented_range_is_accepted(name: str, fraction: float) -> None:
    spec = parameter_specs()[name]
    if spec["flag"]:
        value = float(round(fraction))
    else:
        value = spec["lo"] + fraction * (min(spec["hi"], 1e12) - spec["lo"])
        if spec["integer"]:
            value = float(math.floor(value))
    try:
        p = parameters_with_overrides({name: value})
    except InvalidParameter as exc:
        # Only the ordering of low/mode/high ranges may reject an in-range value, and it must say so.
        assert "must be >=" in exc.reason, exc
    else:
        assert getattr(p, name) == value
        assert isinstance(p, EconomicsParameters)
