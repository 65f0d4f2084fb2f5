"""Scoring runs against real PostGIS: services step by step, a real Celery worker end to end, and the API."""

import csv
import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import override_settings
from knox.models import AuthToken
from rest_framework.test import APIClient

from config.api.roles import PLANNER_GROUP, VIEWER_GROUP
from config.celery_app import app
from sitesel.domain.scoring import ScenarioSpec, scenario_to_dict
from sitesel.models import Scenario, ScoringChunk, ScoringResult, ScoringRun, Site
from sitesel.selectors import result_breakdown, result_economics, result_measures
from sitesel.services.scoring_runs import (
    scoring_cell_promote,
    scoring_chunk_compute,
    scoring_run_compute_single,
    scoring_run_create,
    scoring_run_execute,
    scoring_run_finalize,
)

DEMO_SITES = "fixtures/sites/demo_candidate_sites.csv"


@pytest.fixture
def demo_sites(db):
    call_command("import_sites", DEMO_SITES)
    return Site.objects.count()


@pytest.fixture
def scenario(db):
    spec = scenario_to_dict(ScenarioSpec())
    spec["constraints"] = [{"criterion": "fema_risk_score", "max": 30}]
    return Scenario.objects.create(name="FEMA under 30", spec=spec)


def _run_inline(run: ScoringRun) -> ScoringRun:
    """Execute a run's steps in this process, in the order the Celery chord runs them."""
    for index in scoring_run_execute(run_id=run.pk):
        scoring_chunk_compute(run_id=run.pk, index=index)
    return scoring_run_finalize(run_id=run.pk)


@override_settings(SCORING_SITES_PER_CHUNK=25)
def test_a_run_scores_every_site_for_each_capacity(demo_sites, scenario, django_capture_on_commit_callbacks):
    run = scoring_run_create(scenario=scenario)
    assert (run.status, run.chunks_total, run.items_total) == ("queued", 3, demo_sites)
    run = _run_inline(run)

    assert run.status == "succeeded"
    assert run.results_count == 2 * demo_sites
    assert run.layer_versions["hv_lines"] == 1 and run.scenario_spec["constraints"][0]["max"] == 30
    for capacity in (50.0, 1000.0):
        results = ScoringResult.objects.filter(run=run, capacity_mw=capacity)
        eligible = results.filter(eligible=True)
        assert sorted(eligible.values_list("rank", flat=True)) == list(range(1, eligible.count() + 1))
        assert all(0 <= s <= 100 for s in eligible.values_list("score", flat=True))
        excluded = results.filter(eligible=False)
        assert excluded.exists(), "some demo counties have FEMA risk above 30"
        for result in excluded:
            assert result.rank is None and result.binding_constraint.startswith("fema_risk_score")
            assert result_measures(result)["fema_risk_score"] > 30
        best = eligible.get(rank=1)
        assert sum(result_breakdown(best).values()) == pytest.approx(best.score, abs=0.01)
        assert result_economics(best)["gpus"] == best.gpus > 0
        economics = result_economics(best)
        assert economics["time_to_power_months_p50"] == pytest.approx(best.time_to_power_p50_months)
        assert (
            economics["time_to_power_months_p10"]
            <= best.time_to_power_p50_months
            <= economics["time_to_power_months_p90"]
        )
        assert result_economics(best)["binding_constraint"] == best.power_binding_constraint
    at_50 = dict(ScoringResult.objects.filter(run=run, capacity_mw=50).values_list("site", "capex_per_mw_usd"))
    at_1000 = dict(ScoringResult.objects.filter(run=run, capacity_mw=1000).values_list("site", "capex_per_mw_usd"))
    assert all(at_50[site] > at_1000[site] for site in at_50), "50 MW costs more per MW than 1 GW at every site"


def test_redelivered_chunks_and_finalize_write_no_duplicates(demo_sites, scenario, django_capture_on_commit_callbacks):
    run = scoring_run_create(scenario=scenario)
    scoring_run_execute(run_id=run.pk)
    assert scoring_chunk_compute(run_id=run.pk, index=0) == demo_sites
    assert scoring_chunk_compute(run_id=run.pk, index=0) == 0  # a re-delivered chunk does nothing
    assert scoring_run_execute(run_id=run.pk) == []  # a re-delivered start dispatches nothing new
    scoring_run_finalize(run_id=run.pk)
    scoring_run_finalize(run_id=run.pk)
    assert ScoringResult.objects.filter(run=run).count() == 2 * demo_sites
    chunk = ScoringChunk.objects.get(run=run)
    assert chunk.attempts == 1 and chunk.payload is not None  # kept: it holds every result's detail


