"""Build-economics model: compute accounting, capex, scale, opex, validation, missing data, grid swing."""

from __future__ import annotations

import json
import math
import re
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitesel.domain.economics import (
    capital_recovery_factor,
    compute_economics,
    compute_economics_arrays,
    grid_swing_screen,
    scale_comparison,
)
from sitesel.domain.errors import DomainError, InvalidParameter, InvalidSiteInput
from sitesel.domain.parameters import (
    DEFAULT_PARAMETERS,
    EconomicsParameters,
    parameter_specs,
    parameters_with_overrides,
)
from sitesel.domain.types import (
    MISSING_BITS,
    EconomicsResult,
    SiteInputs,
    SiteInputsArrays,
    usd_to_decimal,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "economics.md"
DRAWS = 200  # enough for stable percentiles, keeps the suite fast

STRONG = SiteInputs(
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
)
REMOTE = SiteInputs(
    distance_hv_230_km=40.0,
    distance_hv_345_km=90.0,
    distance_hv_500_km=200.0,
    county_labor_force=3_000,
    county_transfer_capacity_mw=200,
    iso_region="SPP",
    state="KS",
)
WEST = SiteInputs(plant_grid_voltage_kv_max_50km=500, county_labor_force=50_000, iso_region="non-ISO", state="NV")
EMPTY = SiteInputs()
SITES = {"strong": STRONG, "remote": REMOTE, "west": WEST, "empty": EMPTY}

CAPEX_PARTS = (
    "facility_capex_usd",
    "ai_premium_capex_usd",
    "site_works_capex_usd",
    "it_equipment_capex_usd",
    "land_capex_usd",
    "substation_capex_usd",
    "transformer_capex_usd",
    "line_capex_usd",
    "labor_mobilization_capex_usd",
    "bridge_power_capex_usd",
)
ZERO_FIXED = {
    "site_works_fixed_usd": 0.0,
    "substation_cost_usd_230kv": 0.0,
    "substation_cost_usd_345kv": 0.0,
    "substation_cost_usd_500kv": 0.0,
    "line_cost_usd_per_mile_230kv": 0.0,
    "line_cost_usd_per_mile_345kv": 0.0,
    "line_cost_usd_per_mile_500kv": 0.0,
    "mobilization_fixed_usd": 0.0,
    "camp_fixed_usd": 0.0,
}


# --- Compute accounting --------------------------------------------------------------------------


def test_defaults_give_450_to_550_thousand_gpus_per_gw() -> None:
    r = compute_economics(STRONG, 1000.0, draws=DRAWS)
    assert 450_000 <= r.gpus <= 550_000
    assert r.it_mw == pytest.approx(1000.0 / DEFAULT_PARAMETERS.pue)


@pytest.mark.parametrize(
    ("capacity_mw", "overrides", "expected_gpus"),
    [
        # 50 MW / 1.2 = 41,667 kW IT; / 126 kW = 330.7 racks -> 330 whole racks x 72.
        (50.0, {}, 330 * 72),
        (1000.0, {}, 6613 * 72),
        # PUE 1.5: 666,667 kW / 132 kW = 5050.5 racks.
        (1000.0, {"pue": 1.5, "rack_power_kw": 132.0}, 5050 * 72),
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
    assert all(getattr(r, f) >= 0 for f in CAPEX_PARTS)


def test_capex_components_match_hand_calculation() -> None:
    # A 50 MW site whose only sensible tie is a single 230 kV circuit 8 km away.
    site = SiteInputs(
        distance_hv_230_km=8.0,
        distance_hv_345_km=200.0,
        distance_hv_500_km=300.0,
        county_labor_force=100_000,
        land_price_usd_per_acre=100_000,
        iso_region="MISO",
    )
    r = compute_economics(site, 50.0, draws=DRAWS)
    markup = 1.2 * 1.075 * 1.227  # contingency, AFUDC, 2019 -> 2024 $
    routed_miles = 8.0 / 1.609344 * 1.3
    assert r.interconnect_voltage_kv == 230 and r.interconnect_circuits == 1
    assert r.line_capex_usd == pytest.approx(routed_miles * 1_694_747 * 1.2 * markup)  # spur < 10 mi: x1.2
    assert r.substation_capex_usd == pytest.approx(9.7e6 * markup)
    assert r.transformer_capex_usd == pytest.approx(50 * 7_490 * markup)
    assert r.land_capex_usd == pytest.approx(50 * 0.73 * 100_000)
    assert r.it_equipment_capex_usd == pytest.approx(330 * 72 * 73_500)
    facility = (50 / 1.2) * 11.7e6 * 0.9 * 1.5
    assert r.facility_capex_usd == pytest.approx(facility)
    assert r.ai_premium_capex_usd == pytest.approx(facility * 0.085)
    # 100k labour force x 3 counties x 4.9 % x (15 % + 4 % unemployed) = 2,793 >= 240 needed: no shortfall.
    assert r.labor_shortfall_workers == 0
    assert r.labor_mobilization_capex_usd == pytest.approx(5e6)


def test_one_gigawatt_takes_the_cheaper_of_a_double_345_kv_or_single_500_kv_tie() -> None:
    near_345 = replace(STRONG, distance_hv_345_km=5.0, distance_hv_500_km=150.0)
    near_500 = replace(STRONG, distance_hv_345_km=5.0, distance_hv_500_km=5.0)
    a = compute_economics(near_345, 1000.0, draws=DRAWS)
    b = compute_economics(near_500, 1000.0, draws=DRAWS)
    assert (a.interconnect_voltage_kv, a.interconnect_circuits) == (345, 2)
    assert (b.interconnect_voltage_kv, b.interconnect_circuits) == (500, 1)
    # 230 kV would need three 400 MW circuits, above max_circuits = 2.
    assert a.interconnect_voltage_kv != 230


def test_labor_shortfall_costs_money_and_stretches_schedule() -> None:
    small_county = replace(STRONG, county_labor_force=5_000)
    big_county = replace(STRONG, county_labor_force=2_000_000)
    short = compute_economics(small_county, 1000.0, draws=DRAWS)
    ample = compute_economics(big_county, 1000.0, draws=DRAWS)
    assert short.labor_shortfall_workers > 4_000
    assert ample.labor_shortfall_workers == 0
    assert short.labor_mobilization_capex_usd > ample.labor_mobilization_capex_usd + 100e6
    assert short.schedule_stretch_months > 3.0
    assert ample.schedule_stretch_months == 0
    assert short.time_to_power_months_p50 > ample.time_to_power_months_p50


# --- Scale ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SITES))
def test_fifty_mw_costs_more_per_mw_than_one_gw_at_the_same_site(name: str) -> None:
    sc = scale_comparison(SITES[name], draws=DRAWS)
    assert sc.small_capex_per_mw_usd > sc.large_capex_per_mw_usd
    # Magnitude: all-in per-MW capex is dominated by IT (no scale economy), so the gap is a few
    # percent; excluding IT it is 5-60 %. Fixed cost per MW falls by at least 3x from 50 MW to 1 GW.
    assert 1.01 < sc.ratio < 1.25
    assert 1.05 < sc.build_ratio < 1.6
    assert sc.small_fixed_capex_per_mw_usd > 3 * sc.large_fixed_capex_per_mw_usd
    assert sc.ratio == pytest.approx(sc.small_capex_per_mw_usd / sc.large_capex_per_mw_usd)


@pytest.mark.parametrize("name", list(SITES))
def test_scale_economy_comes_from_fixed_costs(name: str) -> None:
    # Remove every fixed cost: the small-site premium disappears (labour then favours the small site).
    with_fixed = scale_comparison(SITES[name], draws=DRAWS)
    without = scale_comparison(SITES[name], params=parameters_with_overrides(ZERO_FIXED), draws=DRAWS)
    assert without.ratio < 1.001
    assert without.build_ratio < with_fixed.build_ratio


# --- Opex and levelised cost -------------------------------------------------------------------------


def test_opex_is_energy_at_price_times_pue_times_utilisation() -> None:
    r = compute_economics(STRONG, 1000.0, draws=DRAWS)
    # IT 833.3 MW x PUE 1.2 = 1000 MW; x 0.8 utilisation x 8760 h x $75/MWh.
    assert r.opex_usd_per_year == pytest.approx(1000 * 0.8 * 8760 * 75.0)
    assert r.opex_usd_per_mw_year == pytest.approx(0.8 * 8760 * 75.0)
    missing_price = compute_economics(replace(STRONG, state_industrial_price_cents_kwh=None), 1000.0, draws=DRAWS)
    assert missing_price.power_price_usd_per_mwh == pytest.approx(80.6)


def test_usd_per_gpu_hour_uses_capital_recovery_over_stated_lives() -> None:
    r = compute_economics(STRONG, 1000.0, draws=DRAWS)
    crf_it = 0.08 * 1.08**5 / (1.08**5 - 1)
    crf_fac = 0.08 * 1.08**20 / (1.08**20 - 1)
    annual = r.it_equipment_capex_usd * crf_it + (r.total_capex_usd - r.it_equipment_capex_usd) * crf_fac
    assert r.annualized_capex_usd_per_year == pytest.approx(annual)
    assert r.usd_per_gpu_hour == pytest.approx((annual + r.opex_usd_per_year) / (r.gpus * 8760 * 0.8))
    assert 1.0 < r.usd_per_gpu_hour < 10.0
    longer = compute_economics(STRONG, 1000.0, parameters_with_overrides({"it_life_years": 6}), draws=DRAWS)
    assert longer.usd_per_gpu_hour < r.usd_per_gpu_hour


@pytest.mark.parametrize(("rate", "years", "expected"), [(0.0, 10, 0.1), (0.08, 5, 0.25045645), (0.1, 20, 0.11745962)])
def test_capital_recovery_factor(rate: float, years: float, expected: float) -> None:
    assert capital_recovery_factor(rate, years) == pytest.approx(expected, rel=1e-6)


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
        ({"grid_wait_constrained_months_high": 10.0}, "grid_wait_constrained_months_high"),
    ],
)
def test_invalid_override_names_the_field(overrides: dict, field: str) -> None:
    with pytest.raises(InvalidParameter) as exc:
        parameters_with_overrides(overrides)
    assert exc.value.field == field
    assert field in str(exc.value)
    assert exc.value.code == "invalid_parameter"


def test_valid_overrides_apply_and_change_results() -> None:
    p = parameters_with_overrides({"pue": 1.4, "land_price_usd_per_acre": 1_000_000, "bridge_power_enabled": 1})
    assert (p.pue, p.land_price_usd_per_acre, p.bridge_power_enabled) == (1.4, 1_000_000.0, 1.0)
    assert DEFAULT_PARAMETERS.pue == 1.2  # defaults untouched
    base = compute_economics(REMOTE, 1000.0, draws=DRAWS)
    changed = compute_economics(REMOTE, 1000.0, p, draws=DRAWS)
    assert changed.gpus < base.gpus
    assert changed.land_capex_usd > base.land_capex_usd


def test_every_parameter_is_documented_with_default_and_source() -> None:
    text = DOCS.read_text()
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\|\s*`([a-z0-9_]+)`\s*\|.*$", text, re.M)}
    specs = parameter_specs()
    undocumented = sorted(set(specs) - set(rows))
    assert not undocumented, f"parameters missing from docs/economics.md: {undocumented}"
    input_names = {f.name for f in fields(SiteInputs)}
    assert not sorted(set(rows) - set(specs) - input_names), "docs list parameters that do not exist"
    for name, spec in specs.items():
        cells = [c.strip() for c in rows[name].strip("|").split("|")]
        assert float(cells[1].replace(",", "").replace("_", "")) == pytest.approx(spec["default"]), name
        assert spec["source"], name


def test_every_parameter_default_is_within_its_validation_range() -> None:
    for name, spec in parameter_specs().items():
        assert spec["lo"] <= spec["default"] <= spec["hi"], name


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
    ],
)
def test_a_missing_input_is_flagged_and_never_makes_the_site_look_better(field: str) -> None:
    full = compute_economics(STRONG, 1000.0, draws=DRAWS)
    gap = compute_economics(replace(STRONG, **{field: None}), 1000.0, draws=DRAWS)
    assert field in gap.missing_inputs and field not in full.missing_inputs
    assert gap.total_capex_usd >= full.total_capex_usd - 1e-6
    assert gap.usd_per_gpu_hour >= full.usd_per_gpu_hour - 1e-12
    assert gap.time_to_power_months_p50 >= full.time_to_power_months_p50 - 1e-9


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
    # With every voltage class equally far away, fixed costs always win over the labour penalty.
    site = replace(site, distance_hv_230_km=line_km, distance_hv_345_km=line_km, distance_hv_500_km=line_km)
    sc = scale_comparison(site, draws=50)
    assert sc.ratio > 1.0
    assert sc.build_ratio > 1.0


def test_scale_advantage_can_vanish_when_only_the_small_tie_is_close() -> None:
    # Found by hypothesis: a 230 kV line on site but 345/500 kV lines 146/232 km away. The 50 MW tranche
    # taps the local line; the campus needs a long double 345 kV tie and imports its crew.
    site = SiteInputs(distance_hv_230_km=0.0, distance_hv_345_km=146.0, distance_hv_500_km=232.0)
    sc = scale_comparison(site, draws=DRAWS)
    assert sc.ratio < 1.01
    assert sc.large.line_capex_usd > 10 * sc.small.line_capex_usd


@settings(max_examples=60, deadline=None)
@given(
    site=site_strategy,
    cap=st.floats(min_value=5.0, max_value=5000.0),
    extra=st.floats(min_value=1.0, max_value=2000.0),
)
def test_property_total_capex_grows_with_capacity(site: SiteInputs, cap: float, extra: float) -> None:
    x = SiteInputsArrays.from_sites([site, site])
    r = compute_economics_arrays(x, np.array([cap, cap + extra]), draws=50)
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
