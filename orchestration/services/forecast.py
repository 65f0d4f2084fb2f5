"""Forecast: load a program as flat arrays (values_list, no model objects), run the domain's critical path.

`program_load` takes five column sets, named, from the selectors (blocks, lines, line→block edges, deliveries,
supplier history) and builds `ForecastInput`; `project_forecast` returns the result as plain data for the API;
`project_forecast_refresh` stores it and raises alerts for blocks whose forecast moved past plan.
Nothing is cached between calls: a slip shows up in the very next forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orchestration.domain.alignment import input_status, lines_installed, lines_late, lines_received
from orchestration.domain.categories import CATEGORY_CODE, Category
from orchestration.domain.dates import from_ordinal, ordinals
from orchestration.domain.forecast import BindingConstraint, ProgramForecast, forecast_program
from orchestration.domain.forecast_input import ForecastInput, to_milli
from orchestration.domain.model_band import plan_before_p10
from orchestration.domain.reliability import DeratePolicy, SupplierRecord, derate_days, supplier_record
from orchestration.models import Alert, BuildProject, CapacityBlock, ContractLine, State, Supplier
from orchestration.selectors import closed_delivery_columns, program_columns
from orchestration.services.alerts import alert_raise


@dataclass(frozen=True, eq=False)
class Program:
    """A loaded program: the domain input plus the position → database id mappings."""

    inp: ForecastInput
    block_ids: np.ndarray
    block_index: np.ndarray  # the blocks' 1-based index in the project
    block_states: list[str]
    block_model_band: list[tuple[date | None, date | None, date | None]]  # the site model's P10, P50, P90
    line_ids: np.ndarray
    line_supplier_ids: np.ndarray
    line_required_on_site: np.ndarray  # ordinals, 0 = none
    line_received: np.ndarray  # bool: received quantity >= required
    line_installed: np.ndarray  # bool
    derate_by_supplier: dict[int, int]


def _positions(ids: np.ndarray, sorted_ids: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_ids, ids)


def supplier_records(supplier_ids: list[int]) -> dict[int, SupplierRecord]:
    """Each supplier's record from its closed deliveries on every project (committed vs actual arrival)."""
    closed = closed_delivery_columns(supplier_ids=supplier_ids)
    grace = settings.ORCHESTRATION_DERATE_GRACE_DAYS
    records = {sid: supplier_record(np.zeros(0, np.int64), np.zeros(0, np.int64)) for sid in supplier_ids}
    if not closed["supplier_id"]:
        return records
    sid = np.asarray(closed["supplier_id"], dtype=np.int64)
    committed = ordinals(closed["confirmed_date"])
    committed = np.where(committed > 0, committed, ordinals(closed["promised_date"]))
    actual = ordinals(closed["actual_date"])
    keep = committed > 0
    sid, committed, actual = sid[keep], committed[keep], actual[keep]
    for s in np.unique(sid).tolist():
        mask = sid == s
        records[s] = supplier_record(committed[mask], actual[mask], grace_days=grace)
    return records


def derate_policy() -> DeratePolicy:
    return DeratePolicy(
        grace_days=settings.ORCHESTRATION_DERATE_GRACE_DAYS, min_history=settings.ORCHESTRATION_DERATE_MIN_HISTORY
    )


