"""The build-economics model for stored sites: their facts as model inputs, one site's phased schedule and
50 MW : 1 GW comparison, and a run's spread-against-campus answer.

Reads only; the domain (sitesel/domain) does the arithmetic. The scenario's economics overrides apply, so
a site's page shows the numbers its ranking used.
"""

from __future__ import annotations

import math
from dataclasses import fields

from core.errors import ApplicationError
from sitesel.domain.economics import compute_economics, schedule_inputs
from sitesel.domain.parameters import EconomicsParameters, parameters_with_overrides
from sitesel.domain.regions import iso_region
from sitesel.domain.scale import ScaleComparison, compare_results
from sitesel.domain.spread import SpreadComparison, spread_vs_campus
from sitesel.domain.time_to_power import SiteSchedule, site_schedule
from sitesel.domain.types import EconomicsResult, SiteInputs, SiteInputsArrays
from sitesel.models import ScoringResult, ScoringRun, Site, SiteFacts

DEFAULT_TEAMS = 5
_FACT_INPUTS = tuple(
    f.name for f in fields(SiteInputs) if f.name not in ("iso_region", "state", "land_price_usd_per_acre")
)


def site_inputs(site: Site) -> SiteInputs:
    """A site's facts as economics inputs (None where a layer has no coverage, as the model expects)."""
    facts: SiteFacts | None = getattr(site, "facts", None)

    def value(name: str) -> float | None:
        raw = getattr(facts, name, None) if facts is not None else None
        return None if raw is None or (isinstance(raw, float) and math.isnan(raw)) else float(raw)

    return SiteInputs(
        **{name: value(name) for name in _FACT_INPUTS},
        land_price_usd_per_acre=None if site.land_price_usd_per_acre is None else float(site.land_price_usd_per_acre),
        iso_region=iso_region(facts.balancing_authority) if facts is not None else None,
        state=site.state or None,
    )


def scenario_parameters(run: ScoringRun | None) -> EconomicsParameters:
    overrides = dict((run.scenario_spec or {}).get("economics_overrides", {})) if run else {}
    return parameters_with_overrides(overrides)


def _seed_draws(run: ScoringRun | None) -> tuple[int, int]:
    return (run.seed, run.draws) if run else (0, 500)


def site_economics(site: Site, capacity_mw: float, run: ScoringRun | None = None) -> EconomicsResult:
    seed, draws = _seed_draws(run)
    return compute_economics(site_inputs(site), capacity_mw, scenario_parameters(run), seed, draws)


def site_phased_schedule(site: Site, capacity_mw: float, run: ScoringRun | None = None) -> SiteSchedule:
    """Every block's go-live band and the MW-live curve by quarter, from the same draws as the ranking."""
    seed, draws = _seed_draws(run)
    params = scenario_parameters(run)
    x = schedule_inputs(SiteInputsArrays.from_sites([site_inputs(site)]), capacity_mw, params, seed, draws)
    return site_schedule(x, params, seed, draws)


def site_scale_comparison(
    site: Site, small_mw: float = 50.0, large_mw: float = 1000.0, run: ScoringRun | None = None
) -> ScaleComparison:
    return compare_results(site_economics(site, small_mw, run), site_economics(site, large_mw, run))


def run_spread_vs_campus(
    run: ScoringRun, *, teams: int | None = None, sites: int = 20, by_month: float = 60.0
) -> tuple[SpreadComparison, list[Site], Site]:
    """The run's top `sites` eligible sites at its smallest capacity, built `teams` at a time (default 5, or
    every site if there are fewer), against one campus of its largest capacity at its best site for it."""
    if run.mode != ScoringRun.Mode.SITES or run.status != ScoringRun.Status.SUCCEEDED:
        raise ApplicationError("needs a succeeded run over candidate sites", field="run", code="not_ready")
    small_mw, large_mw = min(run.capacities_mw), max(run.capacities_mw)
    if small_mw == large_mw:
        raise ApplicationError("the run costs a single capacity", field="run", code="invalid")
    ranked = ScoringResult.objects.filter(run=run, eligible=True, site__isnull=False).select_related("site__facts")
    spread_sites = [r.site for r in ranked.filter(capacity_mw=small_mw).order_by("rank")[:sites]]
    campus = ranked.filter(capacity_mw=large_mw).order_by("rank").first()
    if campus is None or not spread_sites:
        raise ApplicationError("the run has no eligible site", field="run", code="empty")
    teams = min(DEFAULT_TEAMS, len(spread_sites)) if teams is None else teams
    if not 1 <= teams <= len(spread_sites):
        raise ApplicationError(f"must be between 1 and {len(spread_sites)}", field="teams")
    seed, draws = _seed_draws(run)
    comparison = spread_vs_campus(
        [site_inputs(s) for s in spread_sites],
        site_inputs(campus.site),
        teams=teams,
        small_mw=small_mw,
        campus_mw=large_mw,
        by_month=by_month,
        params=scenario_parameters(run),
        seed=seed,
        draws=draws,
    )
    return comparison, spread_sites, campus.site
