"""The compare page: 2-4 sites side by side at 50 MW and 1 GW, totals next to per-MW figures, what going from
50 MW to 1 GW changes at each site (per-MW saving, extra months, rank at each capacity) and the time-adjusted
50 MW : 1 GW ratio with its largest waterfall terms. Scores from the reference run (or the run chosen)."""

from __future__ import annotations

from datetime import date, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.api.numbers import MAX_ID, NumberRefused, parse_number
from config.api.roles import internal_page
from sitesel import selectors
from sitesel.services.site_economics import site_scale_comparison
from sitesel.web import selectors as web_selectors

SMALL, LARGE = 50.0, 1000.0
MAX_SITES = 4
DAYS_PER_MONTH = 365.25 / 12


def go_live(months: float | None, decided: date) -> date | None:
    """The calendar month a P50 lands on if the build is decided on `decided` (month 0)."""
    return None if months is None else decided + timedelta(days=round(months * DAYS_PER_MONTH))


def _capacity(result, decided: date) -> dict | None:
    if result is None:
        return None
    economics = selectors.result_economics(result)
    per_mw = economics.get("capex_per_mw_usd")
    months = economics.get("time_to_power_months_p50")
    return {
        "result": result,
        "per_mw": per_mw,
        "total": per_mw * result.capacity_mw if per_mw is not None else None,
        "months": [economics.get(f"time_to_power_months_{p}") for p in ("p10", "p50", "p90")],
        "go_live": go_live(months, decided),
        "binding": economics.get("binding_constraint") or "",
        "grid_swing": economics.get("grid_swing_flag"),
        "grid_swing_reason": economics.get("grid_swing_reason") or "",
    }


def site_column(site, run, decided: date) -> dict:
    """One site at both capacities, the difference between them and the time-adjusted ratio."""
    results = {r.capacity_mw: r for r in web_selectors.site_results(run=run, site=site)}
    small, large = _capacity(results.get(SMALL), decided), _capacity(results.get(LARGE), decided)
    column = {"site": site, "small": small, "large": large, "saving": None, "extra_months": None, "scale": None}
    if small and large:
        if small["per_mw"] is not None and large["per_mw"] is not None:
            column["saving"] = small["per_mw"] - large["per_mw"]
        if small["months"][1] is not None and large["months"][1] is not None:
            column["extra_months"] = large["months"][1] - small["months"][1]
        scale = site_scale_comparison(site, SMALL, LARGE, run)
        terms = sorted(scale.time_adjusted.waterfall, key=lambda t: -abs(t.contribution))
        column["scale"] = {"facility": scale.facility, "all_in": scale.all_in, "time_adjusted": scale.time_adjusted,
                           "terms": terms[:3]}  # fmt: skip
    return column


def _chosen(request) -> tuple[list[int], str]:
    """Site ids from ?sites=1&sites=2 (or 1,2), 2-4 different ones; else the error to show next to the field."""
    raw = [part for value in request.GET.getlist("sites") for part in value.split(",") if part.strip()]
    ids = []
    for value in raw:
        try:
            ids.append(parse_number(value, integer=True, min_value=1, max_value=MAX_ID))
        except NumberRefused:
            return [], f"{value!r} is not a site id."
    ids = list(dict.fromkeys(ids))
    if raw and not 2 <= len(ids) <= MAX_SITES:
        return ids, f"Choose 2 to {MAX_SITES} different sites (got {len(ids)})."
    return ids, ""


@internal_page
@require_GET
def compare(request):
    ids, error = _chosen(request)
    run_id = request.GET.get("run")
    try:
        run_id = parse_number(run_id, integer=True, min_value=1, max_value=MAX_ID) if run_id else None
    except NumberRefused:
        run_id = None
    run = selectors.reference_run(run_id=run_id)
    choices = list(selectors.site_list().defer("parcel").order_by("name", "pk").values_list("pk", "name", "state"))
    sites = {s.pk: s for s in selectors.site_list().defer("parcel").filter(pk__in=ids)} if ids and not error else {}
    if ids and not error and len(sites) != len(ids):
        error = "No such site: " + ", ".join(str(i) for i in ids if i not in sites) + "."
    decided = timezone.localdate()
    columns = [site_column(sites[i], run, decided) for i in ids] if run and not error else []
    slots = [ids[k] if k < len(ids) else None for k in range(MAX_SITES)]
    context = {"run": run, "columns": columns, "choices": choices, "slots": slots, "error": error,
               "decided": decided, "small": SMALL, "large": LARGE}  # fmt: skip
    return render(request, "sitesel/web/compare.html", context, status=400 if error else 200)
