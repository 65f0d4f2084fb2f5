"""The main flows in Debian's Chromium (Playwright's sync API, the system browser, no download), at 1440×900 and
390×844: sign in; where to build 1 GW (the top-10 list equals the API's ranking, the #1 site opens with overlays
drawn, by keyboard and by mouse); a site; a subset run started from the page and finished by a real Celery worker,
after which the map still shows the reference run; the program dashboard and a refused block move; every page no
wider than the screen; the API docs; sign out.

Every request that would leave 127.0.0.1 is aborted and recorded; the test fails if there was any. Every
Content-Security-Policy violation (the `securitypolicyviolation` event of every page, and Chromium's console
messages about the policy) is recorded too; the test fails if there was any.
Screenshots go to .run/screenshots/ (not committed).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from config.celery_app import app
from orchestration.demo.program import demo_program_load
from orchestration.models import CapacityBlock
from sitesel.models import ScoringResult, ScoringRun, Site
from sitesel.selectors import result_breakdown
from sitesel.services.scoring_runs import scenario_default, scoring_run_create
from tests.web.conftest import DEMO_SITES, make_planner, run_inline

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
SCREENSHOTS = Path(settings.BASE_DIR) / ".run" / "screenshots"  # artifacts, never committed
LOCAL_HOSTS = {"127.0.0.1"}

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"
)


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
    # running loop unless told it is fine (the calls here are plain synchronous test setup and checks).
    # Set for this test only: left in the environment it would fail `check --deploy` (async.E001) later.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.external_requests = []
        page.csp_violations = []
        context.expose_binding("reportCsp", lambda source, text: page.csp_violations.append(text))
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => window.reportCsp("
            "location.pathname + ': ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));"
        )
        page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_violations.append(m.text))

        def guard(route):
            host = urlsplit(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
                route.continue_()
            else:
                page.external_requests.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
    assert page.external_requests == [], f"requests left 127.0.0.1: {page.external_requests}"
    assert page.csp_violations == [], f"Content-Security-Policy violations: {page.csp_violations}"


@pytest.fixture
def world(real_layers_committed, django_capture_on_commit_callbacks):
    """Committed data the live server's thread can see: the real layers, the demo sites, a finished run
    and the demo program."""
    call_command("import_sites", str(DEMO_SITES))
    run = run_inline(scoring_run_create(scenario=scenario_default(), draws=50))
    project, _ = demo_program_load(site=Site.objects.order_by("pk").first())
    make_planner(password="browser-pass")
    return {"run": run, "project": project}


def sign_in(page, base: str, next_url: str) -> None:
    page.goto(f"{base}{next_url}")
    assert "/login/" in page.url
    page.fill("#id_username", "planner")
    page.fill("#id_password", "browser-pass")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def test_planner_flows_in_chromium(live_server, browser_page, world):
    try:
        # A real Celery worker (its own thread, consuming from the test Redis) runs the scoring the page starts.
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            _flows(live_server.url, browser_page, world)
    finally:
        # ORM calls made while Playwright's loop runs get a connection of their own (asgiref's context-local
        # connections): close it, or the test database cannot be dropped at the end of the session.
        connections.close_all()


VIEWPORTS = ((1440, 900), (390, 844))


def assert_fits(page, url: str) -> None:
    """No page wider than the screen: tables scroll inside their own box."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{url} is {scroll} px wide in a {width} px viewport"


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def api_top10(page, base: str, run_id: int) -> list[int]:
    response = page.request.get(
        f"{base}/api/v1/scoring-runs/{run_id}/results/?capacity_mw=1000&eligible=true&max_rank=10"
    )
    assert response.ok, response.status
    rows = sorted(response.json()["results"], key=lambda r: r["rank"])
    return [r["site"] for r in rows]


def map_question_one(base, page, run, label: str) -> None:
    """Where to build 1 GW: ranked list = API ranking, the #1 site clickable with overlays on, fits the screen."""
    page.goto(f"{base}/map/")
    # Waits use selectors, not wait_for_function: its predicates are compiled in the page, which the CSP forbids.
    page.wait_for_selector('#map[data-boundaries]:not([data-boundaries="loading"])', state="attached", timeout=20_000)
    assert int(page.get_attribute("#map", "data-boundaries")) >= 49
    assert int(page.get_attribute("#map", "data-markers")) == Site.objects.count()
    assert f"run {run.pk}" in page.inner_text("#run-info")
    listed = [int(v) for v in page.locator("button.top-site").evaluate_all("bs => bs.map(b => b.dataset.site)")]
    assert listed == api_top10(page, base, run.pk)
    assert page.locator(".rank-icon").count() == 10
    for kind in ("hv_lines", "power_plants"):
        page.check(f'input[data-overlay="{kind}"]')
        page.wait_for_selector(f"#map[data-overlay_{kind}]", state="attached", timeout=20_000)
    assert int(page.get_attribute("#map", "data-overlay_power_plants")) > 0
    assert_fits(page, "/map/")
    shot(page, "map")

    # The list is the keyboard's way in: focus #1 and press Enter.
    best = ScoringResult.objects.select_related("site").get(run=run, capacity_mw=1000, rank=1)
    page.focus("button.top-site >> nth=0")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert best.site.name in popup.inner_text()
    page.click(".leaflet-popup-close-button")
    # Leaflet fades a closed popup out before removing it: wait until it is gone, or the next wait would see it.
    page.wait_for_selector(".leaflet-popup", state="detached")
    # A real mouse click on the #1 site, with the plants and lines overlays drawn: the site is on top and opens.
    # Zoomed in, county outlines join the state boundaries under the sites.
    page.wait_for_selector('#map[data-counties]:not([data-counties="0"])', state="attached", timeout=20_000)
    page.locator("#map").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([lat, lon]) => { const p = window.siteselMap.latLngToContainerPoint([lat, lon]);
            const r = document.getElementById("map").getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
        [best.lat, best.lon],
    )
    page.mouse.click(x, y)
    popup.wait_for(state="visible")
    assert best.site.name in popup.inner_text()
    shot(page, "map-popup")
    popup.locator("a.site-link").click()
    page.wait_for_url(f"{base}/sites/{best.site_id}/")
    assert page.inner_text("h1") == best.site.name
    assert page.locator('.breakdown[data-capacity="1000"] .bar-row').count() == len(result_breakdown(best))
    assert "of 100 points" in page.inner_text('.breakdown[data-capacity="1000"] h3')
    page.wait_for_selector('#map[data-context="drawn"]', state="attached")
    assert_fits(page, "/sites/")
    shot(page, "site")