def program_load(*, project: BuildProject, as_of: date | None = None, block_ids: list[int] | None = None) -> Program:
    """Read the program (or only the given blocks and the lines gating them) into a `ForecastInput`."""
    as_of = as_of or timezone.localdate()
    columns = program_columns(project=project, block_ids=block_ids)
    blocks, lines, deliveries = columns.blocks, columns.lines, columns.deliveries
    b_ids = np.array(blocks["pk"], dtype=np.int64)
    n_blocks = len(b_ids)

    n_lines = len(lines["pk"])
    l_ids = np.array(lines["pk"], dtype=np.int64)
    required = np.array(lines["quantity"], dtype=np.float64)
    category = np.fromiter((CATEGORY_CODE[Category(c)] for c in lines["category"]), dtype=np.int64, count=n_lines)
    install_days = np.array(lines["install_days"], dtype=np.int64)
    supplier_ids = np.array(lines["contract__supplier_id"], dtype=np.int64)
    # Stranded value in USD: lines of contracts in another currency count at 0 (no FX conversion here).
    unit_value = tuple(
        value if currency == "USD" else Decimal(0)
        for value, currency in zip(lines["unit_value"], lines["contract__currency"], strict=True)
    )
    required_on_site = ordinals(lines["required_on_site"])

    d_line = _positions(np.array(deliveries["line_id"], dtype=np.int64), l_ids)
    d_qty = np.array(deliveries["quantity"], dtype=np.float64)
    d_received = np.array(deliveries["received_quantity"], dtype=np.float64)
    d_promised, d_confirmed, d_expected, d_actual, d_installed = (
        ordinals(deliveries[name])
        for name in ("promised_date", "confirmed_date", "expected_date", "actual_date", "installed_on")
    )

    # Line received / installed from its deliveries, by the domain's rule (services.blocks.block_facts uses it too).
    received_sum = np.bincount(d_line, weights=d_received, minlength=n_lines)
    awaiting = np.bincount(d_line, weights=(d_received > 0) & (d_installed == 0), minlength=n_lines)
    last_installed = np.zeros(n_lines, dtype=np.int64)
    np.maximum.at(last_installed, d_line, d_installed)
    line_received = lines_received(to_milli(received_sum), to_milli(required))
    line_installed = lines_installed(line_received, awaiting, last_installed)

    # Supplier de-rate from the delivery history (domain rule: reliability.derate_days).
    unique_suppliers = np.unique(supplier_ids).tolist()
    policy = derate_policy()
    derate = {s: derate_days(r, policy) for s, r in supplier_records(unique_suppliers).items()}
    line_derate = np.fromiter((derate[s] for s in supplier_ids.tolist()), dtype=np.int64, count=n_lines)

    e_line = _positions(np.array(columns.edges["contractline_id"], dtype=np.int64), l_ids)
    e_block = _positions(np.array(columns.edges["capacityblock_id"], dtype=np.int64), b_ids)
    grid = project.grid_power_date.toordinal() if project.grid_power_date else 0
    inp = ForecastInput(
        as_of_ordinal=as_of.toordinal(),
        delivery_line_idx=d_line,
        delivery_qty=d_qty,
        delivery_received_qty=d_received,
        delivery_promised_ordinal=d_promised,
        delivery_confirmed_ordinal=d_confirmed,
        delivery_expected_ordinal=d_expected,
        delivery_actual_ordinal=d_actual,
        line_required_qty=required,
        line_category=category,
        line_install_days=install_days,
        line_derate_days=line_derate,
        line_installed_ordinal=np.where(line_installed, last_installed, 0),
        line_unit_value_usd=unit_value,
        edge_line_idx=e_line,
        edge_block_idx=e_block,
        block_planned_ordinal=ordinals(blocks["planned_go_live"]),
        block_mw=np.array(blocks["mw"], dtype=np.float64),
        block_commissioning_days=np.array(blocks["commissioning_days"], dtype=np.int64),
        block_power_available=np.array(blocks["power_available"], dtype=bool),
        block_grid_power_ordinal=np.full(n_blocks, grid, dtype=np.int64),
        block_grid_energised=np.array(blocks["grid_energised"], dtype=bool),
        block_live_ordinal=ordinals(blocks["live_on"]),
    )
    return Program(
        inp=inp,
        block_ids=b_ids,
        block_index=np.array(blocks["index"], dtype=np.int64),
        block_states=list(blocks["state"]),
        block_model_band=list(zip(blocks["model_p10"], blocks["model_p50"], blocks["model_p90"], strict=True)),
        line_ids=l_ids,
        line_supplier_ids=supplier_ids,
        line_required_on_site=required_on_site,
        line_received=line_received,
        line_installed=line_installed,
        derate_by_supplier=derate,
    )


# --- results as plain data ---------------------------------------------------------------------------


def _line_labels(program: Program, positions: set[int]) -> dict[int, dict]:
    """Reference, item and supplier of the lines a result names (binding and stranded lines only)."""
    ids = [int(program.line_ids[p]) for p in positions]
    rows = ContractLine.objects.filter(pk__in=ids).values_list(
        "pk", "contract__reference", "line_no", "item", "contract__supplier__name"
    )
    by_id = {
        pk: {"line_id": pk, "line_ref": f"{ref}/{no}", "item": item, "supplier": name}
        for pk, ref, no, item, name in rows
    }
    return {p: by_id[int(program.line_ids[p])] for p in positions}


def _binding(binding: BindingConstraint | None, labels: dict[int, dict]) -> dict | None:
    if binding is None:
        return None
    out = {
        "kind": str(binding.kind),
        "category": binding.category and str(binding.category),
        "ready_date": binding.ready_date,
    }
    if binding.line_idx is not None:
        out.update(labels[binding.line_idx])
    return out


