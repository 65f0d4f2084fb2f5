"""The main flows in Debian's Chromium (Playwright's sync API, the system browser, no download):
sign in, the map, a site, start a run and watch it finish, the program dashboard and a refused block move, the
API docs, sign out.

Every request that would leave 127.0.0.1 is aborted and recorded; the test fails if there was any. Every
Content-Security-Policy violation (the `securitypolicyviolation` event of every page, and Chromium's console
messages about the policy) is recorded too; the test fails if there was any.
Screenshots go to artifacts/screenshots/ (CI keeps artifacts/).
"""

import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from orchestration.demo.program import demo_program_load
from orchestration.models import CapacityBlock
from sitesel.models import ScoringResult, ScoringRun, Site
from sitesel.services.scoring import scenario_default, scoring_run_create
from tests.web.conftest import DEMO_SITES, make_planner, run_inline

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1"}
# Redoc's footer always asks for the Redocly logo from its CDN; the policy refuses it (no request leaves): the one
# refusal expected (config/security/csp.py). Anything else the policy blocks fails the test.
EXPECTED_REFUSALS = {"/api/redoc/: img-src blocked https://cdn.redoc.ly/redoc/logo-mini.svg"}

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
        page.on("console", lambda m: "Content Security Policy" in m.text and "cdn.redoc.ly" not in m.text
                and page.csp_violations.append(m.text))  # fmt: skip

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
    violations = [v for v in page.csp_violations if v not in EXPECTED_REFUSALS]
    assert violations == [], f"Content-Security-Policy violations: {violations}"


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
        _flows(live_server.url, browser_page, world)
    finally:
        # ORM calls made while Playwright's loop runs get a connection of their own (asgiref's context-local
        # connections): close it, or the test database cannot be dropped at the end of the session.
        connections.close_all()


def _flows(base, page, world):
    assert urlsplit(base).hostname == "127.0.0.1"
    run = world["run"]

    # --- the map: our boundaries, a marker per site, an overlay, a popup linking to the site ---
    sign_in(page, base, "/map/")
    # Waits use selectors, not wait_for_function: its predicates are compiled in the page, which the CSP forbids.
    page.wait_for_selector('#map[data-boundaries]:not([data-boundaries="loading"])', state="attached", timeout=20_000)
    states = int(page.get_attribute("#map", "data-boundaries"))
    assert states >= 49
    assert page.locator(".leaflet-pane.leaflet-boundaries-pane path, .leaflet-boundaries-pane canvas").count() > 0
    assert int(page.get_attribute("#map", "data-markers")) == Site.objects.count()
    assert f"run {run.pk}" in page.inner_text("#run-info")
    page.check('input[data-overlay="hv_lines"]')
    page.wait_for_selector("#overlay-status:text-matches('^hv_lines:')", timeout=20_000)
    assert int(page.get_attribute("#map", "data-overlay_hv_lines")) > 0
    page.screenshot(path=str(SCREENSHOTS / "map.png"))

    best = ScoringResult.objects.select_related("site").get(run=run, capacity_mw=1000, rank=1)
    page.evaluate(
        """([lat, lon]) => { const m = window.siteselMap; let hit = null;
            m.eachLayer(l => { if (l.getLatLng && l.getPopup && l.getPopup() && !hit) {
              const p = l.getLatLng(); if (Math.abs(p.lat - lat) < 1e-4 && Math.abs(p.lng - lon) < 1e-4) hit = l; } });
            m.setView([lat, lon], 7); hit.openPopup(); }""",
        [best.lat, best.lon],
    )
    popup = page.locator(".leaflet-popup-content")
    assert best.site.name in popup.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "map-popup.png"))
    popup.locator("a.site-link").click()

    # --- the site page: breakdown bars and both capacities ---
    page.wait_for_url(f"{base}/sites/{best.site_id}/")
    assert page.inner_text("h1") == best.site.name
    header = page.inner_text("#comparison tr:first-child")
    assert "50 MW" in header and "1 GW" in header
    assert page.locator('.breakdown[data-capacity="1000"] .bar-row').count() == len(best.breakdown)
    widths = page.eval_on_selector_all(
        '.breakdown[data-capacity="1000"] .bar > span', "els => els.map(e => e.offsetWidth)"
    )
    assert max(widths) > 0
    assert "First power P10 / P50 / P90" in page.inner_text("#comparison")
    assert "Time to compute P50" in page.inner_text("#comparison")
    page.screenshot(path=str(SCREENSHOTS / "site.png"), full_page=True)

    # --- scoring runs: a validation error next to the field, then a run that finishes while we watch ---
    page.goto(f"{base}/runs/")
    page.select_option("#id_mode", "national")
    page.click("#run-form button[type=submit]")
    assert "needs a cell size" in page.inner_text("#field-cell_size_km")
    page.screenshot(path=str(SCREENSHOTS / "runs-error.png"))
    page.select_option("#id_mode", "sites")
    page.fill("#id_cell_size_km", "")
    page.fill("#id_state", "PA")
    page.click("#run-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/runs/\d+/$"))
    new_run = ScoringRun.objects.exclude(pk=run.pk).get()
    assert page.inner_text("#run-status") == "Queued"

    # The test's own thread stands in for the Celery worker; the page polls the API and reloads when done.
    def work():
        try:
            run_inline(new_run)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=120)
    page.wait_for_selector("#csv-link", timeout=20_000)
    assert page.inner_text("#run-status") == "Succeeded"
    assert page.locator("table.ranking tr").count() > 2
    page.screenshot(path=str(SCREENSHOTS / "run.png"), full_page=True)

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
    page.screenshot(path=str(SCREENSHOTS / "program.png"), full_page=True)

    # --- the API docs (signed in, served from our static files), then sign out from the page header ---
    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    page.goto(f"{base}/api/redoc/")
    page.wait_for_selector("redoc .api-content, [role=navigation]", timeout=30_000)
    page.goto(f"{base}/runs/")
    page.click("#sign-out button")
    page.wait_for_url(f"{base}/login/")
    page.goto(f"{base}/map/")
    assert "/login/" in page.url
