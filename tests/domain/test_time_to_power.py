"""Time-to-power Monte Carlo: ordering, determinism, regional and size effects, binding constraint, speed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitesel.domain.economics import compute_economics
from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.parameters import DEFAULT_PARAMETERS, parameters_with_overrides
from sitesel.domain.time_to_power import (
    BINDING_LABELS,
    WEEKS_PER_MONTH,
    grid_wait_bounds_months,
    region_constraint_weights,
    scenario_draws,
    time_to_power,
    time_to_power_arrays,
)
from sitesel.domain.types import SiteInputs

REGIONS = ["PJM", "ERCOT", "MISO", "SPP", "CAISO", "NYISO", "ISO-NE", "non-ISO", None, "WECC"]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("capacity_mw", [20.0, 50.0, 100.0, 101.0, 1000.0])
def test_percentiles_are_ordered_and_plausible(region: str | None, capacity_mw: float) -> None:
    r = time_to_power(capacity_mw, region, draws=300)
    assert r.p10_months <= r.p50_months <= r.p90_months
    assert r.p10_months < r.p90_months  # a real distribution, not a point
    # Never faster than the shortest construction; never slower than every upper bound stacked.
    assert r.p10_months >= 11.0
    assert r.p90_months <= 84 + 160 / WEEKS_PER_MONTH + 36
    assert r.binding_constraint in BINDING_LABELS


def test_same_seed_same_answer_different_seed_different_answer() -> None:
    caps = np.array([50.0, 1000.0, 300.0])
    regions = np.array(["PJM", "SPP", None], dtype=object)
    a = time_to_power_arrays(caps, regions, 0.1, seed=42)
    b = time_to_power_arrays(caps, regions, 0.1, seed=42)
    c = time_to_power_arrays(caps, regions, 0.1, seed=43)
    for name in ("p10_months", "p50_months", "p90_months"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.p50_months, c.p50_months)


@pytest.mark.parametrize(
    ("region", "capacity_mw", "low", "high"),
    [
        ("PJM", 1000.0, 48.0, 84.0),  # 4-7 years for > 100 MW in a constrained market
        ("SPP", 1000.0, 39.0, 57.0),  # weight 0.25 between 3-4 and 4-7 years
        ("PJM", 50.0, 24.0, 42.0),  # small loads wait half as long
        ("non-ISO", 100.0, 21.0, 33.0),  # the threshold itself counts as small
        ("somewhere", 1000.0, 48.0, 84.0),  # unknown region -> treated as constrained
    ],
)
def test_grid_wait_range_by_region_and_size(region: str, capacity_mw: float, low: float, high: float) -> None:
    weight, _ = region_constraint_weights(np.array([region], dtype=object))
    lo, hi = grid_wait_bounds_months(np.array([capacity_mw]), weight)
    assert (lo[0], hi[0]) == pytest.approx((low, high))


def test_region_spellings_and_unknowns() -> None:
    weight, known = region_constraint_weights(
        np.array(["pjm", "ISO-NE", "iso_ne", "Non-ISO", "", None, "SERC"], dtype=object)
    )
    assert known.tolist() == [True, True, True, True, False, False, False]
    assert weight.tolist() == [1.0, 0.75, 0.75, 0.5, 1.0, 1.0, 1.0]


def test_constrained_regions_and_large_loads_wait_longer() -> None:
    pjm_big = time_to_power(1000.0, "PJM")
    spp_big = time_to_power(1000.0, "SPP")
    pjm_small = time_to_power(50.0, "PJM")
    assert pjm_big.p50_months > spp_big.p50_months + 6
    assert pjm_big.p50_months > pjm_small.p50_months + 12


def test_labor_stretch_and_overlap_move_p50_the_right_way() -> None:
    base = time_to_power(1000.0, "PJM")
    stretched = time_to_power(1000.0, "PJM", labor_stretch_share=0.3)
    assert stretched.p50_months > base.p50_months + 4
    assert stretched.schedule_stretch_months == pytest.approx(0.3 * base.construction_p50_months)
    overlapped = time_to_power(1000.0, "PJM", params=parameters_with_overrides({"construction_overlap_frac": 1.0}))
    assert overlapped.p50_months < base.p50_months - 10


@pytest.mark.parametrize(
    ("capacity_mw", "region", "stretch", "overrides", "expected"),
    [
        (1000.0, "PJM", 0.0, {}, "interconnection wait"),
        (50.0, "SPP", 0.0, {}, "transformer lead time"),
        (
            50.0,
            "SPP",
            0.0,
            {
                "grid_constraint_spp": 0.0,
                "small_load_wait_factor": 0.1,
                "transformer_lead_weeks_low": 10.0,
                "transformer_lead_weeks_mode": 10.0,
                "transformer_lead_weeks_high": 10.0,
            },
            "switchgear lead time",
        ),
        (1000.0, "PJM", 0.0, {"bridge_power_enabled": 1.0}, "bridge power lead time"),
        (1000.0, "PJM", 0.3, {"bridge_power_enabled": 1.0}, "labor shortfall"),
    ],
)
def test_binding_constraint(capacity_mw: float, region: str, stretch: float, overrides: dict, expected: str) -> None:
    r = time_to_power(capacity_mw, region, stretch, parameters_with_overrides(overrides))
    assert r.binding_constraint == expected


def test_bridge_power_is_used_only_when_enabled_and_faster() -> None:
    site = SiteInputs(distance_hv_345_km=5, distance_hv_500_km=10, county_labor_force=1e6, iso_region="PJM")
    recip = parameters_with_overrides({"bridge_power_enabled": 1})
    turbines = parameters_with_overrides({"bridge_power_enabled": 1, "bridge_uses_turbines": 1})
    off = compute_economics(site, 1000.0)
    on = compute_economics(site, 1000.0, recip)
    slow = compute_economics(site, 1000.0, turbines)
    assert not off.bridge_power_used and off.bridge_power_capex_usd == 0
    assert on.bridge_power_used and on.bridge_power_capex_usd == pytest.approx(1000 * 1000 * 2_120)
    assert on.time_to_power_months_p50 < off.time_to_power_months_p50 - 24
    # Turbines on a 5-7 year lead time are no faster than this grid, so they are not built.
    assert not slow.bridge_power_used and slow.bridge_power_capex_usd == 0


def test_scalar_wrapper_equals_the_array_row() -> None:
    caps = np.array([50.0, 1000.0, 75.0, 400.0])
    regions = np.array(["PJM", "SPP", None, "ERCOT"], dtype=object)
    stretch = np.array([0.0, 0.2, 0.05, 0.0])
    arr = time_to_power_arrays(caps, regions, stretch, seed=7, draws=250)
    for i in range(4):
        one = time_to_power(float(caps[i]), regions[i], float(stretch[i]), seed=7, draws=250)
        assert (one.p10_months, one.p50_months, one.p90_months) == (
            arr.p10_months[i],
            arr.p50_months[i],
            arr.p90_months[i],
        )
        assert one.binding_constraint == arr.binding_constraint[i]


def test_equipment_draws_follow_their_published_ranges() -> None:
    d = scenario_draws(DEFAULT_PARAMETERS, seed=0, draws=40_000)
    tr_weeks = d.transformer_months * WEEKS_PER_MONTH
    sw_weeks = d.switchgear_months * WEEKS_PER_MONTH
    assert tr_weeks.min() >= 50 and tr_weeks.max() <= 160
    assert sw_weeks.min() >= 46 and sw_weeks.max() <= 80
    # Triangular(50, 120, 160): F(mode) = 70/110 > 1/2, so median = 50 + sqrt(0.5 * 110 * 70) = 112.0 weeks.
    assert np.median(tr_weeks) == pytest.approx(50 + np.sqrt(0.5 * 110 * 70), abs=1.0)
    # Triangular(11, 18, 36) mean = (11 + 18 + 36) / 3.
    assert d.construction_months.mean() == pytest.approx(65 / 3, abs=0.2)


@pytest.mark.parametrize(("capacity", "draws"), [(0.0, 10), (float("nan"), 10), (50.0, 0)])
def test_invalid_arguments_are_rejected(capacity: float, draws: int) -> None:
    with pytest.raises(InvalidSiteInput):
        time_to_power(capacity, "PJM", draws=draws)


@settings(max_examples=60, deadline=None)
@given(
    capacity=st.floats(min_value=1.0, max_value=5000.0),
    region=st.sampled_from(REGIONS),
    stretch=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    bridge=st.booleans(),
)
def test_property_percentiles_ordered_and_bounded_below_by_construction(
    capacity: float, region: str | None, stretch: float, seed: int, bridge: bool
) -> None:
    p = parameters_with_overrides({"bridge_power_enabled": float(bridge)})
    r = time_to_power(capacity, region, stretch, p, seed=seed, draws=64)
    assert r.p10_months <= r.p50_months <= r.p90_months
    assert r.p10_months >= 11.0 * (1 + stretch) - 1e-9
