"""The portfolio: every program's MW live by quarter added up, and supplier capacity programs compete for.

Reads only. Each program's quarters come from its deterministic forecast (`project_forecast`); the rules
are orchestration.domain.portfolio. The band (`mw_band`) is not a sum of the programs' bands (a sum of P10s
is not the P10 of the sum): it is one Monte Carlo over every program at once (services.risk.portfolio_band).
"""

from __future__ import annotations

from datetime import date

from django.db.models import F, Sum

from orchestration.domain.forecast import QuarterMW
from orchestration.domain.portfolio import Demand, contention, portfolio_quarters
from orchestration.models import BuildProject, Contract, Delivery, Supplier
from orchestration.services.forecast import project_forecast
from orchestration.services.risk import portfolio_band


def _quarters(data: dict) -> tuple[QuarterMW, ...]:
    return tuple(QuarterMW(q["quarter"], q["quarter_end"], q["planned_mw_cumulative"], q["forecast_mw_cumulative"])
                 for q in data["mw_live_by_quarter"])  # fmt: skip


def portfolio_view(*, projects: list[BuildProject], as_of: date | None = None, draws: int = 2000,
                   seed: int = 0) -> dict:  # fmt: skip
    forecasts = {p.pk: project_forecast(project=p, as_of=as_of) for p in projects}
    quarters = portfolio_quarters({pk: _quarters(data) for pk, data in forecasts.items()})
    names = {p.pk: p.name for p in projects}

    project_ids = list(names)
    capacity = {
        sid: float(total)
        for sid, total in Contract.objects.filter(project_id__in=project_ids, committed_volume_per_month__isnull=False)
        .values_list("supplier_id")
        .annotate(total=Sum("committed_volume_per_month"))
    }  # fmt: skip
    open_rows = (
        Delivery.objects.filter(line__contract__project_id__in=project_ids, quantity__gt=F("received_quantity"))
        .values_list("supplier_id", "line__contract__project_id", "expected_date", "confirmed_date", "promised_date",
                     "quantity", "received_quantity")
    )  # fmt: skip
    demand, unstated = [], set()
    for supplier, project, expected, confirmed, promised, quantity, received in open_rows:
        when = expected or confirmed or promised
        if when is None:
            continue
        if supplier not in capacity:
            unstated.add(supplier)
        demand.append(Demand(supplier, project, when, float(quantity - received)))
    contended = contention(demand, capacity)
    supplier_names = dict(Supplier.objects.filter(pk__in=set(capacity) | unstated).values_list("pk", "name"))
    return {
        "as_of": next(iter(forecasts.values()))["as_of"] if forecasts else as_of,
        "programs": [
            {
                "id": pk,
                "name": names[pk],
                "mw_total": data["mw_total"],
                "forecast_go_live": data["project_go_live"],
                "mw_at_risk": data["mw_at_risk"],
            }
            for pk, data in forecasts.items()
        ],  # fmt: skip
        "mw_live_by_quarter": [
            {
                "quarter": q.quarter,
                "quarter_end": q.quarter_end,
                "planned_mw_cumulative": q.planned_mw_cumulative,
                "forecast_mw_cumulative": q.forecast_mw_cumulative,
                "forecast_mw_by_program": [{"id": k, "mw": v} for k, v in q.forecast_mw_by_program.items()],
            }
            for q in quarters
        ],  # fmt: skip
        "mw_band": portfolio_band(projects=projects, as_of=as_of, draws=draws, seed=seed),
        "contention": [
            {
                "supplier_id": c.supplier,
                "supplier": supplier_names[c.supplier],
                "month": c.month,
                "capacity_per_month": c.capacity,
                "demand": c.demand,
                "excess": c.excess,
                "by_program": [
                    {"id": k, "name": names[k], "quantity": v} for k, v in sorted(c.demand_by_program.items())
                ],
            }
            for c in contended
        ],  # fmt: skip
        "suppliers_without_stated_volume": sorted(supplier_names[s] for s in unstated),
    }
