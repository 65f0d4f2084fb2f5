"""50 MW against 1 GW at one site (ratios and their waterfall) and N small sites against one campus."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sitesel.domain.calibration import WELL_SERVED_SITE
from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.scale import DELAY_TERM, scale_comparison
from sitesel.domain.spread import spread_vs_campus
from sitesel.domain.types import SiteInputs

DRAWS = 200
SITES = [replace(WELL_SERVED_SITE, distance_hv_230_km=2.0 + i) for i in range(10)]


@pytest.mark.parametrize("site", [WELL_SERVED_SITE, SiteInputs()])
def test_each_ratio_minus_one_is_the_sum_of_its_waterfall(site: SiteInputs) -> None:
    sc = scale_comparison(site, draws=DRAWS)
    for ratio in (sc.facility, sc.all_in, sc.time_adjusted):
        assert sum(t.contribution for t in ratio.waterfall) == pytest.approx(ratio.ratio - 1.0)
        assert ratio.ratio == pytest.approx(ratio.small_usd_per_mw / ratio.large_usd_per_mw)


def test_facility_excludes_it_and_the_time_adjusted_ratio_prices_the_later_mw() -> None:
    sc = scale_comparison(WELL_SERVED_SITE, draws=DRAWS)
    assert sc.facility.small_usd_per_mw == pytest.approx(
        sc.small.build_capex_per_mw_usd - (sc.small.bridge_power_capex_usd + sc.small.gas_lateral_capex_usd) / 50
    )
    delay = {t.term: t for t in sc.time_adjusted.waterfall}[DELAY_TERM]
    months = sc.large.time_to_compute_months_p50 - sc.small.time_to_compute_months_p50
    assert months > 0  # at one site, one 50 MW block goes live before the campus's average MW
    assert delay.large_usd_per_mw == pytest.approx(months * sc.cost_of_delay_usd_per_mw_month)
    assert delay.small_usd_per_mw == 0


def test_more_site_teams_never_deliver_less_compute() -> None:
    gpu_months = [
        spread_vs_campus(SITES, WELL_SERVED_SITE, teams=k, draws=DRAWS).spread.gpu_months_by_date for k in (1, 2, 5, 10)
    ]
    assert gpu_months == sorted(gpu_months) and gpu_months[0] < gpu_months[-1]


def test_one_team_builds_the_sites_one_after_another() -> None:
    c = spread_vs_campus(SITES, WELL_SERVED_SITE, teams=1, draws=DRAWS)
    ground = sorted(c.spread_ground_breaking_months)
    gaps = [b - a for a, b in zip(ground, ground[1:], strict=False)]
    assert min(gaps) > 10  # a team stays until its block is built
    assert c.spread.capacity_mw == 500 and c.campus.capacity_mw == 1000
    assert c.spread.mw_live_by_quarter[-1] <= 500


def test_break_even_teams_deliver_the_campus_compute_by_the_date() -> None:
    twenty = [replace(WELL_SERVED_SITE, distance_hv_230_km=2.0 + i) for i in range(20)]
    c = spread_vs_campus(twenty, WELL_SERVED_SITE, teams=2, draws=DRAWS)
    k = c.break_even_teams
    assert k is not None and 2 < k <= 20
    at_k = spread_vs_campus(twenty, WELL_SERVED_SITE, teams=k, draws=DRAWS)
    below = spread_vs_campus(twenty, WELL_SERVED_SITE, teams=k - 1, draws=DRAWS)
    assert at_k.spread.gpu_months_by_date >= at_k.campus.gpu_months_by_date > below.spread.gpu_months_by_date
    assert c.gpu_months_gap > 0


@pytest.mark.parametrize(("kwargs", "field"), [({"teams": 0}, "teams"), ({"teams": 11}, "teams"),
                                               ({"teams": 1, "by_month": 0.0}, "by_month")])  # fmt: skip
def test_bad_arguments_name_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(InvalidSiteInput) as exc:
        spread_vs_campus(SITES, WELL_SERVED_SITE, draws=DRAWS, **kwargs)
    assert exc.value.field == field
