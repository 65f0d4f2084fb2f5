"""The site economics model's schedule for a program: each block's go-live band as dates from a decision.

Reads only; sitesel's model does the Monte Carlo (`site_phased_schedule`, `site_economics`) and the
orchestration domain maps its 50 MW model blocks to the program's blocks (`domain/model_band.py`).
A site with no facts still gets a band: the model fills missing inputs conservatively and lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.errors import ApplicationError
from orchestration.domain.dates import EARLIEST_PLAN
from orchestration.domain.errors import InvalidInput
from orchestration.domain.model_band import BlockBand, ModelBlock, date_after_months, program_bands
from orchestration.models import BuildProject
from orchestration.site_selection import ScoringRun, Site, site_economics, site_phased_schedule


@dataclass(frozen=True)
class SiteModelBands:
    """What a program stores from the model: its identity, the site-level dates, and each block's band."""

    model_version: str
    decision_date: date
    run: ScoringRun | None
    seed: int
    draws: int
    grid_energised_p50: date
    on_site_power: bool
    missing_inputs: tuple[str, ...]
    blocks: tuple[BlockBand, ...]


def site_model_bands(
    *, site: Site, program_mw: list[float], decision_date: date, run: ScoringRun | None = None
) -> SiteModelBands:
    """The model's band for each program block (blocks of `program_mw`), dated from `decision_date`."""
    if decision_date < EARLIEST_PLAN:
        raise ApplicationError(f"must be on or after {EARLIEST_PLAN}", field="decision_date", code="out_of_range")
    capacity_mw = sum(program_mw)
    schedule = site_phased_schedule(site, capacity_mw, run)
    economics = site_economics(site, capacity_mw, run)
    model = [ModelBlock(b.mw, b.live_months_p10, b.live_months_p50, b.live_months_p90) for b in schedule.blocks]
    try:
        bands = program_bands(program_mw, model, decision_date)
        grid = date_after_months(decision_date, economics.grid_energised_months_p50)
    except InvalidInput as exc:  # the dates fall off the calendar (capacity_mw is the program's, so blocks map)
        raise ApplicationError(exc.message, field="decision_date", code="out_of_range") from None
    return SiteModelBands(
        model_version=economics.model_version,
        decision_date=decision_date,
        run=run,
        seed=economics.seed,
        draws=economics.draws,
        grid_energised_p50=grid,
        on_site_power=economics.bridge_power_used,
        missing_inputs=tuple(economics.missing_inputs),
        blocks=tuple(bands),
    )


def site_model_summary(project: BuildProject) -> str:
    """One line on where a program's bands came from, for the command line."""
    if not project.model_version:
        return "no site model band (the program was created before bands were stored)"
    run = f"scoring run {project.model_run_id}'s scenario" if project.model_run_id else "default scenario"
    plan = "created with every block at the model's P50" if project.planned_from_model else "plan set by hand"
    missing = len(project.model_missing_inputs)
    return (
        f"site model {project.model_version}, build decision {project.model_decision_date} (month 0), {run} "
        f"(seed {project.model_seed}, {project.model_draws} draws); {plan}; grid energised P50 "
        f"{project.model_grid_energised_p50}; on-site power {'taken' if project.model_on_site_power else 'not taken'}"
        + (f"; {missing} site facts missing, filled in conservatively" if missing else "")
    )