def _ranking(run: ScoringRun) -> list[tuple]:
    return list(
        ScoringResult.objects.filter(run=run)
        .order_by("capacity_mw", "site_id")
        .values_list("site_id", "capacity_mw", "eligible", "rank", "score", "capex_per_mw_usd", "binding_constraint")
    )


def test_a_one_chunk_run_ranked_from_memory_matches_the_two_steps(
    demo_sites, scenario, django_capture_on_commit_callbacks
):
    stepwise = _run_inline(scoring_run_create(scenario=scenario, seed=3))
    run = scoring_run_create(scenario=scenario, seed=3)
    [index] = scoring_run_execute(run_id=run.pk)
    single = scoring_run_compute_single(run_id=run.pk, index=index)

    assert single.status == "succeeded" and single.results_count == 2 * demo_sites
    assert _ranking(single) == _ranking(stepwise)
    best, best_stepwise = (ScoringResult.objects.get(run=r, capacity_mw=1000, rank=1) for r in (single, stepwise))
    assert (result_breakdown(best), result_measures(best), result_economics(best)) == (
        result_breakdown(best_stepwise),
        result_measures(best_stepwise),
        result_economics(best_stepwise),
    )
    again = scoring_run_compute_single(run_id=run.pk, index=index)  # a re-delivered start
    assert again.results_count == 2 * demo_sites == ScoringResult.objects.filter(run=run).count()
    assert ScoringChunk.objects.get(run=run).attempts == 1


@override_settings(SCORING_SITES_PER_CHUNK=25)
def test_the_last_chunk_of_a_larger_run_is_ranked_with_every_chunk(
    demo_sites, scenario, django_capture_on_commit_callbacks
):
    run = scoring_run_create(scenario=scenario)
    *first, last = scoring_run_execute(run_id=run.pk)
    for index in first:
        scoring_chunk_compute(run_id=run.pk, index=index)
    done = scoring_run_compute_single(run_id=run.pk, index=last)
    assert done.status == "succeeded" and done.results_count == 2 * demo_sites


def test_same_inputs_give_the_same_ranking(demo_sites, scenario, django_capture_on_commit_callbacks):
    first = _run_inline(scoring_run_create(scenario=scenario, seed=7))
    second = _run_inline(scoring_run_create(scenario=scenario, seed=7))

    def ranking(run):
        return list(
            ScoringResult.objects.filter(run=run, eligible=True)
            .order_by("capacity_mw", "rank")
            .values_list("site", "score")
        )

    assert ranking(first) == ranking(second)


@override_settings(SCORING_CELLS_PER_CHUNK=400)
def test_national_screen_ranks_cells_without_site_rows_and_a_cell_can_be_promoted(
    db, scenario, django_capture_on_commit_callbacks
):
    run = _run_inline(scoring_run_create(scenario=scenario, mode="national", cell_size_km=100, draws=50))
    cells = ScoringResult.objects.filter(run=run, capacity_mw=1000)
    assert run.status == "succeeded" and not Site.objects.exists()
    # The 100 km grid has 47 x 30 squares; only those whose centre lies in a US county are kept.
    assert 600 < cells.count() < 47 * 30
    assert cells.filter(site__isnull=False).count() == 0
    best = cells.get(rank=1)
    assert result_breakdown(best) and result_economics(best)["capacity_mw"] == 1000
    last = cells.filter(eligible=True).order_by("-rank").first()
    assert set(result_measures(last)) >= {"distance_hv_230_km", "county_labor_force", "capex_per_mw_usd"}
    assert result_measures(last)["capex_per_mw_usd"] == pytest.approx(last.capex_per_mw_usd)
    site = scoring_cell_promote(result=best, name="Best cell")
    assert site.source_ref == f"cell-{run.pk}-{best.cell_id}"
    assert site.state == best.state and site.facts.distance_datacenter_km is not None
    assert scoring_cell_promote(result=best, name="Again").pk == site.pk


def test_a_real_celery_worker_runs_a_run_to_the_end(real_layers_committed):
    call_command("import_sites", DEMO_SITES)
    scenario = Scenario.objects.create(name="Default", spec=scenario_to_dict(ScenarioSpec()))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        run = scoring_run_create(scenario=scenario, draws=100)  # enqueued on commit, picked up by the worker
        deadline = time.monotonic() + 120
        while run.status not in ("succeeded", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)
            run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert run.results_count == 2 * Site.objects.count() and run.progress_pct == 100.0


