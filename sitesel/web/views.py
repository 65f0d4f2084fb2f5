"""Server-rendered planner pages (docs/web-ui.md): home, sites map, site page, scoring runs.

Every page is behind login, for admins, planners and viewers only (config.api.roles), and reads through
selectors with a constant number of queries; the map's JSON endpoints serve our own layers (no tile server,
no external URL).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.gis.geos import Polygon
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.api.numbers import MAX_ID, NumberRefused, parse_number
from config.api.permissions import user_is_planner
from config.api.roles import internal_page
from core.errors import ApplicationError, Conflict
from sitesel import selectors
from sitesel.api.scoring_runs.filters import ScoringResultFilter
from sitesel.data_age import (
    all_attributions,
    kind_attribution,
    measures_attributions,
    stale_after_years,
    vintage_is_stale,
)
from sitesel.domain.errors import InvalidScenario
from sitesel.models import Scenario, ScoringResult, ScoringRun
from sitesel.services.scoring_runs import scenario_default, scoring_run_cancel, scoring_run_create
from sitesel.services.site_economics import site_scale_comparison
from sitesel.web import base_map
from sitesel.web import selectors as web_selectors
from sitesel.web.compare import go_live
from sitesel.web.explain import RANK_CLASSES
from sitesel.web.forms import ScoringRunForm

CAPACITIES = (50.0, 1000.0)
# Pages sign in at settings.LOGIN_URL (/login/), open to any active user: /admin/login/ admits staff only,
# and planners are not staff. A signed-in supplier or role-less user then gets a 403 on every page.


class LoginView(auth_views.LoginView):
    template_name = "sitesel/web/login.html"
    next_page = "/"
    redirect_authenticated_user = True


@internal_page
def layer_list(request):
    """The layers loaded: version, vintage (flagged when stale), rows, publisher, licence and credit line."""
    layers = list(selectors.layer_list())
    for layer in layers:  # the credit line its licence requires, shown beside it
        layer.attribution = kind_attribution(layer.kind)
    return render(request, "sitesel/web/layers.html", {"layers": layers, "stale_after_years": stale_after_years()})


@internal_page
def site_list(request):
    """Every candidate site with its main facts, by name (the ranking is the map's and the home page's)."""
    sites = selectors.site_list().defer("parcel").order_by("name", "pk")
    return render(request, "sitesel/web/sites.html", {"sites": sites})


def _query_number(request, name: str, *, integer: bool, default):
    """A number from the query string, bounded and parsed plainly (config.api.numbers); `default` if not one."""
    try:
        return parse_number(request.GET[name], integer=integer, min_value=0, max_value=MAX_ID)
    except (KeyError, NumberRefused):
        return default


def _capacity(request) -> float:
    capacity = _query_number(request, "capacity", integer=False, default=1000.0)
    return capacity if capacity in CAPACITIES else 1000.0


SCORE_MEANING = (
    "Score 0–100: the weighted sum of the scenario's criteria, each scaled between the best and worst site of"
    " the same run, so it ranks sites against each other; it is not an absolute grade. Colours follow the rank."
)


@internal_page
@require_GET
def site_map(request):
    """Candidate sites coloured by rank in the reference run, the top 10 numbered and listed, overlays."""
    capacity = _capacity(request)
    scenario_id = _query_number(request, "scenario", integer=True, default=None)
    run_id = _query_number(request, "run", integer=True, default=None)
    run = selectors.reference_run(scenario_id=scenario_id, run_id=run_id)
    sites = web_selectors.map_sites(run=run, capacity_mw=capacity)
    top = sorted((s for s in sites if s["eligible"] and s["rank"] is not None), key=lambda s: s["rank"])[:10]
    overlays = [
        {"kind": kind, "label": label, "attribution": web_selectors.overlay_credit(kind)}
        for kind, (_, label) in web_selectors.OVERLAYS.items()
    ]
    context = {
        "run": run,
        "capacity": capacity,
        "capacities": CAPACITIES,
        "scenarios": web_selectors.scored_scenarios(),
        "runs": web_selectors.run_choices(),
        "sites": sites,
        "top": top,
        "rank_classes": RANK_CLASSES,
        "score_meaning": SCORE_MEANING,
        "versus": web_selectors.first_against_second(run=run, capacity_mw=capacity) if run else None,
        "scored": sum(1 for s in sites if s["score"] is not None),
        "overlays": overlays,
        "credits": all_attributions(),
        "base_layers": BASE_LAYERS,
        "base_credits": (base_map.GEONAMES_CREDIT, base_map.NATURAL_EARTH_CREDIT),
    }
    return render(request, "sitesel/web/map.html", context)


# The base's legend entries (the map's toggles): the context files, then our counties layer.
BASE_LAYERS = [*base_map.CONTEXT_KINDS.items(), ("counties", "County lines (from zoom 7)")]


def _feature_collection(features: list[dict]) -> HttpResponse:
    # Geometries arrive as GeoJSON text from PostGIS: splice them in rather than parse and re-dump them.
    parts = [
        '{"type":"Feature","geometry":' + f["geometry"] + ',"properties":' + json.dumps(f["properties"]) + "}"
        for f in features
        if f["geometry"]
    ]
    body = '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=300"
    return response


@internal_page
@require_GET
@gzip_page  # GeoJSON without secrets: compressing it cannot leak a token (BREACH)
def map_boundaries(request):
    """Our state boundaries (the map's base layer), simplified in PostGIS; with `?kind=counties&bbox=…`, the
    county outlines inside a box (the map draws them once zoomed in)."""
    if request.GET.get("kind", "states") == "states":
        rows = web_selectors.boundaries_geojson(kind="states")
    elif request.GET["kind"] == "counties":
        bbox = _bbox(request.GET.get("bbox"))
        if bbox is None or bbox.area > COUNTY_BOX_MAX_DEG2:
            return JsonResponse({"bbox": [f"Counties need a box of at most {COUNTY_BOX_MAX_DEG2} square degrees:"
                                          " west,south,east,north."]}, status=400)  # fmt: skip
        rows = web_selectors.boundaries_geojson(kind="counties", tolerance=0.005, bbox=bbox)
    else:
        return JsonResponse({"kind": ["Use states or counties."]}, status=400)
    return _feature_collection([{"geometry": g, "properties": {"name": n, "state": s}} for n, s, g in rows])


COUNTY_BOX_MAX_DEG2 = 600  # a zoomed-in view (the map asks from zoom 7); the lower 48 would be 3,000 counties


def _bbox(raw: str | None) -> Polygon | None:
    if not raw:
        return None
    try:
        west, south, east, north = (float(v) for v in raw.split(","))
    except ValueError:
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return Polygon.from_bbox((west, south, east, north))


@internal_page
@require_GET
@gzip_page  # GeoJSON without secrets: compressing it cannot leak a token (BREACH)
def map_overlay(request, kind: str):
    """One overlay's features inside `?bbox=west,south,east,north` (lon/lat), simplified, at most 5,000."""
    if kind not in web_selectors.OVERLAYS:
        raise Http404("no such overlay")
    raw = request.GET.get("bbox")
    bbox = _bbox(raw)
    if raw and bbox is None:
        return JsonResponse({"bbox": ["Use west,south,east,north in degrees."]}, status=400)
    rows = web_selectors.overlay_geojson(kind=kind, bbox=bbox)
    return _feature_collection(
        [{"geometry": g, "properties": {"name": n, "voltage_kv": v, "capacity_mw": c}} for n, v, c, g in rows]
    )


@internal_page
@require_GET
def map_context(request, kind: str):
    """One layer of the offline geography base (fixtures/context/), gzipped when the browser accepts it and
    cached by the browser for a day (the files change only with a release; the ETag answers a revalidation)."""
    if kind not in base_map.CONTEXT_KINDS:
        raise Http404("no such base layer")
    layer = base_map.context_file(kind)
    if request.headers.get("If-None-Match") == layer.etag:
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(layer.gzipped, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(layer.body, content_type="application/geo+json")
    response["ETag"] = layer.etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "private, max-age=86400"
    return response


FACT_ROWS = (
    ("Nearest line ≥230 kV", "distance_hv_230_km", "km", 1),
    ("Nearest line ≥345 kV", "distance_hv_345_km", "km", 1),
    ("Nearest line ≥500 kV", "distance_hv_500_km", "km", 1),
    ("Nearest substation", "distance_substation_km", "km", 1),
    ("Its highest voltage", "substation_voltage_kv", "kV", 0),
    ("Generation within 50 km", "generation_capacity_50km_mw", "MW", 0),
    ("Highest plant grid voltage within 50 km", "plant_grid_voltage_kv_max_50km", "kV", 0),
    ("Balancing authority", "balancing_authority", "", None),
    ("Nearest datacenter", "distance_datacenter_km", "km", 1),
    ("Datacenters within 50 km", "datacenters_within_50km", "", 0),
    ("Nearest network point of presence", "distance_network_pop_km", "km", 1),
    ("County labor force", "county_labor_force", "", 0),
    ("County unemployment", "county_unemployment_rate_pct", "%", 1),
    ("County population", "county_population", "", 0),
    ("County median household income", "county_median_household_income_usd", "$", 0),
    ("State industrial electricity price", "state_industrial_price_cents_kwh", "¢/kWh", 2),
    ("Nearest gas pipeline", "distance_gas_pipeline_km", "km", 1),
    ("Its largest diameter", "gas_pipeline_diameter_in", "in", 1),
    ("Its status (GEM)", "gas_pipeline_status", "", None),
    ("State industrial gas price", "state_industrial_gas_price_usd_per_mcf", "$/Mcf", 2),
    ("FEMA risk score", "fema_risk_score", "", 1),
    ("County water use", "water_use_mgal_d", "Mgal/d", 1),
    ("County transfer capacity", "county_transfer_capacity_mw", "MW", 0),
)


def _fmt(value, digits):
    if value is None or value == "":
        return "—"
    if digits is None or isinstance(value, str):
        return str(value)
    return f"{value:,.{digits}f}"


def _fact_row(facts, label: str, field: str, unit: str, digits: int | None) -> dict:
    """One fact with its unit, the layer that answered it and how old that data is (flagged when stale)."""
    sources = getattr(facts, "measure_sources", None) or {}
    vintages = getattr(facts, "measure_vintages", None) or {}
    value = getattr(facts, field, None)
    vintage = vintages.get(field, "")
    row = {"label": label, "value": _fmt(value, digits), "unit": unit, "source": sources.get(field, ""),
           "vintage": vintage, "stale": field in vintages and vintage_is_stale(vintage), "note": ""}  # fmt: skip
    escalation = (getattr(facts, "price_escalation", None) or {}).get(field)
    if row["source"].endswith(":345kv_only"):
        row["note"] = "upper bound: only lines of 345 kV and more are known here"
    elif escalation and value is not None and escalation["source_year"] != escalation["basis_year"]:
        row["note"] = (
            f"{escalation['source_year']} price {escalation['source_value']:.2f} × {escalation['factor']:.3f}, the"
            f" {escalation['source_year']}→{escalation['basis_year']} change in the states that have both years"
        )
    return row


def _capacity_column(result) -> dict:
    economics = selectors.result_economics(result)
    explained = web_selectors.result_explained(result)
    return {
        "result": result,
        "label": capacity_label(result.capacity_mw),
        "economics": economics,
        "capex_total": (economics.get("capex_per_mw_usd") or 0) * result.capacity_mw or None,
        "lines": explained["lines"],
        "ttp": [economics.get(f"time_to_power_months_{p}") for p in ("p10", "p50", "p90")],
        "ttp_live": go_live(economics.get("time_to_power_months_p50"), timezone.localdate()),
        "first": [economics.get(f"time_to_first_power_months_{p}") for p in ("p10", "p50", "p90")],
    }


@internal_page
@require_GET
def site_detail(request, pk: int):
    """Facts, score breakdown and the 50 MW / 1 GW comparison from the reference run (or the run chosen)."""
    site = get_object_or_404(selectors.site_list().defer("parcel"), pk=pk)
    facts = getattr(site, "facts", None)
    fact_rows = [_fact_row(facts, *row) for row in FACT_ROWS]
    run_id = _query_number(request, "run", integer=True, default=None)
    run = web_selectors.site_run(site=site, reference=selectors.reference_run(run_id=run_id))
    columns = [_capacity_column(r) for r in web_selectors.site_results(run=run, site=site)]
    capacities = sorted(c["result"].capacity_mw for c in columns)
    scale = site_scale_comparison(site, capacities[0], capacities[-1], run) if len(capacities) > 1 else None
    credits = measures_attributions(facts.measure_sources) if facts else []
    marker = {"id": site.pk, "name": site.name, "state": site.state, "status": site.get_status_display(),
              "lon": site.point.x, "lat": site.point.y, "score": None, "rank": None, "class": 0,
              "eligible": None, "binding": ""}  # fmt: skip
    context = {"site": site, "facts": facts, "fact_rows": fact_rows, "run": run, "columns": columns,
               "credits": credits, "stale_after_years": stale_after_years(), "scale": scale,
               "marker": [marker], "nearest": web_selectors.nearest_context(point=site.point)}  # fmt: skip
    return render(request, "sitesel/web/site.html", context)


@internal_page
@require_http_methods(["GET", "POST"])
def run_list(request):
    """Recent scoring runs and the form that starts one (planners)."""
    can_start = user_is_planner(request.user)
    if not Scenario.objects.exists():
        scenario_default()
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied("Starting a run needs the planner role.")
        form = ScoringRunForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            national = data["mode"] == ScoringRun.Mode.NATIONAL
            try:
                run = scoring_run_create(
                    scenario=data["scenario"],
                    mode=data["mode"],
                    site_filter={"state": data["state"]} if data["state"] else {},
                    cell_size_km=data["cell_size_km"] if national else None,
                    seed=data["seed"] or 0,
                    actor=request.user,
                )
            except InvalidScenario as exc:
                form.add_error("scenario", f"{exc.field}: {exc}" if exc.field else str(exc))
            except ApplicationError as exc:
                field = (exc.field or "").split(".")[0]
                field = {"site_filter": "state"}.get(field, field)
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Run {run.pk} queued.")
                return redirect("web:run-detail", pk=run.pk)
    else:
        form = ScoringRunForm(initial={"scenario": Scenario.objects.order_by("name").first()})
    runs = web_selectors.run_list()[:25]
    status = 400 if form.is_bound and form.errors else 200  # a refused form says so, as the API would
    return render(request, "sitesel/web/runs.html", {"form": form, "runs": runs, "can_start": can_start},
                  status=status)  # fmt: skip


def capacity_label(mw: float) -> str:
    return "1 GW" if mw == 1000 else f"{mw:g} MW"


# The run page's filters: the API's result filters (the same names, rules and messages), these ones shown.
RUN_PAGE_FILTERS = ("capacity_mw", "state", "min_score", "max_time_to_power_p50_months", "max_capex_per_mw_usd",
                    "power_binding_constraint", "grid_swing_flag")  # fmt: skip


@internal_page
@require_GET
def run_detail(request, pk: int):
    """Progress (polled live while the run works) and the top 50 per capacity once it succeeded, filtered."""
    run = get_object_or_404(web_selectors.run_list(), pk=pk)
    query = {name: request.GET[name] for name in RUN_PAGE_FILTERS if request.GET.get(name, "") != ""}
    filters = ScoringResultFilter(query, queryset=ScoringResult.objects.filter(run=run))
    # The capacity is picked among the run's own (the API still takes any number, and refuses a bad one).
    filters.form.fields["capacity_mw"].widget = forms.Select(
        choices=[("", "any"), *((f"{mw:g}", capacity_label(mw)) for mw in run.capacities_mw)]
    )
    valid = filters.is_valid()  # a refused filter shows its reason next to the field, and the tables unfiltered
    results = filters.qs if valid else None
    tables, cells, areas = [], [], []
    if run.status == ScoringRun.Status.SUCCEEDED:
        capacity = filters.form.cleaned_data.get("capacity_mw") if valid else None
        for mw in run.capacities_mw:
            if capacity is not None and mw != capacity:
                continue
            rows = selectors.run_top_results(run=run, capacity_mw=mw, results=results)
            tables.append({"label": capacity_label(mw), "rows": rows, "capacity": mw})
        _rank_changes(run, tables)
        if run.mode == ScoringRun.Mode.NATIONAL:
            cells = web_selectors.cell_markers(run=run, capacity_mw=max(run.capacities_mw))
            areas = web_selectors.national_areas(run=run, capacity_mw=max(run.capacities_mw))
    csv_query = urlencode({"eligible": "true", **(query if valid else {})})
    can_cancel = run.status in ScoringRun.ACTIVE_STATUSES and user_is_planner(request.user)
    context = {"run": run, "tables": tables, "can_cancel": can_cancel, "csv_query": csv_query,
               "filter_fields": [filters.form[name] for name in RUN_PAGE_FILTERS], "filtered": valid and bool(query),
               "cells": cells, "areas": areas, "can_promote": user_is_planner(request.user)}  # fmt: skip
    return render(request, "sitesel/web/run.html", context, status=200 if valid else 400)


@internal_page
@require_POST
def run_cancel(request, pk: int):
    """The run page's Cancel button (planners; a CSRF-checked form post) through the API's service."""
    if not user_is_planner(request.user):
        raise PermissionDenied("Cancelling a run needs the planner role.")
    run = get_object_or_404(web_selectors.run_list(), pk=pk)
    try:
        scoring_run_cancel(run_id=run.pk)
    except Conflict as exc:  # it ended before the click arrived: say how
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Run {run.pk} cancelled.")
    return redirect("web:run-detail", pk=run.pk)


def _rank_changes(run: ScoringRun, tables: list[dict]) -> None:
    """Each ranked row's total capex; with both capacities shown, its rank at the other capacity and how many
    places it gains at this one."""
    for table in tables:
        for row in table["rows"]:
            row.capex_total = row.capex_per_mw_usd * row.capacity_mw if row.capex_per_mw_usd is not None else None
    if len(tables) != 2:
        return
    for table, other in ((tables[0], tables[1]), (tables[1], tables[0])):
        table["other_label"] = other["label"]
        ranks = web_selectors.ranks_at(run=run, capacity_mw=other["capacity"], results=table["rows"])
        for row in table["rows"]:
            row.other_rank = ranks.get((row.site_id, row.cell_id))
            row.rank_gain = row.other_rank - row.rank if row.other_rank and row.rank else None