def _flows(base, page, world):
    assert urlsplit(base).hostname == "127.0.0.1"
    run = world["run"]
    sign_in(page, base, "/map/")
    map_question_one(base, page, run, "1440")

    # --- scoring runs: a validation error next to the field, then a subset run the real worker finishes ---
    page.goto(f"{base}/runs/")
    page.select_option("#id_mode", "national")
    page.click("#run-form button[type=submit]")
    assert "needs a cell size" in page.inner_text("#field-cell_size_km")
    shot(page, "runs-error")
    page.select_option("#id_mode", "sites")
    page.fill("#id_cell_size_km", "")
    page.fill("#id_state", "PA")
    page.click("#run-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/runs/\d+/$"))
    new_run = ScoringRun.objects.exclude(pk=run.pk).get()
    # The Celery worker (started for this test) picks the run up; the page polls the API and reloads when done.
    page.wait_for_selector("#csv-link", timeout=120_000)
    assert page.inner_text("#run-status") == "Succeeded"
    new_run.refresh_from_db()
    assert new_run.status == "succeeded" and new_run.site_filter == {"state": "PA"}
    assert page.locator("table.ranking tr").count() > 2
    # Sortable columns: a click on "Score" sorts ascending.
    table = page.locator("table.ranking").first
    table.locator("th", has_text="Score").click()
    assert table.locator("th", has_text="Score").get_attribute("aria-sort") == "ascending"
    column = table.locator("th").evaluate_all("ths => ths.findIndex(t => t.textContent.startsWith('Score'))")
    scores = table.locator("tr").evaluate_all(
        f"rows => rows.slice(1).map(r => parseFloat(r.cells[{column}].textContent))"
    )
    assert scores == sorted(scores)
    shot(page, "run")

    # The PA-only run does not replace the map's reference scores: same run, same top 10.
    page.goto(f"{base}/map/")
    assert f"run {run.pk}" in page.inner_text("#run-info")
    listed = [int(v) for v in page.locator("button.top-site").evaluate_all("bs => bs.map(b => b.dataset.site)")]
    assert listed == api_top10(page, base, run.pk)

    # --- the program dashboard: the matrix, and a block move the gates refuse ---
    project = world["project"]
    page.goto(f"{base}/programs/{project.pk}/")
    assert page.locator("#matrix td.s").count() == 20 * 9
    assert page.locator("#mw-chart polyline").count() == 2
    block = CapacityBlock.objects.get(project=project, index=1)
    form = page.locator(f'form.transition-form[data-block="{block.pk}"]')
    form.locator("input[name=reason]").fill("try to power block 1")
    form.locator("button").click()
    refusal = page.locator(f"#result-{block.pk}")
    refusal.wait_for(state="visible")
    assert "Refused (409" in refusal.inner_text()
    block.refresh_from_db()
    assert block.state == "site_ready"
    assert page.locator("#gantt .g-block").count() == 20
    assert_fits(page, f"/programs/{project.pk}/")
    shot(page, "program")

    # --- a phone: the map question again, and every page fits the screen ---
    page.set_viewport_size({"width": 390, "height": 844})
    map_question_one(base, page, run, "390")
    pages = ("/", "/sites/", "/layers/", "/alerts/", "/runs/", f"/runs/{new_run.pk}/", "/programs/",
             f"/programs/{project.pk}/")  # fmt: skip
    for url in pages:
        page.goto(f"{base}{url}")
        assert_fits(page, url)
        shot(page, "page" + url.replace("/", "_").rstrip("_"))
    page.set_viewport_size({"width": 1440, "height": 900})

    # --- the API docs (signed in, served from our static files), then sign out from the page header ---
    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    page.goto(f"{base}/api/redoc/")
    page.wait_for_selector("redoc .api-content, [role=navigation]", timeout=30_000)
    # Redoc's footer logo comes from our static files (its CDN copy would be recorded as a request leaving).
    page.wait_for_selector('img[alt="redocly logo"][src^="/static/"]', state="attached", timeout=20_000)
    page.goto(f"{base}/runs/")
    page.click("#sign-out button")
    page.wait_for_url(f"{base}/login/")
    page.goto(f"{base}/map/")
    assert "/login/" in page.url
