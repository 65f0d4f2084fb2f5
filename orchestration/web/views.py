"""Program dashboard (docs/web-ui.md): MW live plan vs forecast, the site model's band and the plans earlier
than its P10, the blocks × nine-inputs matrix, late deliveries and slips, supplier reliability, and a
transition form per block (POSTs to the API)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import numpy as np
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.api.permissions import user_is_planner
from config.api.roles import internal_page
from config.api.throttling import expensive_page
from orchestration import selectors
from orchestration.domain.alignment import input_status, lines_late
from orchestration.domain.categories import CATEGORY_CODE, Category
from orchestration.domain.forecast import forecast_program
from orchestration.models import Delivery, PromiseChange, State, Supplier
from orchestration.services.forecast import forecast_as_data, program_load, supplier_records
from orchestration.services.risk import block_forecast_bands
from orchestration.web.gantt import gantt
from orchestration.web.home import program_rows

STATES = list(State)


@internal_page
@require_GET
def program_list(request):
    projects = selectors.project_list(scope=selectors.user_scope(request.user))
    return render(request, "orchestration/program_list.html", {"programs": program_rows(projects)})


def supplier_impact(blocks: list[dict]) -> list[dict]:
    """MW delayed × days late, by the supplier whose line binds each late block (largest first)."""
    impact: dict[str, dict] = defaultdict(lambda: {"mw_days": 0.0, "blocks": [], "items": set()})
    for fb in blocks:
        binding = fb.get("binding") or {}
        if (fb["days_late"] or 0) > 0 and binding.get("supplier"):
            row = impact[binding["supplier"]]
            row["mw_days"] += fb["mw"] * fb["days_late"]
            row["blocks"].append(fb["index"])
            row["items"].add(binding.get("item", ""))
    return sorted(
        ({"supplier": name, "mw_days": r["mw_days"], "blocks": r["blocks"], "items": sorted(r["items"])}
         for name, r in impact.items()),
        key=lambda r: -r["mw_days"],
    )  # fmt: skip


BAND_DRAWS = 2000  # the risk API's default: the Gantt's band and /projects/<id>/risk/ agree


def _gantt_rows(rows: list[dict], bands: dict[int, tuple]) -> list[dict]:
    out = []
    for r in rows:
        fb, window = r["forecast"], timedelta(days=r["block"].commissioning_days)
        risk_p10, risk_p90 = bands.get(fb["id"], (None, None))
        out.append({"index": r["block"].index, "plan": fb["planned_go_live"],
                    "plan_start": fb["planned_go_live"] - window, "forecast": fb["forecast_go_live"],
                    "forecast_start": fb["forecast_go_live"] - window if fb["forecast_go_live"] else None,
                    "p10": fb.get("model_p10"), "p90": fb.get("model_p90"), "days_late": fb["days_late"],
                    "risk_p10": risk_p10, "risk_p90": risk_p90})  # fmt: skip
    return out


def alignment_matrix(program, forecast) -> dict[int, dict[str, str]]:
    """block id -> category -> status, for every block from one program load.

    The rule of orchestration.domain.alignment, as services.forecast.block_alignment applies it, for all blocks
    at once instead of loading the program once per block.
    """
    inp = program.inp
    arrival, ready = forecast.line_arrival_ordinal, forecast.line_ready_ordinal
    binding_by_block = {b.block_idx: b.binding for b in forecast.blocks}
    matrix: dict[int, dict[str, str]] = {}
    for b, block_id in enumerate(program.block_ids.tolist()):
        lines = np.unique(inp.edge_line_idx[inp.edge_block_idx == b])
        latest_ready = int(inp.block_planned_ordinal[b]) - int(inp.block_commissioning_days[b])
        binding = binding_by_block.get(b)
        row = {}
        for category in Category:
            idx = lines[inp.line_category[lines] == CATEGORY_CODE[category]]
            late = lines_late(arrival[idx], ready[idx], program.line_required_on_site[idx], latest_ready)
            status = input_status(
                category, received=program.line_received[idx], installed=program.line_installed[idx], late=late
            ).value
            row[str(category)] = {"status": status, "binding": bool(binding and binding.category == category)}
        matrix[block_id] = row
    return matrix


def _quarter_chart(quarters: list[dict], width: int = 760, height: int = 240) -> dict:
    """Polylines (SVG coordinates) of cumulative MW live by quarter, plan and forecast."""
    if not quarters:
        return {}
    top = max(max(q["planned_mw_cumulative"], q["forecast_mw_cumulative"]) for q in quarters) or 1
    left, bottom, right, upper = 50, height - 30, width - 10, 10
    step = (right - left) / max(len(quarters) - 1, 1)

    def points(key):
        return " ".join(
            f"{left + i * step:.1f},{bottom - (bottom - upper) * q[key] / top:.1f}" for i, q in enumerate(quarters)
        )

    ticks = [
        {"x": round(left + i * step, 1), "label": q["quarter"]}
        for i, q in enumerate(quarters)
        if len(quarters) <= 12 or i % 2 == 0
    ]
    return {
        "width": width,
        "height": height,
        "plan": points("planned_mw_cumulative"),
        "forecast": points("forecast_mw_cumulative"),
        "ticks": ticks,
        "top": top,
        "left": left,
        "bottom": bottom,
        "upper": upper,
        "right": right,
    }


@internal_page
@require_GET
@expensive_page
def program_dashboard(request, pk: int):
    scope = selectors.user_scope(request.user)
    project = get_object_or_404(selectors.project_list(scope=scope), pk=pk)
    today = timezone.localdate()
    program = program_load(project=project, as_of=today)
    forecast = forecast_program(program.inp)
    data = forecast_as_data(program, forecast)
    matrix = alignment_matrix(program, forecast)
    blocks_by_id = {b.pk: b for b in project.blocks.all()}
    rows = []
    for fb in data["blocks"]:
        block = blocks_by_id[fb["id"]]
        position = STATES.index(State(block.state))
        rows.append(
            {
                "block": block,
                "flag": block.model_flag,
                "forecast": fb,
                "inputs": [matrix[fb["id"]][str(c)] for c in Category],
                "next_state": STATES[position + 1] if position + 1 < len(STATES) else None,
                "states": STATES,
            }
        )
    late = list(
        Delivery.objects.filter(line__contract__project=project, actual_date__isnull=True)
        .filter(
            Q(promised_date__lt=today)
            | Q(confirmed_date__gt=F("promised_date"))
            | Q(expected_date__gt=F("promised_date"))
            | Q(confirmed_date__lt=today)
        )
        .select_related("line__contract", "supplier")
        .order_by("promised_date", "pk")[:40]
    )
    for delivery in late:
        dates = [d for d in (delivery.confirmed_date, delivery.expected_date, delivery.promised_date) if d]
        latest = max(dates) if dates else None
        delivery.slip_days = (latest - delivery.promised_date).days if latest and delivery.promised_date else None
        delivery.overdue = bool((delivery.confirmed_date or delivery.promised_date or date.max) < today)
    slips = list(
        PromiseChange.objects.filter(delivery__line__contract__project=project, days__gt=0)
        .select_related("delivery__line__contract", "delivery__supplier", "actor")
        .order_by("-at", "-pk")[:20]
    )
    derate = data["derate_days_by_supplier"]
    suppliers = list(Supplier.objects.filter(contracts__project=project).distinct().order_by("name"))
    records = supplier_records([s.pk for s in suppliers])  # live, from closed deliveries (one query)
    for supplier in suppliers:
        record = records[supplier.pk]
        supplier.closed = record.n_deliveries
        supplier.on_time = record.on_time_rate if record.n_deliveries else None
        supplier.slip_p50 = record.late_slip_p50_days if record.n_deliveries else None
        supplier.forecast_derate = derate.get(str(supplier.pk), supplier.derate_days)
    index_by_id = {pk: b.index for pk, b in blocks_by_id.items()}
    stranded = [{**s, "blocks": sorted(index_by_id[i] for i in s["block_ids"])} for s in data["stranded"]]
    planned_end = max((r["forecast"]["planned_go_live"] for r in rows), default=None)
    go_live = data["project_go_live"]
    context = {
        "project": project,
        "forecast": data,
        "planned_end": planned_end,
        "go_live_days": (go_live - planned_end).days if go_live and planned_end else None,
        "binding_block": index_by_id.get(data["binding_block_id"]),
        "gantt": gantt(_gantt_rows(rows, block_forecast_bands(program=program, draws=BAND_DRAWS)), today),
        "band_draws": BAND_DRAWS,
        "impact": supplier_impact(data["blocks"]),
        "stranded": stranded,
        "categories": [(str(c), c.value.replace("_", " ")) for c in Category],
        "rows": rows,
        "flagged": [r for r in rows if r["flag"]],
        "chart": _quarter_chart(data["mw_live_by_quarter"]),
        "late": late,
        "slips": slips,
        "suppliers": suppliers,
        "today": today,
        "can_transition": user_is_planner(request.user),
    }
    return render(request, "orchestration/program_dashboard.html", context)