def _model_band(planned: date, band: tuple[date | None, date | None, date | None]) -> dict:
    p10, p50, p90 = band
    return {"model_p10": p10, "model_p50": p50, "model_p90": p90, "before_model_p10": plan_before_p10(planned, p10)}


def block_identity(program: Program, block) -> dict:
    """A result block's database id, index, state, MW and plan: how every program answer starts a block row."""
    return {
        "id": int(program.block_ids[block.block_idx]),
        "index": int(program.block_index[block.block_idx]),
        "state": program.block_states[block.block_idx],
        "mw": block.mw,
        "planned_go_live": block.planned_go_live,
    }


def forecast_as_data(program: Program, forecast: ProgramForecast) -> dict:
    """The forecast with database ids in place of array positions (what the API returns and we store)."""
    positions = {b.binding.line_idx for b in forecast.blocks if b.binding and b.binding.line_idx is not None}
    positions |= {s.line_idx for s in forecast.stranded}
    labels = _line_labels(program, positions)
    blocks = [
        {
            **block_identity(program, b),
            "forecast_go_live": b.forecast_go_live,
            "days_late": b.days_late,
            "at_risk": b.at_risk,
            "is_live": b.is_live,
            "power_available": b.power_available,
            "grid_energised": bool(program.inp.block_grid_energised[b.block_idx]),
            "power_forecast": b.power_forecast,
            "binding": _binding(b.binding, labels),
            **_model_band(b.planned_go_live, program.block_model_band[b.block_idx]),
        }
        for b in forecast.blocks
    ]
    blocks.sort(key=lambda row: row["index"])
    binding_block = forecast.project_binding_block_idx
    return {
        "as_of": forecast.as_of,
        "project_go_live": forecast.project_go_live,
        "binding_block_id": None if binding_block is None else int(program.block_ids[binding_block]),
        "binding": _binding(forecast.project_binding, labels),
        "mw_total": forecast.mw_total,
        "mw_at_risk": forecast.mw_at_risk,
        "blocks_before_model_p10": sum(row["before_model_p10"] for row in blocks),
        "blocks": blocks,
        "mw_live_by_quarter": [
            {
                "quarter": q.quarter,
                "quarter_end": q.quarter_end,
                "planned_mw_cumulative": q.planned_mw_cumulative,
                "forecast_mw_cumulative": q.forecast_mw_cumulative,
            }
            for q in forecast.mw_by_quarter
        ],  # fmt: skip
        "stranded": [
            {
                **labels[s.line_idx],
                "category": str(s.category),
                "block_ids": [int(program.block_ids[i]) for i in s.block_idxs],
                "quantity": s.quantity,
                "received_quantity": s.received_quantity,
                "value_usd": s.value_usd,
                "first_arrival": s.first_arrival,
                "power_forecast": s.power_forecast,
                "days_stranded": s.days_stranded,
            }
            for s in forecast.stranded
        ],
        "stranded_value_usd": forecast.stranded_value_usd,
        "derate_days_by_supplier": {str(k): v for k, v in sorted(program.derate_by_supplier.items())},
    }


def project_forecast(*, project: BuildProject, as_of: date | None = None) -> dict:
    """Recompute the project's forecast from the current promises (reads only)."""
    program = program_load(project=project, as_of=as_of)
    return forecast_as_data(program, forecast_program(program.inp))


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def project_forecast_refresh(*, project: BuildProject, as_of: date | None = None) -> dict:
    """Recompute, store the forecast on the project and its blocks, and alert on blocks moving past plan.

    A block "moves past plan" when its stored forecast was on plan (or unknown) and the new one is
    later than planned (or cannot be dated). The alert key carries the new date, so re-running with
    the same promises raises nothing new.
    """
    data = project_forecast(project=project, as_of=as_of)
    with transaction.atomic():
        stored = {
            pk: (days_late, forecast)
            for pk, days_late, forecast in CapacityBlock.objects.filter(project=project).values_list(
                "pk", "forecast_days_late", "forecast_go_live"
            )
        }
        changed = []
        for row in data["blocks"]:
            block = CapacityBlock(
                pk=row["id"],
                forecast_go_live=row["forecast_go_live"],
                forecast_days_late=row["days_late"],
                forecast_binding=_jsonable(row["binding"]) or {},
            )
            changed.append(block)
            old_late, old_forecast = stored.get(row["id"], (None, None))
            was_late = old_forecast is not None and old_late is not None and old_late > 0
            now_late = row["at_risk"] and row["state"] != State.LIVE
            if now_late and not was_late:
                when = row["forecast_go_live"] or "undatable"
                binding = row["binding"] or {}
                alert_raise(
                    kind=Alert.Kind.FORECAST_PAST_PLAN,
                    key=f"forecast_past_plan:{row['id']}:{when}",
                    message=(
                        f"{project.name} block {row['index']}: forecast go-live {when} is past the planned "
                        f"{row['planned_go_live']}; held back by {binding.get('category') or binding.get('kind', '?')} "
                        f"{binding.get('line_ref', '')}".rstrip()
                    ),
                    project=project,
                    block_id=row["id"],
                    data=_jsonable(
                        {"planned": row["planned_go_live"], "forecast": row["forecast_go_live"], "binding": binding}
                    ),  # fmt: skip
                )
        CapacityBlock.objects.bulk_update(changed, ["forecast_go_live", "forecast_days_late", "forecast_binding"])
        BuildProject.objects.filter(pk=project.pk).update(
            forecast_go_live=data["project_go_live"],
            forecast_mw_at_risk=data["mw_at_risk"],
            forecast=_jsonable(data),
            forecast_at=timezone.now(),
        )
    return data


