"""Everything orchestration uses of sitesel, in one place: the site-selection concepts a program starts from.

A build program is planned on a `Site`, may take its scenario from a `ScoringRun`, dates its blocks and prices its
delays with the site model's economics, and the planner's home page shows the reference run's best sites. No other
orchestration module imports sitesel (the BOM's compute sizing aside, which shares the site model's definition of
what a MW buys); `tests/architecture/test_import_direction.py` holds that, so what the two apps share is read here.
"""

from __future__ import annotations

from core.errors import ApplicationError
from sitesel.models import ScoringRun, Site
from sitesel.selectors import reference_run, run_top_results, site_list, site_most_generation_nearby
from sitesel.services.site_economics import site_economics, site_phased_schedule

__all__ = [
    "ScoringRun",
    "Site",
    "reference_run",
    "run_top_results",
    "site_economics",
    "site_list",
    "site_phased_schedule",
    "site_pick",
]

# The capacity whose ranking picks a program's site when none is named: the product's frontier-campus size.
CAMPUS_MW = 1000.0


def site_pick(*, site_id: int | None = None) -> tuple[Site, str, ScoringRun | None]:
    """A site to plan a program on, why it was picked, and the scoring run whose scenario the site model takes.

    1. `site_id` if given; 2. the best-ranked eligible site of the reference run at its capacity nearest 1 GW
    (the band then uses the draws the ranking used); 3. the site with the most generation capacity within 50 km.
    """
    if site_id is not None:
        site = site_list().filter(pk=site_id).first()
        if site is None:
            raise ApplicationError(f"no site {site_id}", field="site_id", code="not_found")
        return site, "given on the command line", None
    run = reference_run()
    if run is not None and run.capacities_mw:
        capacity = min(run.capacities_mw, key=lambda mw: abs(mw - CAMPUS_MW))
        best = run_top_results(run=run, capacity_mw=capacity, limit=1)
        if best and best[0].site is not None:
            return best[0].site, f"rank {best[0].rank} at {capacity:g} MW in scoring run {run.pk}", run
    site = site_most_generation_nearby()
    if site is None:
        raise ApplicationError("no sites loaded: run demo_setup first", code="no_sites")
    return site, "most generation capacity within 50 km (no succeeded scoring run)", None
