"""The planner pages through Django's test client: login, what each page shows, no external asset,
and a bounded number of queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orchestration.demo.program import demo_program_load
from orchestration.models import CapacityBlock
from sitesel.models import Feature, ScoringResult, ScoringRun, Site
from sitesel.selectors import result_breakdown, result_economics, result_measures
from sitesel.services.scoring_runs import scoring_run_create
from sitesel.web.explain import max_points
from sitesel.web.formatting import criterion_label, criterion_value, money, money_per_mw

pytestmark = pytest.mark.django_db

PAGES = ["/", "/map/", "/map/boundaries.json", "/map/overlays/hv_lines.json", "/runs/", "/sites/1/", "/runs/1/",
         "/programs/", "/programs/1/", "/alerts/", "/layers/"]  # fmt: skip
EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.IGNORECASE)


def assert_local_only(html: str) -> None:
    """No script, stylesheet, image or link to another host."""
    assert not EXTERNAL.search(html), EXTERNAL.search(html).group(0)


def get(client, url: str, max_queries: int):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert len(queries) <= max_queries, f"{url}: {len(queries)} queries"
    return response


@pytest.mark.parametrize("url", PAGES)
def test_every_page_requires_login(client, url):
    response = client.get(url)
    # settings.LOGIN_URL is the planners' sign-in page, which admits non-staff users (the demo's planner).
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_a_planner_who_is_not_staff_signs_in_and_lands_on_the_page_asked_for(client, db):
    from tests.web.conftest import make_planner

    make_planner(password="s3cret-pass")
    page = client.get("/login/?next=/runs/").content.decode()
    assert_local_only(page)
    response = client.post("/login/", {"username": "planner", "password": "wrong", "next": "/runs/"})
    assert response.status_code == 200 and "Please enter a correct username and password" in response.content.decode()
    response = client.post("/login/", {"username": "planner", "password": "s3cret-pass", "next": "/runs/"})
    assert response.status_code == 302 and response["Location"] == "/runs/"
    assert "Start a run" in client.get("/runs/").content.decode()


def test_home_answers_where_what_is_late_and_what_happened(viewer_client, scored_run, program):
    from orchestration.models import Alert

    Alert.objects.create(kind="new_slip", key="k1", message="Gridline slipped a transformer by 45 days",
                         project=program)  # fmt: skip
    page = get(viewer_client, "/", 16).content.decode()
    assert_local_only(page)
    for url in ("/map/", "/runs/", "/programs/", "/alerts/", "/layers/"):
        assert f'href="{url}"' in page
    # Best sites of the reference run at both capacities, totals next to per-MW figures.
    top = re.search(r'<div class="cols" id="top-sites">(.*?)<h2>', page, re.S)[1]
    for capacity in (1000, 50):
        best = ScoringResult.objects.select_related("site").get(run=scored_run, capacity_mw=capacity, rank=1)
        assert f'<a href="/sites/{best.site_id}/">{best.site.name}</a>' in top
        assert money(best.capex_per_mw_usd * capacity) in top and money_per_mw(best.capex_per_mw_usd) in top
    # The demo program is forecast late: it is listed at risk, first block and whole program compared alike.
    risk = re.search(r'<table id="programs-at-risk">(.*?)</table>', page, re.S)[1]
    assert f'href="/programs/{program.pk}/"' in risk
    first = CapacityBlock.objects.filter(project=program).order_by("index").first()
    assert f"{first.planned_go_live:%Y-%m-%d} → " in risk
    assert "Gridline slipped a transformer by 45 days" in re.search(r'id="recent-alerts"(.*?)</ul>', page, re.S)[1]
    alerts = get(viewer_client, "/alerts/?kind=new_slip", 8).content.decode()
    assert "Gridline slipped a transformer" in alerts
    assert "Gridline slipped" not in get(viewer_client, "/alerts/?kind=overdue_line", 8).content.decode()
    layers = get(viewer_client, "/layers/", 8).content.decode()
    assert 'id="layers"' in layers and "CC BY 4.0" in layers


def test_admin_link_only_for_staff(viewer_client, demo_sites, django_user_model):
    assert 'href="/admin/"' not in get(viewer_client, "/map/", 12).content.decode()
    site = Site.objects.first()
    assert "/admin/sitesel/site/" not in get(viewer_client, f"/sites/{site.pk}/", 14).content.decode()
    staff = django_user_model.objects.create_user(username="editor", is_staff=True, is_superuser=True)
    viewer_client.force_login(staff)
    assert 'href="/admin/"' in get(viewer_client, "/map/", 12).content.decode()


def test_map_colours_sites_by_the_latest_run_and_serves_our_layers(viewer_client, scored_run):
    page = get(viewer_client, "/map/?capacity=50", 12).content.decode()
    assert_local_only(page)
    assert "/static/leaflet/leaflet.js" in page and "/static/sitesel/web/map.js" in page
    assert f"run {scored_run.pk}" in page
    sites = json.loads(re.search(r'<script id="sites-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert len(sites) == Site.objects.count()
    best = ScoringResult.objects.get(run=scored_run, capacity_mw=50, rank=1)
    row = next(s for s in sites if s["id"] == best.site_id)
    assert row["rank"] == 1 and row["score"] == round(best.score, 1)
    # 1 GW is the default capacity; an unknown one falls back to it.
    gw = json.loads(re.search(r'id="sites-data"[^>]*>(.*?)</script>', get(viewer_client, "/map/?capacity=7", 12)
                              .content.decode(), re.S)[1])  # fmt: skip
    best_gw = ScoringResult.objects.get(run=scored_run, capacity_mw=1000, rank=1)
    assert next(s for s in gw if s["id"] == best_gw.site_id)["rank"] == 1

    states = json.loads(get(viewer_client, "/map/boundaries.json", 5).content)
    # The base outlines and overlays travel gzipped when the browser accepts it (the map's largest fetches).
    zipped = viewer_client.get("/map/boundaries.json", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and len(zipped.content) < len(json.dumps(states)) / 2
    names = {f["properties"]["name"] for f in states["features"]}
    assert {"Pennsylvania", "Texas", "California"} <= names and len(names) >= 49

    lines = json.loads(get(viewer_client, "/map/overlays/hv_lines.json?bbox=-81,39,-78,41", 5).content)
    assert lines["features"], "≥345 kV lines cross western Pennsylvania"
    assert all(f["properties"]["voltage_kv"] >= 345 for f in lines["features"])
    assert all(f["geometry"]["type"] in ("LineString", "MultiLineString") for f in lines["features"])
    datacenters = json.loads(get(viewer_client, "/map/overlays/datacenters.json?bbox=-78,38,-77,39.5", 5).content)
    assert datacenters["features"], "northern Virginia has datacenters"
    assert viewer_client.get("/map/overlays/hv_lines.json?bbox=nonsense").status_code == 400
    assert viewer_client.get("/map/overlays/counties.json").status_code == 404


def test_map_without_a_run_shows_sites_unscored(viewer_client, demo_sites):
    page = get(viewer_client, "/map/", 10).content.decode()
    assert "No succeeded scoring run yet" in page


def test_site_page_shows_facts_breakdown_and_both_capacities(viewer_client, scored_run):
    best = ScoringResult.objects.select_related("site").get(run=scored_run, capacity_mw=1000, rank=1)
    page = get(viewer_client, f"/sites/{best.site_id}/", 25).content.decode()
    assert_local_only(page)
    assert best.site.name in page
    assert "<th>50 MW</th>" in page and "<th>1 GW</th>" in page
    economics = result_economics(best)
    assert money_per_mw(economics["capex_per_mw_usd"]) in page  # $50.8 M/MW, next to the total
    assert money(economics["capex_per_mw_usd"] * 1000) in page
    assert f"{economics['gpus']:,.0f}" in page
    for p in ("p10", "p50", "p90"):
        assert f"{economics[f'time_to_power_months_{p}']:.0f}" in page
        assert f"{economics[f'time_to_first_power_months_{p}']:.0f}" in page
    assert f"<strong>{economics['time_to_compute_months_p50']:.0f}</strong>" in page
    from django.utils import timezone

    from sitesel.web.compare import go_live

    live = go_live(economics["time_to_power_months_p50"], timezone.localdate())
    assert f"P50 live ≈ {live:%b %Y} if decided today" in page  # the go-live month next to the months
    # The 50 MW : 1 GW comparison with its waterfall, computed for this site.
    assert "facility only" in page and "all-in with cost of delay" in page and "repetition learning" in page
    assert economics["binding_constraint"] in page
    assert "Grid-swing flag" in page
    # The breakdown in words: criterion, raw value with its unit, points of the most it could earn.
    assert 'class="card breakdown" data-capacity="1000"' in page and 'data-capacity="50"' in page
    card = page.split('data-capacity="1000">')[1].split("<h2>Facts</h2>")[0]
    weights = max_points(scored_run.scenario_spec["weights"])
    measures = result_measures(best)
    for criterion, points in result_breakdown(best).items():
        row = re.search(rf'data-criterion="{criterion}">(.*?)</div>', card, re.S)[1]
        assert f"{criterion_label(criterion)}: {criterion_value(criterion, measures[criterion])}" in row
        assert f"{points:.1f} of {weights[criterion]:.0f}" in row
    assert "time_to_power_p50_months" not in re.sub(r'data-criterion="\w+"', "", card)
    # The locator: the site and the nearest line, substation and plant, drawn from our layers.
    nearest = json.loads(re.search(r'<script id="context-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert {n["kind"] for n in nearest} == {"hv_lines", "ehv_nodes_derived", "power_plants"}
    assert all(n["geometry"]["type"] for n in nearest) and "Nearest line ≥230 kV" in page
    # Facts
    facts = best.site.facts
    assert "Nearest line ≥345 kV" in page and f"{facts.distance_hv_345_km:,.1f}" in page


def test_site_page_404_and_unscored(viewer_client, demo_sites):
    assert viewer_client.get("/sites/999999/").status_code == 404
    site = Site.objects.first()
    # A constant number of queries: the site, its facts, the run, and the locator's layers and nearest features.
    assert "No succeeded sites scoring run yet" in get(viewer_client, f"/sites/{site.pk}/", 12).content.decode()


def test_runs_page_starts_a_run_and_shows_errors_next_to_the_field(
    planner_client, demo_sites, django_capture_on_commit_callbacks
):
    page = get(planner_client, "/runs/", 12).content.decode()
    assert_local_only(page)
    assert "Start a run" in page and "No runs yet." in page
    scenario = re.search(r'<option value="(\d+)" selected>Default</option>', page)[1]

    # National screen without a cell size: the error sits in the cell size field's block.
    response = planner_client.post("/runs/", {"scenario": scenario, "mode": "national", "cell_size_km": ""})
    assert response.status_code == 400  # a refused form says so, as the API would
    field = re.search(r'<div class="field" id="field-cell_size_km">(.*?)</div>', response.content.decode(), re.S)[1]
    assert "The national screen needs a cell size" in field
    response = planner_client.post("/runs/", {"scenario": scenario, "mode": "national", "cell_size_km": "500"})
    field = re.search(r'id="field-cell_size_km">(.*?)</div>', response.content.decode(), re.S)[1]
    assert "less than or equal to 100" in field
    # A state with no site: the service's error lands on the state field.
    response = planner_client.post("/runs/", {"scenario": scenario, "mode": "sites", "state": "AK"})
    assert response.status_code == 400
    field = re.search(r'id="field-state">(.*?)</div>', response.content.decode(), re.S)[1]
    assert "no site matches the filter" in field
    assert not ScoringRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = planner_client.post("/runs/", {"scenario": scenario, "mode": "sites", "state": "pa"})
    run = ScoringRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/runs/{run.pk}/"
    assert run.site_filter == {"state": "PA"} and run.status == "queued" and len(callbacks) == 1
    page = get(planner_client, f"/runs/{run.pk}/", 10).content.decode()
    assert f'data-api-url="/api/v1/scoring-runs/{run.pk}/"' in page and "Queued" in page
    assert "/static/sitesel/web/run.js" in page and "csv-link" not in page


def test_runs_page_is_read_only_for_viewers(viewer_client, demo_sites):
    page = get(viewer_client, "/runs/", 10).content.decode()
    assert "Starting a run needs the planner role." in page and 'id="run-form"' not in page
    assert viewer_client.post("/runs/", {"mode": "sites"}).status_code == 403


def test_run_page_ranks_the_top_50_per_capacity_with_csv(viewer_client, scored_run):
    page = get(viewer_client, f"/runs/{scored_run.pk}/", 12).content.decode()
    assert_local_only(page)
    assert f'href="/api/v1/scoring-runs/{scored_run.pk}/results/csv/?eligible=true"' in page
    assert "Top" in page and "at 50 MW" in page and "at 1 GW" in page
    for capacity in (50, 1000):
        best = ScoringResult.objects.select_related("site").get(run=scored_run, capacity_mw=capacity, rank=1)
        assert f'<a href="/sites/{best.site_id}/">{best.site.name}</a>' in page
    eligible = ScoringResult.objects.filter(run=scored_run, eligible=True, rank__lte=50).count()
    assert page.count("<tr><td>") == eligible
    # 1 GW next to 50 MW: each row's rank at the other capacity and the places it gains; money at its scale.
    best = ScoringResult.objects.get(run=scored_run, capacity_mw=1000, rank=1)
    small = ScoringResult.objects.get(run=scored_run, capacity_mw=50, site_id=best.site_id)
    tables = re.findall(r'<table class="ranking sortable">(.*?)</table>', page, re.S)
    gw = next(t for t in tables if "Rank at 50 MW" in t)
    row = re.search(r"<tr><td>1</td>(.*?)</tr>", gw, re.S)[1]
    gain = small.rank - 1
    assert f"<td>{small.rank}</td>" in row and (f"+{gain}" if gain > 0 else str(gain)) in row
    assert money(best.capex_per_mw_usd * 1000) in row and money_per_mw(best.capex_per_mw_usd) in row
    filtered = get(viewer_client, f"/runs/{scored_run.pk}/?state=GA&min_score=10", 12).content.decode()
    csv = f"/api/v1/scoring-runs/{scored_run.pk}/results/csv/?eligible=true&amp;state=GA&amp;min_score=10"
    assert f'href="{csv}"' in filtered
    listing = get(viewer_client, "/runs/", 10).content.decode()
    assert f'href="/runs/{scored_run.pk}/"' in listing and "Succeeded" in listing


@pytest.fixture
def program(demo_sites):
    project, _ = demo_program_load(site=Site.objects.order_by("pk").first())
    return project


def test_program_dashboard_shows_plan_vs_forecast_matrix_slips_and_suppliers(planner_client, program):
    listing = get(planner_client, "/programs/", 8).content.decode()
    assert f'href="/programs/{program.pk}/"' in listing
    page = get(planner_client, f"/programs/{program.pk}/", 40).content.decode()
    assert_local_only(page)
    assert program.name in page
    assert 'id="mw-chart"' in page and "<polyline" in page
    # 20 blocks × 9 inputs, each cell coloured by its status.
    cells = re.findall(r'<td class="s s-(\w+)', page)
    assert len(cells) == 20 * 9
    assert {"late", "on_track"} & set(cells)
    assert "installed" in cells or "received" in cells, "the demo's land has closed"
    assert page.count('class="transition-form"') == 20
    # Recorded slips in the demo: block 7's power equipment (60 days) and others.
    slips = re.search(r'<table id="slips">(.*?)</table>', page, re.S)[1]
    assert "<td>60</td>" in slips
    suppliers = re.search(r'<table id="suppliers">(.*?)</table>', page, re.S)[1]
    assert "Gridline Transformers" in suppliers and "<td>8</td>" in suppliers
    assert "/static/orchestration/dashboard.js" in page


def test_dashboard_matrix_matches_the_per_block_alignment(planner_client, program):
    from orchestration.services.forecast import block_alignment

    page = get(planner_client, f"/programs/{program.pk}/", 40).content.decode()
    for block in CapacityBlock.objects.filter(project=program).order_by("index")[:4]:
        row = re.search(rf'<tr data-block="{block.pk}">(.*?)</tr>', page, re.S)[1]
        shown = re.findall(r'<td class="s s-(\w+)', row)
        assert shown == [i["status"] for i in block_alignment(block=block)["inputs"]]


def test_dashboard_is_internal(client, program, django_user_model):
    from django.contrib.auth.models import Group

    supplier_user = django_user_model.objects.create_user(username="vendor")
    supplier_user.groups.add(Group.objects.get_or_create(name="supplier")[0])
    client.force_login(supplier_user)
    assert client.get(f"/programs/{program.pk}/").status_code == 403
    assert client.get("/programs/").status_code == 403


def test_every_page_renders_in_under_a_second_with_the_demo_data(planner_client, scored_run, program):
    import time

    best = ScoringResult.objects.get(run=scored_run, capacity_mw=1000, rank=1)
    urls = ["/", "/map/", "/map/boundaries.json", "/map/overlays/hv_lines.json?bbox=-125,24,-66,50", "/runs/",
            f"/runs/{scored_run.pk}/", f"/sites/{best.site_id}/", "/programs/", f"/programs/{program.pk}/"]  # fmt: skip
    timings = {}
    for url in urls:
        planner_client.get(url)  # warm the per-process caches (layer snapshot, archives)
        started = time.perf_counter()
        assert planner_client.get(url).status_code == 200
        timings[url] = time.perf_counter() - started
    print({url: round(t, 3) for url, t in timings.items()})
    slow = {url: round(t, 3) for url, t in timings.items() if t >= 1.0}
    assert not slow, slow


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_every_page_passes_the_content_security_policy(planner_client, scored_run, program):
    """No inline script, style element, style attribute or event handler, and the strict policy on each page
    (the browser test checks the same pages, scripts running, for violations)."""
    best = ScoringResult.objects.get(run=scored_run, capacity_mw=1000, rank=1)
    urls = ["/", "/map/", "/runs/", f"/runs/{scored_run.pk}/", f"/sites/{best.site_id}/", "/programs/",
            f"/programs/{program.pk}/", "/login/"]  # fmt: skip
    for url in urls:
        if url == "/login/":
            planner_client.logout()
        response = planner_client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy, policy
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not INLINE_STYLE.search(html), (url, html[INLINE_STYLE.search(html).start() - 80 :][:160])


def test_map_scores_come_from_the_scenario_chosen(planner_client, scored_run, django_capture_on_commit_callbacks):
    from sitesel.models import Scenario
    from tests.web.conftest import run_inline

    other = Scenario.objects.create(name="Labor first", spec={"weights": {"county_labor_force": 1.0}})
    other_run = run_inline(scoring_run_create(scenario=other, draws=50))
    default_page = planner_client.get("/map/").content.decode()
    assert f"run {other_run.pk}</a> (Labor first," in default_page  # the newest reference by default
    chosen = planner_client.get(f"/map/?scenario={scored_run.scenario_id}").content.decode()
    assert f"run {scored_run.pk}</a> ({scored_run.scenario.name}," in chosen


def test_ranked_table_filters_and_field_errors(planner_client, scored_run):
    page = planner_client.get(f"/runs/{scored_run.pk}/", {"state": "ga", "min_score": 0}).content.decode()
    ranking_rows = re.findall(r'<td class="l">([A-Z]{2})</td>', page)
    assert ranking_rows and set(ranking_rows) == {"GA"}
    bad = planner_client.get(f"/runs/{scored_run.pk}/", {"min_score": 140})
    assert bad.status_code == 400 and "min_score: Give a number between 0 and 100" in bad.content.decode()


def test_a_national_run_draws_its_best_cells_on_a_map(planner_client, db, django_capture_on_commit_callbacks):
    from django.test import override_settings

    from sitesel.services.scoring_runs import scenario_default
    from tests.web.conftest import run_inline

    with override_settings(SCORING_CELLS_PER_CHUNK=500):
        run = run_inline(scoring_run_create(scenario=scenario_default(), mode="national", cell_size_km=100, draws=20))
    page = planner_client.get(f"/runs/{run.pk}/").content.decode()
    assert 'id="map"' in page and 'data-site-url=""' in page
    cells = json.loads(re.search(r'<script id="sites-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert len(cells) > 500 and cells[0]["rank"] == 1 and cells[0]["status"] == "grid cell"
    assert cells[0]["cell_km"] == 100  # drawn as squares of the run's cell size
    # Cells grouped into areas by county, best first, each with its best cell and a promote form.
    areas = re.search(r'<table id="areas">(.*?)</table>', page, re.S)[1]
    eligible = ScoringResult.objects.filter(run=run, capacity_mw=1000, eligible=True)
    best = eligible.get(rank=1)
    first = re.search(r"<tr><td>1</td>(.*?)</tr>", areas, re.S)[1]
    county_cells = eligible.filter(state=best.state, county_fips=best.county_fips).count()
    assert f"<td>{county_cells}</td>" in first and f"{best.score:.1f}" in first
    # Named by county and the nearest shipped place to the best cell (found here by brute force over the file).
    place, km = _nearest_shipped_place(best.lon, best.lat)
    county = Feature.objects.get(layer__kind="counties", valid_to__isnull=True, fips=best.county_fips).name
    in_state = place["name"] if place["state"] == best.state else f"{place['name']} {place['state']}"
    assert f'<td class="l area-name">near {in_state}, {county}, {best.state}</td>' in first
    assert f'<td class="near-km">{km:.0f}</td>' in first
    action = f"/api/v1/scoring-runs/{run.pk}/results/{best.pk}/promote/"
    assert f'action="{action}"' in first
    assert areas.count('class="promote-form"') == len(re.findall(r"<tr><td>\d+</td>", areas))
    # The form's action promotes the best cell to a candidate site.
    response = planner_client.post(action, {"name": "Best area cell"}, content_type="application/json")
    assert response.status_code == 201 and Site.objects.filter(name="Best area cell").exists()


def _nearest_shipped_place(lon: float, lat: float) -> tuple[dict, float]:
    from math import asin, cos, radians, sin, sqrt

    from django.conf import settings

    def km(f):
        (plon, plat) = f["geometry"]["coordinates"]
        h = sin(radians(plat - lat) / 2) ** 2
        h += cos(radians(lat)) * cos(radians(plat)) * sin(radians(plon - lon) / 2) ** 2
        return 2 * 6371.0088 * asin(sqrt(h))

    places = json.loads((settings.FIXTURES_DIR / "context" / "places.geojson").read_text())["features"]
    best = min(places, key=km)
    return best["properties"], km(best)


def _sites_data(page: str) -> list[dict]:
    return json.loads(re.search(r'<script id="sites-data" type="application/json">(.*?)</script>', page, re.S)[1])


def test_map_ranks_colours_lists_the_top_10_and_explains_the_lead(viewer_client, scored_run):
    page = get(viewer_client, "/map/?capacity=1000", 14).content.decode()
    sites = _sites_data(page)
    eligible = [s for s in sites if s["eligible"]]
    # Colour classes follow the rank, not fixed score bins: the top 10, then quarters of the ranking.
    assert {s["class"] for s in eligible if s["rank"] <= 10} == {0}
    assert {s["class"] for s in eligible if s["rank"] > 10} <= {1, 2, 3, 4}
    assert all(s["class"] is None for s in sites if not s["eligible"])
    ranking = list(
        ScoringResult.objects.filter(run=scored_run, capacity_mw=1000, eligible=True, rank__lte=10)
        .order_by("rank")
        .values_list("site_id", flat=True)
    )
    listed = [int(i) for i in re.findall(r'class="top-site" data-site="(\d+)"', page)]
    assert listed == ranking
    assert "Score 0–100" in page and "not an absolute grade" in page
    first, second = (ScoringResult.objects.get(run=scored_run, capacity_mw=1000, rank=r) for r in (1, 2))
    versus = re.search(r'<div id="versus">(.*?)</div>', page, re.S)[1]
    assert f"{first.score - second.score:.1f} points more than" in versus
    gaps = {c: result_breakdown(first).get(c, 0) - result_breakdown(second).get(c, 0) for c in result_breakdown(first)}
    widest = max(gaps, key=lambda c: abs(gaps[c]))
    assert criterion_label(widest) in versus


def test_a_subset_run_does_not_replace_the_reference_scores(
    viewer_client, scored_run, django_capture_on_commit_callbacks
):
    from tests.web.conftest import run_inline

    subset = run_inline(scoring_run_create(scenario=scored_run.scenario, site_filter={"state": "PA"}, draws=50))
    assert subset.results_count < scored_run.results_count
    page = get(viewer_client, "/map/", 14).content.decode()
    assert f"run {scored_run.pk}</a>" in page and "reference: every site" in page
    sites = _sites_data(page)
    assert (
        sum(1 for s in sites if s["score"] is not None)
        == ScoringResult.objects.filter(run=scored_run, capacity_mw=1000, score__isnull=False).count()
    )
    # The subset run is one switch away, and shown as such.
    switched = get(viewer_client, f"/map/?run={subset.pk}", 14).content.decode()
    assert f"run {subset.pk}</a>" in switched and "a subset run" in switched
    # A site page shows the reference run too, not the newer subset.
    site = Site.objects.filter(state="PA").first()
    assert f"/runs/{scored_run.pk}/" in get(viewer_client, f"/sites/{site.pk}/", 25).content.decode()


def test_runs_pages_never_load_the_stored_rankings(viewer_client, scored_run):
    for url in ("/runs/", f"/runs/{scored_run.pk}/"):
        with CaptureQueriesContext(connection) as queries:
            assert viewer_client.get(url).status_code == 200
        loaded = [q["sql"] for q in queries if '"sitesel_scoringrun"."ranking"' in q["sql"]]
        assert loaded == [], (url, loaded[0][:200])


def test_compare_puts_sites_side_by_side_with_totals_and_the_scale_difference(viewer_client, scored_run):
    best = [ScoringResult.objects.get(run=scored_run, capacity_mw=1000, rank=r) for r in (1, 2, 3)]
    ids = [r.site_id for r in best]
    page = get(viewer_client, "/compare/?" + "&".join(f"sites={i}" for i in ids), 40).content.decode()
    assert_local_only(page)
    table = re.search(r'<table id="compare">(.*?)</table>', page, re.S)[1]
    assert [int(i) for i in re.findall(r'<th><a href="/sites/(\d+)/">', table)] == ids
    for result in best:
        small = ScoringResult.objects.get(run=scored_run, site_id=result.site_id, capacity_mw=50)
        assert money(result.capex_per_mw_usd * 1000) in table and money_per_mw(result.capex_per_mw_usd) in table
        assert money(small.capex_per_mw_usd * 50) in table
        assert money_per_mw(small.capex_per_mw_usd - result.capex_per_mw_usd) in table  # the per-MW saving
        assert f"#{small.rank} → #{result.rank}" in table
    from sitesel.services.site_economics import site_scale_comparison

    ratio = site_scale_comparison(best[0].site, 50, 1000, scored_run).time_adjusted.ratio
    assert f"<strong>{ratio:.3f}</strong>" in table
    # The map links the top 4 here.
    assert "/compare/?sites=" in get(viewer_client, "/map/", 14).content.decode()
    # One site, or an unknown one, is refused next to the field.
    one = viewer_client.get(f"/compare/?sites={ids[0]}")
    assert one.status_code == 400 and "Choose 2 to 4 different sites" in one.content.decode()
    missing = viewer_client.get(f"/compare/?sites={ids[0]},999999")
    assert missing.status_code == 400 and "No such site: 999999" in missing.content.decode()
    assert viewer_client.get("/compare/?sites=x,1").status_code == 400


def test_program_answers_when_live_what_is_late_and_which_supplier(planner_client, program):
    from orchestration.domain.forecast import forecast_program
    from orchestration.services.forecast import forecast_as_data, program_load

    page = get(planner_client, f"/programs/{program.pk}/", 40).content.decode()
    loaded = program_load(project=program)
    data = forecast_as_data(loaded, forecast_program(loaded.inp))
    blocks = list(CapacityBlock.objects.filter(project=program).order_by("index"))
    # The Gantt: one group per block with a plan bar, and a forecast bar where the block can be dated.
    gantt = re.search(r'<svg class="chart gantt" id="gantt"(.*?)</svg>', page, re.S)[1]
    assert gantt.count('class="g-block"') == len(blocks) and gantt.count('class="g-plan"') == len(blocks)
    assert 'class="g-today"' in gantt
    # The forecast's P10–P90 band per block, from the program risk Monte Carlo: its P90 is the risk API's P90
    # (same draws), and P10 ≤ P50 ≤ P90; the site model's band stays, as a thin line of its own.
    from orchestration.services.risk import project_risk

    risk = {b["index"]: b for b in project_risk(project=program)["blocks"]}
    bands = dict(re.findall(r"<title>Block (\d+) forecast P10–P90: (\S+ – \S+)</title>", gantt))
    assert len(bands) == len(blocks) and gantt.count('class="g-risk"') == len(blocks)
    for index, band in bands.items():
        p10, p90 = band.split(" – ")
        assert p90 == f"{risk[int(index)]['p90']:%Y-%m-%d}" and p10 <= f"{risk[int(index)]['p50']:%Y-%m-%d}" <= p90
    assert "forecast P10–P90 (program risk Monte Carlo, 2000 draws" in page and "site model P10–P90" in page
    late = [b for b in data["blocks"] if (b["days_late"] or 0) > 0]
    assert late and f"+{late[0]['days_late']} d" in gantt
    # Cards: forecast against plan in days, the binding item by name and block.
    planned_end = max(b.planned_go_live for b in blocks)
    days = (data["project_go_live"] - planned_end).days
    assert f"{days} days</span> against the plan {planned_end:%Y-%m-%d}" in page
    if data["binding"] and data["binding"].get("item"):
        card = re.search(r'id="card-binding">(.*?)</div>', page, re.S)[1]
        index = next(b.index for b in blocks if b.pk == data["binding_block_id"])
        assert data["binding"]["item"] in card and f"block {index}" in card
    # Supplier impact: MW × days late summed by the supplier binding each late block.
    impact = re.search(r'<table id="impact">(.*?)</table>', page, re.S)[1]
    expected: dict[str, float] = {}
    for b in late:
        if (b["binding"] or {}).get("supplier"):
            expected[b["binding"]["supplier"]] = expected.get(b["binding"]["supplier"], 0) + b["mw"] * b["days_late"]
    for supplier, mw_days in expected.items():
        assert re.search(rf'<td class="l">{re.escape(supplier)}</td><td>{mw_days:,.0f}</td>', impact)
    # Stranded equipment, line by line.
    stranded = re.search(r'<table id="stranded-lines">(.*?)</table>', page, re.S)[1]
    assert stranded.count("<tr>") - 1 == max(len(data["stranded"]), 1)
    # Moves live in their own per-block panel, not in the matrix.
    matrix = re.search(r'<table class="matrix" id="matrix">(.*?)</table>', page, re.S)[1]
    assert "transition-form" not in matrix and page.count('data-block-panel="') == len(blocks)
    # Each panel says which site facts are recorded, the grid-energised power path among them.
    first_facts = re.search(r'<p class="muted block-facts">(.*?)</p>', page)[1]
    assert f"grid energised {'yes' if blocks[0].grid_energised else 'no'}" in first_facts
    # The list compares the first block's plan with its forecast, and the whole program alike.
    listing = get(planner_client, "/programs/", 8).content.decode()
    first = blocks[0]
    assert f"{first.planned_go_live:%Y-%m-%d} → {first.forecast_go_live:%Y-%m-%d}" in listing
    # The site page links to its program.
    assert f'href="/programs/{program.pk}/"' in get(planner_client, f"/sites/{program.site_id}/", 25).content.decode()


def test_county_outlines_for_a_zoomed_in_box_only(viewer_client, db):
    counties = json.loads(get(viewer_client, "/map/boundaries.json?kind=counties&bbox=-81,39,-78,41", 5).content)
    names = {f["properties"]["name"] for f in counties["features"]}
    assert any("Allegheny" in n for n in names), sorted(names)[:5]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in counties["features"])
    whole = viewer_client.get("/map/boundaries.json?kind=counties&bbox=-126,24,-66,50")
    assert whole.status_code == 400 and "at most 600 square degrees" in whole.content.decode()
    assert viewer_client.get("/map/boundaries.json?kind=counties").status_code == 400
    assert viewer_client.get("/map/boundaries.json?kind=rivers").status_code == 400


def test_the_geography_base_is_served_from_our_files_gzipped_and_cached(viewer_client):
    import gzip

    from django.conf import settings
    from django.test import Client

    assert Client().get("/map/context/places.json").status_code == 302  # signed in only, like every map read
    shipped = (settings.FIXTURES_DIR / "context" / "places.geojson").read_bytes()
    plain = viewer_client.get("/map/context/places.json")
    assert plain.status_code == 200 and plain.content == shipped and plain["Content-Type"] == "application/geo+json"
    assert "max-age=86400" in plain["Cache-Control"]
    zipped = viewer_client.get("/map/context/places.json", HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["Content-Encoding"] == "gzip" and gzip.decompress(zipped.content) == shipped
    assert len(zipped.content) < len(shipped) / 4
    again = viewer_client.get("/map/context/places.json", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert viewer_client.get("/map/context/parcels.json").status_code == 404
    places = json.loads(shipped)["features"]
    # Big cities are named at national zoom, towns only closer in.
    by_name = {(f["properties"]["name"], f["properties"]["state"]): f["properties"] for f in places}
    assert by_name[("New York City", "NY")]["min_zoom"] == 4 and by_name[("Abilene", "TX")]["min_zoom"] == 6
    for kind in ("highways", "rivers", "lakes", "urban_areas"):
        layer = json.loads(viewer_client.get(f"/map/context/{kind}.json").content)
        assert layer["features"] and "Natural Earth" in layer["credit"]


def test_the_map_lists_the_base_layers_and_credits_geonames(viewer_client, scored_run):
    page = get(viewer_client, "/map/", 14).content.decode()
    base = re.search(r'<fieldset class="map-controls" id="base-layers">(.*?)</fieldset>', page, re.S)[1]
    kinds = re.findall(r'data-base="(\w+)" checked', base)
    assert kinds == ["urban_areas", "lakes", "rivers", "highways", "places", "counties"]
    assert "contains data from GeoNames (geonames.org), CC BY 4.0" in page
    assert 'data-context-url="/map/context/KIND.json"' in page