# --- API ------------------------------------------------------------------------------------------


def _client(username: str, planner: bool) -> APIClient:
    user = User.objects.create_user(username)
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP if planner else VIEWER_GROUP)[0])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    return client


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"weights": {"fema_risk_score": 0.5, "county_labor_force": 0.4}}, "weights"),
        ({"weights": {"fema_risk_score": 1.2}}, "weights.fema_risk_score"),
        ({"weights": {"fema_risk_score": 0.0, "county_labor_force": 1.0}}, "weights.fema_risk_score"),
        ({"weights": {"sunshine_hours": 1.0}}, "weights.sunshine_hours"),
        ({"normalization": "zscore"}, "normalization"),
        ({"constraints": [{"criterion": "fema_risk_score", "min": 50, "max": 10}]}, "constraints[0]"),
        ({"capacities_mw": [50, -1]}, "capacities_mw[1]"),
        ({"economics_overrides": {"pue": 0.8}}, "economics_overrides.pue"),
    ],
)
def test_bad_scenarios_are_400_naming_the_field(db, spec, field):
    response = _client("pat", planner=True).post("/api/v1/scenarios/", {"name": "bad", "spec": spec}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["field"].startswith(field)
    assert not Scenario.objects.filter(name="bad").exists()


def test_post_run_is_202_with_its_url_then_results_and_csv(demo_sites, scenario, django_capture_on_commit_callbacks):
    planner = _client("pat", planner=True)
    response = planner.post("/api/v1/scoring-runs/", {"scenario": scenario.pk}, format="json")
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert response["Location"].endswith(f"/api/v1/scoring-runs/{run_id}/")
    assert response.json()["status"] == "queued"
    _run_inline(ScoringRun.objects.get(pk=run_id))

    viewer = _client("vic", planner=False)
    run = viewer.get(f"/api/v1/scoring-runs/{run_id}/").json()
    assert (run["status"], run["progress_pct"]) == ("succeeded", 100.0)
    page = viewer.get(f"/api/v1/scoring-runs/{run_id}/results/", {"capacity_mw": 1000, "eligible": True}).json()
    ranks = [r["rank"] for r in page["results"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert {r["capacity_mw"] for r in page["results"]} == {1000.0}
    best = page["results"][0]
    assert sum(best["breakdown"].values()) == pytest.approx(best["score"], abs=0.01)
    detail = viewer.get(f"/api/v1/scoring-runs/{run_id}/results/{best['id']}/").json()
    assert detail["economics"]["capex_per_mw_usd"] == pytest.approx(best["capex_per_mw_usd"])
    assert detail["economics"]["land_capex_usd"] > 0 and "fema_risk_score" in detail["measures"]
    assert viewer.get(f"/api/v1/scoring-runs/{run_id}/results/", {"min_score": "lots"}).status_code == 400

    csv_response = viewer.get(f"/api/v1/scoring-runs/{run_id}/results/csv/", {"capacity_mw": 50})
    rows = list(csv.DictReader(io.StringIO(b"".join(csv_response.streaming_content).decode())))
    assert len(rows) == demo_sites and {r["capacity_mw"] for r in rows} == {"50.0"}


def test_viewers_cannot_start_runs_and_bad_run_input_is_400(demo_sites, scenario):
    assert _client("vic", planner=False).post("/api/v1/scoring-runs/", {}, format="json").status_code == 403
    planner = _client("pat", planner=True)
    response = planner.post("/api/v1/scoring-runs/", {"mode": "national", "cell_size_km": 500}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "cell_size_km"
    response = planner.post("/api/v1/scoring-runs/", {"site_filter": {"state": "ZZ"}}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "site_filter"
    assert not ScoringRun.objects.exists()


def test_a_scenario_is_deleted_through_its_service_only_when_no_run_used_it(demo_sites, scenario):
    planner = _client("pat", planner=True)
    unused = planner.post("/api/v1/scenarios/", {"name": "unused", "spec": {}}, format="json").json()
    assert planner.delete(f"/api/v1/scenarios/{unused['id']}/").status_code == 204
    assert not Scenario.objects.filter(pk=unused["id"]).exists()

    assert planner.post("/api/v1/scoring-runs/", {"scenario": scenario.pk}, format="json").status_code == 202
    response = planner.delete(f"/api/v1/scenarios/{scenario.pk}/")
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "scenario_in_use"
    assert "1 scoring run" in response.json()["message"]
    assert Scenario.objects.filter(pk=scenario.pk).exists()
