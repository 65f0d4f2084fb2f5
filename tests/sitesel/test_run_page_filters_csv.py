"""The run page's filters (server-side, validated: a bad value is a 400 naming the field, on the page) and the CSV
its link downloads: the same filters, and P10/P90 months to full power, power binding constraint and grid-swing
flag, each column named with its unit. Real PostGIS, a run scored in this process by the services."""

import csv
import html
import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from sitesel.models import ScoringResult, ScoringRun
from sitesel.selectors import result_economics
from sitesel.services.scoring_runs import scenario_default, scoring_run_create
from tests.web.conftest import DEMO_SITES, run_inline, viewer_client  # noqa: F401 (a fixture)


@pytest.fixture
def run(db, django_capture_on_commit_callbacks) -> ScoringRun:
    call_command("import_sites", str(DEMO_SITES))
    # Three chunks: the CSV's P10/P90 come from more than one stored archive.
    with override_settings(SCORING_SITES_PER_CHUNK=25):
        run = run_inline(scoring_run_create(scenario=scenario_default(), draws=50))
    assert run.status == ScoringRun.Status.SUCCEEDED and run.chunks_total == 3
    return run


@pytest.fixture
def viewer(viewer_client):  # noqa: F811
    return viewer_client


def _table_rows(page: str) -> dict[str, list[str]]:
    """Each ranked table's site names, by its capacity label."""
    tables = re.findall(r"<h2>Top \d+ at (.*?)</h2>\s*<table class=\"ranking sortable\">(.*?)</table>", page, re.S)
    return {label: re.findall(r'<a href="/sites/\d+/">(.*?)</a>', body) for label, body in tables}


def _csv(client, page: str) -> list[dict]:
    href = html.unescape(re.search(r'<a id="csv-link" href="([^"]+)"', page)[1])
    response = client.get(href)
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _expected(run, **filters) -> list[ScoringResult]:
    return list(ScoringResult.objects.filter(run=run, eligible=True, **filters).select_related("site")
                .order_by("capacity_mw", "rank"))  # fmt: skip


def test_each_filter_narrows_the_tables_and_the_csv_alike(viewer, run):
    eligible = _expected(run)
    # Medians as a planner would type them (plain digits, rounded).
    p50 = round(sorted(r.time_to_power_p50_months for r in eligible)[len(eligible) // 2], 1)
    capex = round(sorted(r.capex_per_mw_usd for r in eligible)[len(eligible) // 2])
    binding = max({r.power_binding_constraint for r in eligible}, key=lambda b: sum(
        r.power_binding_constraint == b for r in eligible))  # fmt: skip
    cases = [
        ({"capacity_mw": "50"}, {"capacity_mw": 50}),
        ({"max_time_to_power_p50_months": str(p50)}, {"time_to_power_p50_months__lte": p50}),
        ({"max_capex_per_mw_usd": str(capex)}, {"capex_per_mw_usd__lte": capex}),
        ({"power_binding_constraint": binding}, {"power_binding_constraint": binding}),
        ({"grid_swing_flag": "true"}, {"grid_swing_flag": True}),
        ({"grid_swing_flag": "false", "state": "tx"}, {"grid_swing_flag": False, "state": "TX"}),
    ]
    for query, lookup in cases:
        response = viewer.get(f"/runs/{run.pk}/", query)
        assert response.status_code == 200, query
        page = response.content.decode()
        expected = _expected(run, **lookup)
        assert 0 < len(expected) < len(eligible), query  # the filter really narrows this run
        tables = _table_rows(page)
        for label, capacity in (("50 MW", 50), ("1 GW", 1000)):
            names = [r.site.name for r in expected if r.capacity_mw == capacity][:50]
            assert tables.get(label, []) == [html.escape(n) for n in names], (query, label)
        assert "matching these filters" in page
        rows = _csv(viewer, page)
        assert [(float(r["capacity_mw"]), int(r["site"])) for r in rows] == [
            (r.capacity_mw, r.site_id) for r in expected
        ], query
    # Capacity filter: a choice among the run's capacities, kept selected; only that capacity's table is shown.
    page = viewer.get(f"/runs/{run.pk}/", {"capacity_mw": "1000"}).content.decode()
    assert list(_table_rows(page)) == ["1 GW"]
    field = r'<span class="filter" id="filter-capacity_mw">.*?<select name="capacity_mw"[^>]*>(.*?)</select>'
    select = re.search(field, page, re.S)
    assert select, "the capacity is a choice, not a number box"
    assert re.findall(r'<option value="([^"]*)"', select[1]) == ["", "50", "1000"]
    assert re.search(r'<option value="1000" selected>1 GW</option>', select[1])


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("max_capex_per_mw_usd", "-5", "0"),
        ("max_time_to_power_p50_months", "soon", "number"),
        ("min_score", "140", "100"),
        ("power_binding_constraint", "teleportation", "valid choice"),
        ("grid_swing_flag", "maybe", "valid choice"),
        ("state", "T1", "two-letter"),
        ("capacity_mw", "1e400", "number"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field_on_the_page_and_in_the_csv(viewer, run, field, value, says):
    response = viewer.get(f"/runs/{run.pk}/", {field: value})
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(rf'<span class="filter" id="filter-{field}">.*?<span class="errorlist">(.*?)</span>', page, re.S)
    assert error and error[1].startswith(f"{field}:") and says in error[1], (field, error)
    # The refused filter is not silently dropped into the CSV link: it carries no filter at all.
    assert re.search(r'<a id="csv-link" href="[^"]+/results/csv/\?eligible=true"', page)
    api = viewer.get(f"/api/v1/scoring-runs/{run.pk}/results/csv/", {field: value})
    assert api.status_code == 400 and api.json()["errors"][0]["field"] == field


def test_the_csv_carries_the_spread_binding_and_swing_with_units(viewer, run):
    page = viewer.get(f"/runs/{run.pk}/").content.decode()
    rows = _csv(viewer, page)
    for column in ("time_to_power_p10_months", "time_to_power_p50_months", "time_to_power_p90_months",
                   "power_binding_constraint", "grid_swing_flag", "capex_per_mw_usd", "capacity_mw"):  # fmt: skip
        assert column in rows[0], column
    expected = _expected(run)
    assert len(rows) == len(expected)
    for row, result in zip(rows, expected, strict=True):
        # The P10/P90 the site page shows, read through the result's own archive lookup.
        economics = result_economics(result)
        assert float(row["time_to_power_p10_months"]) == pytest.approx(economics["time_to_power_months_p10"])
        assert float(row["time_to_power_p90_months"]) == pytest.approx(economics["time_to_power_months_p90"])
        assert float(row["time_to_power_p10_months"]) <= float(row["time_to_power_p50_months"]) <= float(
            row["time_to_power_p90_months"])  # fmt: skip
        assert row["power_binding_constraint"] == result.power_binding_constraint
        assert row["grid_swing_flag"] == str(result.grid_swing_flag)
