"""Phased time to compute: phases, blocks, closed forms against brute force, bridge, binding phase, draws."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitesel.domain.calibration import WELL_SERVED_SITE
from sitesel.domain.economics import compute_economics, schedule_inputs
from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.parameters import DEFAULT_PARAMETERS, parameters_with_overrides
from sitesel.domain.time_to_power import (
    BINDING_LABELS,
    WEEKS_PER_MONTH,
    _bridge_plan,
    _draw_columns,
    _live,
    _phases,
    _simulated_rows,
    _sum_live,
    _timing_columns,
    region_constraint_weights,
    scenario_draws,
    schedule_arrays,
    site_schedule,
    site_timing,
    study_bounds_months,
)
from sitesel.domain.types import SiteInputs, SiteInputsArrays

DRAWS = 300
REGIONS = ["PJM", "ERCOT", "MISO", "SPP", "CAISO", "NYISO", "ISO-NE", "non-ISO", None, "WECC"]
NO_BRIDGE = parameters_with_overrides({"bridge_power_enabled": 0})
STRONG = WELL_SERVED_SITE


def inputs(site: SiteInputs, capacity_mw: float, params=DEFAULT_PARAMETERS, n: int = 1):
    return schedule_inputs(SiteInputsArrays.from_sites([site] * n), capacity_mw, params, draws=DRAWS)


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("capacity_mw", [20.0, 50.0, 100.0, 101.0, 1000.0])
def test_percentiles_are_ordered_and_first_power_comes_before_full_power(
    region: str | None, capacity_mw: float
) -> None:
    r = compute_economics(replace(STRONG, iso_region=region), capacity_mw, draws=DRAWS)
    assert r.time_to_first_power_months_p10 <= r.time_to_first_power_months_p50 <= r.time_to_first_power_months_p90
    assert r.time_to_power_months_p10 <= r.time_to_power_months_p50 <= r.time_to_power_months_p90
    assert r.time_to_first_power_months_p10 < r.time_to_first_power_months_p90  # a distribution, not a point
    # Every draw: first block <= capacity-weighted mean <= last block, so the medians keep that order.
    assert r.time_to_first_power_months_p50 <= r.time_to_compute_months_p50 <= r.time_to_power_months_p50
    assert r.construction_start_months_p50 >= r.site_control_months_p50
    assert r.binding_constraint in BINDING_LABELS


def test_same_seed_same_answer_different_seed_different_answer() -> None:
    x = SiteInputsArrays.from_sites([STRONG, replace(STRONG, iso_region="SPP"), SiteInputs()])
    caps = np.array([50.0, 1000.0, 300.0])
    a = schedule_arrays(schedule_inputs(x, caps), seed=42)
    b = schedule_arrays(schedule_inputs(x, caps), seed=42)
    c = schedule_arrays(schedule_inputs(x, caps), seed=43)
    np.testing.assert_array_equal(a.full_power_p50, b.full_power_p50)
    assert not np.array_equal(a.full_power_p50, c.full_power_p50)


@pytest.mark.parametrize(
    ("region", "capacity_mw", "low", "high"),
    [
        ("PJM", 1000.0, 24.0, 60.0),  # a large load in a constrained market
        ("SPP", 1000.0, 15.0, 33.0),  # weight 0.25 between the unconstrained 12-24 and constrained 24-60 months
        ("PJM", 50.0, 12.0, 30.0),  # below the large-load threshold: half the study
        ("non-ISO", 100.0, 9.0, 21.0),  # the threshold itself counts as small
        ("ERCOT", 80.0, 21.0, 51.0),  # ERCOT's large-load threshold is 75 MW
        ("somewhere", 1000.0, 24.0, 60.0),  # unknown region -> treated as constrained
    ],
)
def test_study_range_by_region_and_size(region: str, capacity_mw: float, low: float, high: float) -> None:
    weight, _, threshold = region_constraint_weights(np.array([region], dtype=object))
    lo, hi = study_bounds_months(np.array([capacity_mw]), weight, threshold)
    assert (lo[0], hi[0]) == pytest.approx((low, high))


def test_region_spellings_and_unknowns() -> None:
    names = np.array(["pjm", "Iso-Ne", "NE ISO", "non_iso", "", None, "WECC"], dtype=object)
    weights, known, _ = region_constraint_weights(names)
    assert list(known) == [True, True, True, True, False, False, False]
    assert weights[0] == DEFAULT_PARAMETERS.grid_constraint_pjm
    assert weights[-1] == DEFAULT_PARAMETERS.grid_constraint_unknown


def test_constrained_regions_and_large_loads_wait_longer_for_the_grid() -> None:
    def grid(region: str, cap: float) -> float:
        return compute_economics(
            replace(STRONG, iso_region=region), cap, NO_BRIDGE, draws=DRAWS
        ).grid_energised_months_p50

    assert grid("PJM", 1000.0) > grid("SPP", 1000.0)
    assert grid("PJM", 1000.0) > grid("PJM", 50.0)


def test_ground_breaking_waits_for_the_agreement_unless_on_site_power_carries_the_first_blocks() -> None:
    grid_only = compute_economics(STRONG, 1000.0, NO_BRIDGE, draws=DRAWS)
    bridged = compute_economics(STRONG, 1000.0, draws=DRAWS)
    assert grid_only.construction_start_months_p50 == pytest.approx(
        max(grid_only.site_control_months_p50, grid_only.interconnection_study_months_p50)
    )
    assert bridged.bridge_power_used
    assert bridged.construction_start_months_p50 == pytest.approx(bridged.site_control_months_p50)
    assert bridged.time_to_first_power_months_p50 < grid_only.time_to_first_power_months_p50


@settings(max_examples=200, deadline=None)
@given(
    a=st.floats(0.0, 100.0),
    delta=st.floats(0.01, 20.0),
    g=st.floats(0.0, 200.0),
    k0=st.integers(1, 30),
    length=st.integers(-1, 30),
)
def test_closed_form_block_sum_equals_the_brute_force_sum(a: float, delta: float, g: float, k0: int, length: int):
    k1 = k0 + length
    brute = sum(max(a + (k - 1) * delta, g) for k in range(k0, k1 + 1))
    got = _sum_live(np.array([a]), np.array([delta]), np.array([g]), np.array([float(k0)]), np.array([float(k1)]))
    assert got[0] == pytest.approx(brute, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("capacity_mw", [50.0, 120.0, 1000.0, 1030.0])
@pytest.mark.parametrize("bridge", [True, False])
def test_time_to_compute_is_the_capacity_weighted_mean_go_live_of_every_block(capacity_mw: float, bridge: bool):
    p = DEFAULT_PARAMETERS if bridge else NO_BRIDGE
    x = inputs(STRONG, capacity_mw, p)
    summary = schedule_arrays(x, p, draws=DRAWS)
    # Brute force: every block's go-live in every draw, weighted by its MW.
    t = site_timing(x, p)
    d = scenario_draws(p, 0, DRAWS)
    ph = _phases(_timing_columns(t), _draw_columns(d), summary.bridge.used[:, None], summary.bridge.blocks[:, None], p)
    n = int(t.blocks[0])
    sizes = np.full(n, 50.0)
    sizes[-1] = capacity_mw - 50.0 * (n - 1)
    live = np.stack([_live(ph, np.array([[float(k)]]))[0] for k in range(1, n + 1)])
    weighted = (sizes[:, None] * live).sum(axis=0) / capacity_mw
    assert summary.time_to_compute_p50[0] == pytest.approx(np.median(weighted), rel=1e-5)
    assert summary.bridge.used[0] == bridge


def test_site_schedule_gives_every_block_and_a_mw_live_curve() -> None:
    s = site_schedule(inputs(STRONG, 1000.0), draws=DRAWS)
    assert len(s.blocks) == 20 and sum(b.mw for b in s.blocks) == pytest.approx(1000.0)
    p50 = [b.live_months_p50 for b in s.blocks]
    assert p50 == sorted(p50)
    assert all(b.live_months_p10 <= b.live_months_p50 <= b.live_months_p90 for b in s.blocks)
    assert any(b.on_site_power for b in s.blocks)
    for curve in (s.mw_live_p10, s.mw_live_p50, s.mw_live_p90):
        assert list(curve) == sorted(curve) and curve[-1] == pytest.approx(1000.0)
    # P90 dates are later, so fewer MW are live by any quarter at the P90 edge of the band... read as the MW
    # live in the 10th-percentile draw: the curve band is ordered the other way round.
    assert all(lo <= hi for lo, hi in zip(s.mw_live_p10, s.mw_live_p90, strict=True))
    assert s.phases_p50["construction_start"] <= s.phases_p50["first_block_built"]


def test_a_single_block_site_has_no_ramp_and_a_campus_ramps_over_the_median_ramp() -> None:
    one = compute_economics(STRONG, 50.0, NO_BRIDGE, draws=DRAWS)
    campus = compute_economics(STRONG, 1000.0, NO_BRIDGE, draws=DRAWS)
    assert one.ramp_months_p50 == 0.0
    assert one.time_to_first_power_months_p50 == one.time_to_power_months_p50
    d = scenario_draws(DEFAULT_PARAMETERS, 0, DRAWS)
    assert campus.ramp_months_p50 == pytest.approx(np.median(d.ramp))  # 20 blocks: the reference campus
    smaller = compute_economics(STRONG, 300.0, NO_BRIDGE, draws=DRAWS)
    assert 0 < smaller.ramp_months_p50 < campus.ramp_months_p50


@pytest.mark.parametrize(
    ("site", "capacity_mw", "params", "expected"),
    [
        (STRONG, 1000.0, NO_BRIDGE, "interconnection study"),
        (STRONG, 1000.0, DEFAULT_PARAMETERS, "construction"),
        (
            replace(STRONG, iso_region="SPP", county_labor_force=3_000),
            300.0,
            parameters_with_overrides({"bridge_power_enabled": 0, "schedule_stretch_per_shortfall_share": 2.0}),
            "labor shortfall",
        ),
        (
            STRONG,
            1000.0,
            parameters_with_overrides({"bridge_power_enabled": 0, "hv_equipment_ordered_at_decision": 0}),
            "interconnection study",
        ),
    ],
)
def test_binding_phase(site: SiteInputs, capacity_mw: float, params, expected: str) -> None:
    assert compute_economics(site, capacity_mw, params, draws=DRAWS).binding_constraint == expected


def test_equipment_and_phase_draws_follow_their_ranges() -> None:
    d = scenario_draws(DEFAULT_PARAMETERS, seed=7, draws=20_000)
    assert d.transformer.min() >= 50 / WEEKS_PER_MONTH and d.transformer.max() <= 160 / WEEKS_PER_MONTH
    assert d.switchgear.min() >= 46 / WEEKS_PER_MONTH and d.switchgear.max() <= 80 / WEEKS_PER_MONTH
    assert d.first_block.min() >= 10 and d.first_block.max() <= 72
    assert d.first_block.mean() == pytest.approx((10 + 16 + 72) / 3, abs=0.3)  # triangular mean
    assert d.generation.min() >= 12 and d.generation.max() <= 18


@pytest.mark.parametrize(("capacity", "draws"), [(0.0, 10), (-5.0, 10), (float("nan"), 10), (50.0, 0)])
def test_invalid_arguments_are_rejected(capacity: float, draws: int) -> None:
    with pytest.raises(InvalidSiteInput):
        compute_economics(STRONG, capacity, draws=draws)


@settings(max_examples=40, deadline=None)
@given(
    cap=st.floats(min_value=1.0, max_value=3000.0),
    region=st.sampled_from(REGIONS),
    labor=st.one_of(st.none(), st.floats(100.0, 1e6)),
    gas_km=st.one_of(st.none(), st.floats(0.0, 200.0)),
)
def test_property_percentiles_ordered_and_first_power_after_the_first_build(cap, region, labor, gas_km) -> None:
    site = replace(STRONG, iso_region=region, county_labor_force=labor, distance_gas_pipeline_km=gas_km)
    r = compute_economics(site, cap, draws=100)
    assert r.time_to_first_power_months_p10 <= r.time_to_first_power_months_p50 <= r.time_to_first_power_months_p90
    assert r.time_to_power_months_p50 >= r.time_to_first_power_months_p50
    # Power never comes before ground-breaking plus the shortest first block.
    assert r.time_to_first_power_months_p10 >= DEFAULT_PARAMETERS.first_block_months_low


SCHEDULE_FIELDS = (
    "first_power_p10", "first_power_p50", "first_power_p90", "full_power_p10", "full_power_p50", "full_power_p90",
    "time_to_compute_p50",
)  # fmt: skip


@pytest.mark.parametrize("capacity_mw", [50.0, 1000.0])
def test_a_line_step_simulates_each_rounded_schedule_once(capacity_mw: float) -> None:
    """With `line_km_step`, sites whose schedules differ only below the step share one simulated row, and each
    gets what it would with its line rounded to the step."""
    rng = np.random.default_rng(7)
    base = inputs(STRONG, capacity_mw, NO_BRIDGE, n=400)
    x = replace(base, line_km=rng.uniform(0.0, 60.0, 400))
    t = site_timing(x, NO_BRIDGE)
    plan = _bridge_plan(x, t, scenario_draws(NO_BRIDGE, 0, DRAWS).medians(), NO_BRIDGE)
    rows = _simulated_rows(t, plan, NO_BRIDGE, 1.0)
    assert len(rows.used) == len(np.unique(np.round(x.line_km))) < 400
    stepped = schedule_arrays(x, NO_BRIDGE, draws=DRAWS, line_km_step=1.0)
    rounded = schedule_arrays(replace(x, line_km=np.round(x.line_km)), NO_BRIDGE, draws=DRAWS)
    for name in SCHEDULE_FIELDS:
        np.testing.assert_allclose(getattr(stepped, name), getattr(rounded, name), atol=1e-4)


@pytest.mark.parametrize("capacity_mw", [50.0, 1000.0])
def test_a_line_step_moves_no_answer_more_than_half_a_step_of_line_months(capacity_mw: float) -> None:
    """Every go-live is 1-Lipschitz in the line's months, so rounding the line moves each percentile by at most
    half a step's months; the bridge decision and the path of medians stay the exact inputs'."""
    rng = np.random.default_rng(11)
    base = inputs(STRONG, capacity_mw, n=300)
    x = replace(base, line_km=rng.uniform(0.0, 150.0, 300), gas_feasible=rng.random(300) < 0.5)
    exact = schedule_arrays(x, draws=DRAWS)
    stepped = schedule_arrays(x, draws=DRAWS, line_km_step=1.0)
    half_step = DEFAULT_PARAMETERS.line_build_months_per_100km * 0.5 / 100.0
    for name in SCHEDULE_FIELDS:
        assert np.max(np.abs(getattr(stepped, name) - getattr(exact, name))) <= half_step + 1e-4
    np.testing.assert_array_equal(stepped.grid_p50, exact.grid_p50)
    np.testing.assert_array_equal(stepped.bridge.used, exact.bridge.used)
    assert 0 < exact.bridge.used.sum() < 300  # both paths, with and without on-site power, are exercised
