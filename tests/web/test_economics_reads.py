"""The economics reads through the API: a site's model result and schedule, its 50 MW : 1 GW comparison and a
run's spread against campus, against the domain computed directly, with bad input answered 400 by field."""

from __future__ import annotations

import io

import pytest

from sitesel.domain.economics import compute_economics
from sitesel.domain.parameters import parameters_with_overrides
from sitesel.management.commands.score_sites import Command as ScoreSitesCommand
from sitesel.models import Scenario, ScoringResult, ScoringRun, Site
from sitesel.services.scoring_runs import scoring_run_create
from sitesel.services.site_economics import site_inputs
from tests.web.conftest import run_inline

V1 = "/api/v1"


def best_site(run: ScoringRun, capacity: float = 1000) -> Site:
    return ScoringResult.objects.select_related("site__facts").get(run=run, capacity_mw=capacity, rank=1).site


def test_site_economics_is_the_model_on_the_sites_facts(viewer_client, scored_run) -> None:
    site = best_site(scored_run)
    body = viewer_client.get(f"{V1}/sites/{site.pk}/economics/", {"capacity_mw": 1000, "run": scored_run.pk}).json()
    expected = compute_economics(site_inputs(site), 1000.0, seed=scored_run.seed, draws=scored_run.draws)
    assert body["economics"]["total_capex_usd"] == pytest.approx(expected.total_capex_usd)
    assert body["economics"]["time_to_compute_months_p50"] == pytest.approx(expected.time_to_compute_months_p50)
    assert body["months_from"].startswith("the build decision")
    blocks = body["schedule"]["blocks"]
    assert len(blocks) == 20 and sum(b["mw"] for b in blocks) == pytest.approx(1000)
    assert [b["live_months_p50"] for b in blocks] == sorted(b["live_months_p50"] for b in blocks)
    assert body["schedule"]["mw_live_p50"][-1] == pytest.approx(1000)


def test_the_runs_scenario_overrides_apply(viewer_client, demo_sites, django_capture_on_commit_callbacks) -> None:
    scenario = Scenario.objects.create(name="PUE 1.4", spec={"economics_overrides": {"pue": 1.4}})
    run = run_inline(scoring_run_create(scenario=scenario, draws=50))
    site = best_site(run)
    body = viewer_client.get(f"{V1}/sites/{site.pk}/economics/", {"run": run.pk}).json()
    params = parameters_with_overrides({"pue": 1.4})
    assert body["economics"]["gpus"] == compute_economics(site_inputs(site), 1000.0, params, draws=50).gpus
    assert body["economics"]["gpus"] < 453_600


def test_scale_reads_three_ratios_and_their_waterfalls(viewer_client, scored_run) -> None:
    site = best_site(scored_run)
    body = viewer_client.get(f"{V1}/sites/{site.pk}/scale/", {"run": scored_run.pk}).json()
    for name in ("facility", "all_in", "time_adjusted"):
        ratio = body[name]
        assert sum(t["contribution"] for t in ratio["waterfall"]) == pytest.approx(ratio["ratio"] - 1)
    assert body["facility"]["ratio"] > body["all_in"]["ratio"] > 1
    assert body["small"]["capacity_mw"] == 50 and body["large"]["capacity_mw"] == 1000


def test_spread_against_campus_for_a_run(viewer_client, scored_run) -> None:
    body = viewer_client.get(f"{V1}/scoring-runs/{scored_run.pk}/spread-vs-campus/", {"teams": 3}).json()
    assert body["teams"] == 3 and len(body["spread_sites"]) == 20
    assert body["campus_site"] == best_site(scored_run).pk
    assert body["campus"]["capacity_mw"] == 1000 and body["spread"]["capacity_mw"] == 1000
    assert body["break_even_teams"] is None or 1 <= body["break_even_teams"] <= 20
    assert body["gpu_months_gap"] == pytest.approx(
        body["campus"]["gpu_months_by_date"] - body["spread"]["gpu_months_by_date"]
    )


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("sites/{site}/economics/", {"capacity_mw": 0}, "capacity_mw"),
        ("sites/{site}/economics/", {"capacity_mw": "1e309"}, "capacity_mw"),
        ("sites/{site}/economics/", {"capacity_mw": "1e5"}, "capacity_mw"),
        ("sites/{site}/economics/", {"run": "-1E+300000"}, "run"),
        ("sites/{site}/scale/", {"small_mw": 1000, "large_mw": 50}, "large_mw"),
        ("scoring-runs/{run}/spread-vs-campus/", {"teams": 21}, "teams"),
        ("scoring-runs/{run}/spread-vs-campus/", {"by_month": 0}, "by_month"),
    ],
)
def test_bad_queries_are_400_naming_the_field(viewer_client, scored_run, path, query, field) -> None:
    url = f"{V1}/" + path.format(site=best_site(scored_run).pk, run=scored_run.pk)
    response = viewer_client.get(url, query)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


def test_unknown_site_or_run_is_404(viewer_client, scored_run) -> None:
    assert viewer_client.get(f"{V1}/sites/999999/economics/").status_code == 404
    site = best_site(scored_run)
    assert viewer_client.get(f"{V1}/sites/{site.pk}/economics/", {"run": 999999}).status_code == 404
    assert viewer_client.get(f"{V1}/scoring-runs/999999/spread-vs-campus/").status_code == 404


def test_score_sites_prints_the_ratios_and_the_spread(scored_run) -> None:
    # The full command waits for a worker; its two answers are printed from the finished run here.
    out = io.StringIO()
    command = ScoreSitesCommand(stdout=out)
    command._print_scale(scored_run)
    command._print_spread(scored_run, None)
    out = out.getvalue()
    assert "facility only" in out and "all-in with cost of delay" in out
    assert "Spread against campus" in out and "GPU-months" in out


def test_the_frontier_pace_scenario_is_created_once_and_builds_faster(demo_sites) -> None:
    from sitesel.services.scoring_runs import FRONTIER_PACE_OVERRIDES, scenario_frontier_pace

    scenario = scenario_frontier_pace()
    assert scenario_frontier_pace().pk == scenario.pk
    assert scenario.spec["economics_overrides"] == FRONTIER_PACE_OVERRIDES
    site = Site.objects.select_related("facts").first()
    frontier = compute_economics(site_inputs(site), 1000.0, parameters_with_overrides(FRONTIER_PACE_OVERRIDES))
    default = compute_economics(site_inputs(site), 1000.0)
    assert frontier.time_to_compute_months_p50 < default.time_to_compute_months_p50
