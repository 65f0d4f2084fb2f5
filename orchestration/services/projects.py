"""Build projects: creating one proposes its blocks and each block's bill of materials."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from orchestration.domain.bom import propose_block_lines, size_compute, split_program
from orchestration.domain.errors import InvalidInput
from orchestration.models import BomLine, BuildProject, CapacityBlock
from sitesel.errors import ApplicationError

LATEST_GO_LIVE = date(2200, 1, 1)


@transaction.atomic
def project_create(
    *,
    site,
    name: str,
    target_mw: float,
    block_mw: float,
    planned_first_go_live: date,
    blocks_interval_days: int = 45,
    blocks_per_phase: int = 5,
    commissioning_days: int = 45,
    onsite_generation_mw_per_block: float = 0.0,
    grid_power_date: date | None = None,
    actor=None,
) -> BuildProject:
    """Create the project, its blocks (sized by the MW→GPU model) and the BOM lines each block needs.

    Planners adjust the proposed BOM lines afterwards; contracts are drawn from them (`contract_create`).
    """
    try:
        block_sizes = split_program(float(target_mw), float(block_mw))
        proposals = [propose_block_lines(mw, onsite_generation_mw=onsite_generation_mw_per_block) for mw in block_sizes]
    except InvalidInput as exc:
        raise ApplicationError(exc.message, field="target_mw", code="invalid_input") from None
    try:  # forecasts add lead times to these dates: keep them far from date.max
        last_go_live = planned_first_go_live + timedelta(days=blocks_interval_days * (len(block_sizes) - 1))
    except OverflowError:
        last_go_live = date.max
    if last_go_live >= LATEST_GO_LIVE:
        raise ApplicationError(
            f"every block must go live before {LATEST_GO_LIVE}",
            field="planned_first_go_live",
            code="out_of_range",
        )
    project = BuildProject(
        site=site,
        name=name,
        target_mw=target_mw,
        block_mw=block_mw,
        blocks_per_phase=blocks_per_phase,
        planned_first_go_live=planned_first_go_live,
        blocks_interval_days=blocks_interval_days,
        grid_power_date=grid_power_date,
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
            planned_go_live=planned_first_go_live + timedelta(days=blocks_interval_days * i),
            commissioning_days=commissioning_days,
        )
        for i, mw in enumerate(block_sizes)
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
