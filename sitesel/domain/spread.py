"""Spread against campus: N small sites or one large campus, when K site teams can build at once.

The campus is built at the best site in blocks; the spread builds one small block at each of the top N
sites. Permits and interconnection studies run at every site from the decision in parallel (they are
paperwork), but ground-breaking needs a site team, and a team stays with its site from ground-breaking
until the site's block is built, then moves on. With fewer teams than sites, later sites wait for a team.

Both options are read on the path of medians (every phase at its P50), so the comparison is like for like:
MW live by quarter, capex, and GPU-months delivered by a date. The break-even K is the fewest teams with
which the spread delivers at least the campus's GPU-months by that date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sitesel.domain.compute_units import ComputeDefinition, block_sizes_mw, gpus
from sitesel.domain.economics import compute_economics_arrays, schedule_inputs
from sitesel.domain.errors import InvalidSiteInput
from sitesel.domain.parameters import DEFAULT_PARAMETERS, EconomicsParameters
from sitesel.domain.time_to_power import DEFAULT_DRAWS, median_path
from sitesel.domain.types import SiteInputs, SiteInputsArrays


@dataclass(frozen=True)
class OptionPlan:
    """One way to build: when each block goes live (months from the decision) and what it costs."""

    capacity_mw: float
    block_mw: tuple[float, ...]
    live_months: tuple[float, ...]
    capex_usd: float
    gpus: float
    mw_live_by_quarter: tuple[float, ...]
    gpu_months_by_date: float


@dataclass(frozen=True)
class SpreadComparison:
    teams: int
    by_month: float  # the date (months from the decision) GPU-months are counted to
    quarters: tuple[int, ...]
    campus: OptionPlan
    spread: OptionPlan
    spread_ground_breaking_months: tuple[float, ...]
    break_even_teams: int | None  # fewest teams for which the spread delivers the campus's GPU-months
    cost_of_delay_usd_per_mw_month: float

    @property
    def gpu_months_gap(self) -> float:
        """Campus minus spread GPU-months by the date: > 0 means the campus delivers more compute."""
        return self.campus.gpu_months_by_date - self.spread.gpu_months_by_date


def _option(
    sizes: np.ndarray, live: np.ndarray, capex: float, p: EconomicsParameters, by_month: float, quarters: int
) -> OptionPlan:
    months = 3.0 * np.arange(1, quarters + 1)
    block_gpus = gpus(sizes, ComputeDefinition.from_parameters(p), p.block_mw)
    return OptionPlan(
        capacity_mw=float(sizes.sum()),
        block_mw=tuple(map(float, sizes)),
        live_months=tuple(map(float, live)),
        capex_usd=float(capex),
        gpus=float(block_gpus.sum()),
        mw_live_by_quarter=tuple(float(sizes[live <= m].sum()) for m in months),
        gpu_months_by_date=float((block_gpus * np.maximum(by_month - live, 0.0)).sum()),
    )


def _spread_live(start: np.ndarray, build: np.ndarray, ready: np.ndarray, power: np.ndarray, teams: int):
    """Go-live months when `teams` crews build the sites: each site breaks ground when it may (`start`) and a
    team is free, earliest-ready first; a team is busy until the block is built."""
    free = np.zeros(teams)
    ground = np.empty_like(start)
    live = np.empty_like(start)
    for i in np.argsort(start, kind="stable"):
        team = int(np.argmin(free))
        ground[i] = max(start[i], free[team])
        built = max(ground[i] + build[i], ready[i])
        free[team] = ground[i] + build[i]
        live[i] = max(built, power[i])
    return ground, live


def spread_vs_campus(
    small_sites: list[SiteInputs],
    campus_site: SiteInputs,
    *,
    teams: int,
    small_mw: float = 50.0,
    campus_mw: float = 1000.0,
    by_month: float = 60.0,
    quarters: int = 40,
    params: EconomicsParameters = DEFAULT_PARAMETERS,
    seed: int = 0,
    draws: int = DEFAULT_DRAWS,
) -> SpreadComparison:
    """N x `small_mw` at `small_sites` (best first) against one `campus_mw` campus at `campus_site`."""
    if not small_sites:
        raise InvalidSiteInput("small_sites", "at least one site is needed")
    if not 1 <= teams <= len(small_sites):
        raise InvalidSiteInput("teams", f"must be between 1 and the number of sites ({len(small_sites)})")
    if not (by_month > 0 and np.isfinite(by_month)):
        raise InvalidSiteInput("by_month", "must be a positive number of months")
    p = params
    campus_x = SiteInputsArrays.from_sites([campus_site])
    small_x = SiteInputsArrays.from_sites(small_sites)
    campus_econ = compute_economics_arrays(campus_x, campus_mw, p, seed, draws)
    small_econ = compute_economics_arrays(small_x, small_mw, p, seed, draws)
    campus_path = median_path(schedule_inputs(campus_x, campus_mw, p, seed, draws), p, seed, draws)
    small_path = median_path(schedule_inputs(small_x, small_mw, p, seed, draws), p, seed, draws)

    campus = _option(
        np.array(block_sizes_mw(campus_mw, p.block_mw)),
        campus_path.live_months(0),
        campus_econ["total_capex_usd"][0],
        p,
        by_month,
        quarters,
    )
    ph = small_path.phases
    # Single-block sites: the block may be no earlier than its switchgear (first_built minus the build).
    ready = ph.first_built
    power = np.minimum(ph.bridge_power, ph.grid)
    sizes = np.full(len(small_sites), float(small_mw))

    def plan(k: int) -> tuple[np.ndarray, OptionPlan]:
        ground, live = _spread_live(ph.construction_start, small_path.block_build_months, ready, power, k)
        return ground, _option(sizes, live, small_econ["total_capex_usd"].sum(), p, by_month, quarters)

    ground, spread = plan(teams)
    break_even = next(
        (k for k in range(1, len(small_sites) + 1) if plan(k)[1].gpu_months_by_date >= campus.gpu_months_by_date),
        None,
    )
    return SpreadComparison(
        teams=teams,
        by_month=float(by_month),
        quarters=tuple(range(1, quarters + 1)),
        campus=campus,
        spread=spread,
        spread_ground_breaking_months=tuple(map(float, ground)),
        break_even_teams=break_even,
        cost_of_delay_usd_per_mw_month=float(campus_econ["cost_of_delay_usd_per_mw_month"][0]),
    )
