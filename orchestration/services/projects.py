"""Build projects: creating one proposes its blocks, dates them against the site model, and proposes each
block's bill of materials."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from orchestration.domain.bom import propose_block_lines, size_compute, split_program
from orchestration.domain.dates import LATEST_GO_LIVE
from orchestration.domain.errors import InvalidInput
from orchestration.models import BomLine, BuildProject, CapacityBlock
from orchestration.services.site_model import site_model_bands
from orchestration.site_selection import ScoringRun, Site

DEFAULT_INTERVAL_DAYS = 45


def _spaced_plan(first: date, interval_days: int, blocks: int) -> list[date]:
    try:  # forecasts add lead times to these dates: keep them far from date.max
        last = first + timedelta(days=interval_days * (blocks - 1))
    except OverflowError:
        last = date.max
    if last >= LATEST_GO_LIVE:
        raise ApplicationError(
            f"every block must go live before {LATEST_GO_LIVE}", field="planned_first_go_live", code="out_of_range"
        )
    return [first + timedelta(days=interval_days * i) for i in range(blocks)]


def _mean_spacing_days(planned: list[date]) -> int:
    return round((planned[-1] - planned[0]).days / (len(planned) - 1)) if len(planned) > 1 else 0


@transaction.atomic
def project_create(
    *,
    site: Site,
    name: str,
    target_mw: float,
    block_mw: float,
    planned_first_go_live: date | None = None,
    blocks_interval_days: int | None = None,
    decision_date: date | None = None,
    model_run: ScoringRun | None = None,
    blocks_per_phase: int = 5,
    commissioning_days: int = 45,
    onsite_generation_mw_per_block: float = 0.0,
    grid_power_date: date | None = None,
    grid_power_from_model: bool = False,
    actor=None,
) -> BuildProject:
    """Create the project, its blocks (sized by the MW→GPU model) and the BOM lines each block needs.

    Every block stores the site model's go-live band (P10/P50/P90, dated from `decision_date`, default
    today; `model_run` picks the scenario, seed and draws of a scoring run). Without
    `planned_first_go_live` each block is planned at its band's P50; with it, blocks are planned
    `blocks_interval_days` apart (default 45) and a plan earlier than its P10 is flagged
    (`CapacityBlock.before_model_p10`). `grid_power_from_model` takes the utility energisation date
    from the model's grid energised P50.

    Planners adjust the proposed BOM lines afterwards; contracts are drawn from them (`contract_create`).
    """
    try:
        block_sizes = split_program(float(target_mw), float(block_mw))
        proposals = [propose_block_lines(mw, onsite_generation_mw=onsite_generation_mw_per_block) for mw in block_sizes]
    except InvalidInput as exc:
        raise ApplicationError(exc.message, field="target_mw", code="invalid_input") from None
    if planned_first_go_live is None and blocks_interval_days is not None:
        raise ApplicationError(
            "applies only with planned_first_go_live (a plan from the site model takes its block dates)",
            field="blocks_interval_days",
        )
    if grid_power_from_model and grid_power_date is not None:
        raise ApplicationError("give a grid power date or take the site model's, not both", field="grid_power_date")
    model = site_model_bands(
        site=site, program_mw=list(block_sizes), decision_date=decision_date or timezone.localdate(), run=model_run
    )
    if model.blocks[-1].p90 >= LATEST_GO_LIVE:
        raise ApplicationError(
            f"the site model's dates must fall before {LATEST_GO_LIVE}", field="decision_date", code="out_of_range"
        )
    if planned_first_go_live is None:
        planned = [band.p50 for band in model.blocks]
        blocks_interval_days = _mean_spacing_days(planned)
    else:
        blocks_interval_days = DEFAULT_INTERVAL_DAYS if blocks_interval_days is None else blocks_interval_days
        planned = _spaced_plan(planned_first_go_live, blocks_interval_days, len(block_sizes))
    project = BuildProject(
        site=site,
        name=name,
        target_mw=target_mw,
        block_mw=block_mw,
        blocks_per_phase=blocks_per_phase,
        planned_first_go_live=planned[0],
        blocks_interval_days=blocks_interval_days,
        grid_power_date=model.grid_energised_p50 if grid_power_from_model else grid_power_date,
        planned_from_model=planned_first_go_live is None,
        model_version=model.model_version,
        model_decision_date=model.decision_date,
        model_run=model.run,
        model_seed=model.seed,
        model_draws=model.draws,
        model_grid_energised_p50=model.grid_energised_p50,
        model_on_site_power=model.on_site_power,
        model_missing_inputs=list(model.missing_inputs),
    )
    project.full_clean()
    project.save()
    blocks = CapacityBlock.objects.bulk_create(
        CapacityBlock(
            project=project,
            index=i + 1,
            phase=i // blocks_per_phase + 1,
            mw=mw,
            gpus=size_compute(mw).gpus,
            planned_go_live=planned[i],
            commissioning_days=commissioning_days,
            model_block=band.model_block,
            model_p10=band.p10,
            model_p50=band.p50,
            model_p90=band.p90,
        )
        for i, (mw, band) in enumerate(zip(block_sizes, model.blocks, strict=True))
    )
    BomLine.objects.bulk_create(
        BomLine(
            block=block,
            category=line.category.value,
            item=line.item,
            quantity=Decimal(line.quantity),
            unit=line.unit,
            lead_time_days=line.lead_time_days,
            install_days=line.install_days,
            basis=line.basis,
            source=line.source,
        )
        for block, lines in zip(blocks, proposals, strict=True)
        for line in lines
    )
    return project


def project_update(*, project: BuildProject, **fields) -> BuildProject:
    """Rename a project or move its grid power date; blocks and their plans change through the block services."""
    for name, value in fields.items():
        setattr(project, name, value)
    project.save(update_fields=list(fields) or None)
    return project
