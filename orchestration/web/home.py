"""The planner's home page: the best sites of the reference run, the programs at risk and the recent alerts.

It lives with the program pages because it reads both apps (sitesel never imports orchestration)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.api.roles import internal_page
from orchestration import selectors
from orchestration.models import Alert
from orchestration.site_selection import reference_run, run_top_results


def program_rows(projects) -> list[dict]:
    """Each program with like compared with like: first block plan against first block forecast, the whole
    program's plan (last block) against its forecast, and the days between them."""
    rows = []
    for project in projects:
        blocks = list(project.blocks.all())
        first = blocks[0] if blocks else None
        full_plan = max((b.planned_go_live for b in blocks), default=None)
        full_forecast = project.forecast_go_live
        rows.append(
            {
                "project": project,
                "blocks": len(blocks),
                "first_plan": first.planned_go_live if first else None,
                "first_forecast": first.forecast_go_live if first else None,
                "first_days": _days(first.planned_go_live, first.forecast_go_live) if first else None,
                "full_plan": full_plan,
                "full_forecast": full_forecast,
                "full_days": _days(full_plan, full_forecast),
                "mw_at_risk": project.forecast_mw_at_risk,
                "before_p10": sum(1 for b in blocks if b.before_model_p10),
            }
        )
    return rows


def _days(plan, forecast) -> int | None:
    return (forecast - plan).days if plan and forecast else None


@internal_page
@require_GET
def home(request):
    """Where to build (top sites), what is late (programs at risk) and what just happened (alerts)."""
    scope = selectors.user_scope(request.user)
    run = reference_run()
    programs = program_rows(selectors.project_list(scope=scope))
    at_risk = sorted(
        (p for p in programs if (p["full_days"] or 0) > 0 or (p["mw_at_risk"] or 0) > 0 or p["before_p10"]),
        key=lambda p: -(p["full_days"] or 0),
    )
    top = {
        label: run_top_results(run=run, capacity_mw=capacity, limit=5) if run else []
        for label, capacity in (("1 GW", 1000.0), ("50 MW", 50.0))
    }
    for rows in top.values():
        for row in rows:  # totals next to per-MW figures
            row.capex_total = row.capex_per_mw_usd * row.capacity_mw if row.capex_per_mw_usd is not None else None
    context = {
        "run": run,
        "top": top,
        "programs": programs,
        "at_risk": at_risk,
        "alerts": list(selectors.alert_list(scope=scope).select_related("project", "block", "supplier")[:8]),
    }
    return render(request, "orchestration/home.html", context)


ALERTS_SHOWN = 200


@internal_page
@require_GET
def alert_list(request):
    """Every alert, newest first, filterable by kind."""
    kind = request.GET.get("kind", "")
    alerts = selectors.alert_list(scope=selectors.user_scope(request.user))
    if kind in Alert.Kind.values:
        alerts = alerts.filter(kind=kind)
    else:
        kind = ""
    context = {"alerts": list(alerts.select_related("project", "block", "supplier")[:ALERTS_SHOWN]),
               "kinds": Alert.Kind.choices, "kind": kind, "limit": ALERTS_SHOWN}  # fmt: skip
    return render(request, "orchestration/alerts.html", context)
