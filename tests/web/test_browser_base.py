"""The geography base and the compare page in Debian's Chromium, against a run a real Celery worker scored.

Map: place labels appear (big cities at national zoom, more once zoomed in), every base layer is drawn from our
own files with the GeoNames credit on the map, no request leaves 127.0.0.1 (the `browser_page` fixture fails the
test otherwise), and a real mouse click on the #1 site still opens the site's popup, not a label or a base layer.
Compare: 2 and 4 sites at 1440×900 and 390×844, every row label present and no horizontal page scroll.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connections

from config.celery_app import app
from sitesel.models import ScoringResult, ScoringRun
from sitesel.services.scoring_runs import scenario_default, scoring_run_create
from tests.web.conftest import DEMO_SITES, make_planner
from tests.web.test_browser import CHROMIUM, assert_fits, browser_page, shot, sign_in  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing")

BASE_KINDS = ("urban_areas", "lakes", "rivers", "highways", "places")
COMPARE_LABELS = ("Score (rank)", "Capex, total", "Capex per MW", "Full power P10 / P50 / P90 (months)",
                  "Power binding constraint", "Grid-swing flag", "Per-MW saving at 1 GW")  # fmt: skip


@pytest.fixture
def worker_run(real_layers_committed):
    """The demo sites scored by a real worker (the run is enqueued after commit, as the page's form does)."""
    call_command("import_sites", str(DEMO_SITES))
    make_planner(password="browser-pass")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        run = scoring_run_create(scenario=scenario_default(), draws=50)
        for _ in range(240):
            run.refresh_from_db()
            if run.status in (ScoringRun.Status.SUCCEEDED, ScoringRun.Status.FAILED):
                break
            time.sleep(0.5)
    assert run.status == ScoringRun.Status.SUCCEEDED, run.error
    yield run
    connections.close_all()


def _labels(page) -> list[str]:
    return page.locator("#map .place-label").all_inner_texts()


def test_map_base_and_compare_in_chromium(live_server, browser_page, worker_run):  # noqa: F811
    base, page = live_server.url, browser_page
    sign_in(page, base, "/map/")
    page.wait_for_selector("#map[data-place-labels]", state="attached", timeout=20_000)
    for kind in BASE_KINDS:
        page.wait_for_selector(f"#map[data-base_{kind}]", state="attached", timeout=20_000)
        assert int(page.get_attribute("#map", f"data-base_{kind}")) > 0, kind
    national = _labels(page)
    assert "New York City" in national and "Los Angeles" in national
    assert "GeoNames" in page.inner_text(".leaflet-control-attribution")
    assert "Natural Earth" in page.inner_text(".leaflet-control-attribution")
    # The toggles: places off removes every label (and the GeoNames credit), on brings them back.
    page.uncheck('input[data-base="places"]')
    assert page.locator("#map .place-label").count() == 0
    assert "GeoNames" not in page.inner_text(".leaflet-control-attribution")
    page.check('input[data-base="places"]')
    page.wait_for_selector("#map .place-label", state="attached")

    # Zoomed in on the #1 site, smaller towns are named; a real click on the site opens its popup.
    best = ScoringResult.objects.select_related("site").get(run=worker_run, capacity_mw=1000, rank=1)
    page.evaluate("([lat, lon]) => { window.siteselMap.setView([lat, lon], 9); }", [best.lat, best.lon])
    page.wait_for_selector('#map[data-label-zoom="9"]', state="attached")
    zoomed = _labels(page)
    assert zoomed and set(zoomed) != set(national)
    page.locator("#map").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([lat, lon]) => { const p = window.siteselMap.latLngToContainerPoint([lat, lon]);
            const r = document.getElementById("map").getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
        [best.lat, best.lon],
    )
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert best.site.name in popup.inner_text()
    shot(page, "map-base")

    top = list(ScoringResult.objects.filter(run=worker_run, capacity_mw=1000, eligible=True)
               .order_by("rank").values_list("site_id", "site__name")[:4])  # fmt: skip
    for count in (2, 4):
        for width, height in ((1440, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            url = "/compare/?" + "&".join(f"sites={pk}" for pk, _ in top[:count])
            page.goto(f"{base}{url}")
            table = page.inner_text("#compare")
            for label in COMPARE_LABELS:
                assert label in table, (label, width)
            for _, name in top[:count]:
                assert name in table
            assert_fits(page, url)
            shot(page, f"compare-{count}")