def supplier_reliability_refresh(*, supplier_ids: list[int] | None = None) -> int:
    """Store each supplier's record and de-rate (shown in admin and API; the forecast recomputes its own)."""
    ids = list(Supplier.objects.values_list("pk", flat=True)) if supplier_ids is None else supplier_ids
    policy, now = derate_policy(), timezone.now()
    suppliers = []
    for pk, record in supplier_records(ids).items():
        suppliers.append(
            Supplier(
                pk=pk,
                reliability_deliveries=record.n_deliveries,
                on_time_rate=record.on_time_rate if record.n_deliveries else None,
                late_slip_p50_days=record.late_slip_p50_days if record.n_deliveries else None,
                derate_days=derate_days(record, policy),
                reliability_at=now,
            )
        )
    Supplier.objects.bulk_update(
        suppliers, ["reliability_deliveries", "on_time_rate", "late_slip_p50_days", "derate_days", "reliability_at"]
    )
    return len(suppliers)


# --- nine-input alignment ------------------------------------------------------------------------------

def block_alignment(*, block: CapacityBlock, as_of: date | None = None) -> dict:
    """Per input: is it installed, received, on track or late for this block's plan, or missing?
    (orchestration.domain.alignment has the rule.)"""
    program = program_load(project=block.project, as_of=as_of, block_ids=[block.pk])
    forecast = forecast_program(program.inp)
    inp = program.inp
    arrival, ready = forecast.line_arrival_ordinal, forecast.line_ready_ordinal
    latest_ready = block.planned_go_live.toordinal() - block.commissioning_days
    binding = forecast.blocks[0].binding if forecast.blocks else None
    received_by_line = np.bincount(inp.delivery_line_idx, weights=inp.delivery_received_qty, minlength=inp.n_lines)
    rows = []
    for category in Category:
        mask = inp.line_category == CATEGORY_CODE[category]
        idx = np.flatnonzero(mask)
        ros = program.line_required_on_site[idx]
        status = input_status(
            category,
            received=program.line_received[idx],
            installed=program.line_installed[idx],
            late=lines_late(arrival[idx], ready[idx], ros, latest_ready),
        ).value
        if idx.size == 0:
            rows.append(
                {
                    "category": str(category),
                    "status": status,
                    "lines": 0,
                    "quantity": 0.0,
                    "received_quantity": 0.0,
                    "required_on_site": None,
                    "forecast_arrival": None,
                    "forecast_ready": None,
                    "binding": False,
                }
            )
            continue
        rows.append(
            {
                "category": str(category),
                "status": status,
                "lines": int(idx.size),
                "quantity": float(inp.line_required_qty[idx].sum()),
                "received_quantity": float(received_by_line[idx].sum()),
                "required_on_site": from_ordinal(int(ros[ros > 0].min())) if (ros > 0).any() else None,
                "forecast_arrival": from_ordinal(int(arrival[idx].max())),
                "forecast_ready": from_ordinal(int(ready[idx].max())),
                "binding": bool(binding and binding.category == category),
            }
        )
    block_forecast = forecast.blocks[0] if forecast.blocks else None
    return {
        "block_id": block.pk,
        "index": block.index,
        "state": block.state,
        "planned_go_live": block.planned_go_live,
        "forecast_go_live": block_forecast.forecast_go_live if block_forecast else None,
        "as_of": forecast.as_of,
        "inputs": rows,
    }
