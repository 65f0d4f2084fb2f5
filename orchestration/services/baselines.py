"""Baselines: freeze a program's plan and forecast under a name; compare today's forecast with any of them.

`baseline_freeze` stores every block's plan and forecast go-live and every line's required date and forecast
arrival and ready dates, in one transaction. `baseline_variance` recomputes the forecast now and lists, per
block and per line, how far each date moved since the baseline and the slip-log entries recorded since then
on the lines concerned (who or which check run, which date, old → new).
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from core.errors import Conflict
from orchestration.domain.baselines import SlipEntry, entries_since, variance_days
from orchestration.domain.dates import from_ordinal
from orchestration.domain.forecast import forecast_program
from orchestration.models import BaselineBlock, BaselineLine, BuildProject, ContractLine, ProgramBaseline, PromiseChange
from orchestration.services.forecast import program_load
from orchestration.services.risk import line_info

LineBlocks = ContractLine.blocks.through


def baseline_freeze(*, project: BuildProject, name: str, note: str = "", actor=None,
                    as_of: date | None = None) -> ProgramBaseline:  # fmt: skip
    """Freeze the program as it is planned and forecast now. A second baseline of the same name is a 409."""
    program = program_load(project=project, as_of=as_of)
    forecast = forecast_program(program.inp)
    planned = [b.planned_go_live for b in forecast.blocks]
    try:
        with transaction.atomic():
            baseline = ProgramBaseline.objects.create(
                project=project, name=name, note=note, as_of=forecast.as_of, created_by=actor,
                planned_go_live=max(planned) if planned else None, forecast_go_live=forecast.project_go_live,
            )  # fmt: skip
            BaselineBlock.objects.bulk_create(
                BaselineBlock(baseline=baseline, block_id=int(program.block_ids[b.block_idx]),
                              planned_go_live=b.planned_go_live, forecast_go_live=b.forecast_go_live)
                for b in forecast.blocks
            )  # fmt: skip
            BaselineLine.objects.bulk_create(
                BaselineLine(
                    baseline=baseline,
                    line_id=int(line_id),
                    required_on_site=from_ordinal(int(program.line_required_on_site[k])),
                    forecast_arrival=from_ordinal(int(forecast.line_arrival_ordinal[k])),
                    forecast_ready=from_ordinal(int(forecast.line_ready_ordinal[k])),
                )
                for k, line_id in enumerate(program.line_ids.tolist())
            )
    except IntegrityError:
        raise Conflict(f"project {project} already has a baseline named {name!r}", field="name",
                       code="duplicate") from None  # fmt: skip
    return baseline


def _slip_log(line_ids: list[int], since) -> dict[int, list[SlipEntry]]:
    rows = PromiseChange.objects.filter(delivery__line_id__in=line_ids, at__gt=since).values_list(
        "delivery__line_id", "delivery__shipment_ref", "field", "old_date", "new_date", "days", "source", "run_id",
        "actor__username", "at",
    )  # fmt: skip
    by_line: dict[int, list[SlipEntry]] = {}
    for line, ref, field, old, new, days, source, run, actor, at in rows:
        entry = {"line_id": line, "shipment_ref": ref, "field": field, "old_date": old, "new_date": new, "days": days,
                 "source": source, "check_run_id": run, "actor": actor, "at": at}  # fmt: skip
        by_line.setdefault(line, []).append(SlipEntry(entry, at, days))
    return by_line


def baseline_variance(*, baseline: ProgramBaseline, as_of: date | None = None) -> dict:
    """Today's forecast against the baseline, per block and per line that moved."""
    program = program_load(project=baseline.project, as_of=as_of)
    forecast = forecast_program(program.inp)
    position = {int(pk): k for k, pk in enumerate(program.line_ids.tolist())}
    frozen_lines = {row.line_id: row for row in baseline.lines.all()}
    slips = _slip_log(list(position), baseline.created_at)
    lines_of_block: dict[int, list[int]] = {}
    for line, block in LineBlocks.objects.filter(contractline_id__in=list(position)).values_list(
        "contractline_id", "capacityblock_id"
    ):
        lines_of_block.setdefault(block, []).append(line)

    line_rows = []
    for line_id, k in position.items():
        frozen = frozen_lines.get(line_id)
        arrival = from_ordinal(int(forecast.line_arrival_ordinal[k]))
        moved = variance_days(frozen.forecast_arrival if frozen else None, arrival)
        entries = entries_since(slips.get(line_id, []), baseline.created_at)
        if frozen is not None and not moved and not entries and (frozen.forecast_arrival is None) == (arrival is None):
            continue  # unchanged since the baseline
        line_rows.append({
            "line_id": line_id, "in_baseline": frozen is not None,
            "baseline_arrival": frozen.forecast_arrival if frozen else None, "forecast_arrival": arrival,
            "arrival_moved_days": moved, "slips_since": [e.ref for e in entries],
        })  # fmt: skip
    labels = line_info([row["line_id"] for row in line_rows])
    for row in line_rows:
        row.update(labels[row["line_id"]])
    line_rows.sort(key=lambda r: (-(abs(r["arrival_moved_days"] or 0)), r["line_id"]))

    frozen_blocks = {row.block_id: row for row in baseline.blocks.all()}
    blocks = []
    for b in forecast.blocks:
        block_id = int(program.block_ids[b.block_idx])
        frozen = frozen_blocks.get(block_id)
        base_plan = frozen.planned_go_live if frozen else None
        base_forecast = frozen.forecast_go_live if frozen else None
        entries = entries_since(
            [e for line in lines_of_block.get(block_id, []) for e in slips.get(line, [])], baseline.created_at
        )
        blocks.append({
            "id": block_id, "index": int(program.block_index[b.block_idx]), "in_baseline": frozen is not None,
            "baseline_planned_go_live": base_plan, "baseline_forecast_go_live": base_forecast,
            "planned_go_live": b.planned_go_live, "forecast_go_live": b.forecast_go_live,
            "plan_moved_days": variance_days(base_plan, b.planned_go_live),
            "forecast_moved_days": variance_days(base_forecast, b.forecast_go_live),
            "forecast_vs_baseline_plan_days": variance_days(base_plan, b.forecast_go_live),
            "slips_since": [e.ref for e in entries],
        })  # fmt: skip
    blocks.sort(key=lambda r: r["index"])
    return {
        "baseline_id": baseline.pk,
        "name": baseline.name,
        "frozen_at": baseline.created_at,
        "baseline_as_of": baseline.as_of,
        "as_of": forecast.as_of,
        "baseline_forecast_go_live": baseline.forecast_go_live,
        "forecast_go_live": forecast.project_go_live,
        "forecast_moved_days": variance_days(baseline.forecast_go_live, forecast.project_go_live),
        "blocks": blocks,
        "lines": line_rows,
        "lines_unchanged": len(position) - len(line_rows),
    }
