"""How runs are stored: a national run keeps result rows for its best cells and every cell's score and rank
with its chunk; retention deletes old runs and keeps pinned ones; run lists never read the ranking archive."""

import datetime

import numpy as np
import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask
from pyproj import Transformer

from config.api.roles import VIEWER_GROUP
from core.schedules import schedules_sync
from orchestration.models import BuildProject
from sitesel.models import Scenario, ScoringChunk, ScoringResult, ScoringRun, Site
from sitesel.scoring_runs.grid import cell_centres, conus_grid
from sitesel.scoring_runs.lookup import national_cell
from sitesel.scoring_runs.store import chunk_ranked
from sitesel.selectors import result_breakdown
from sitesel.services.scoring_run_retention import scoring_runs_prune
from sitesel.services.scoring_runs import (
    scoring_chunk_compute,
    scoring_run_create,
    scoring_run_execute,
    scoring_run_finalize,
)


@pytest.fixture
def scenario(fema_scenario):
    return fema_scenario


def _national(scenario) -> ScoringRun:
    run = scoring_run_create(scenario=scenario, mode="national", cell_size_km=100, draws=50)
    for index in scoring_run_execute(run_id=run.pk):
        scoring_chunk_compute(run_id=run.pk, index=index)
    return scoring_run_finalize(run_id=run.pk)


def _every_cell(run: ScoringRun, k: int) -> dict[int, tuple[int, float, str]]:
    """cell id -> (rank, score, state) at capacity k, from every chunk's archive."""
    cells = {}
    for index in run.chunks.filter(ranks__isnull=False).distinct().values_list("index", flat=True):
        arrays = chunk_ranked(run.pk, index)
        for cell, rank, score, state in zip(arrays["ids"], arrays[f"c{k}:rank"], arrays[f"c{k}:score"],
                                            arrays["state"], strict=True):  # fmt: skip
            cells[int(cell)] = (int(rank), float(score), str(state))
    return cells


@override_settings(SCORING_CELLS_PER_CHUNK=400, SCORING_NATIONAL_TOP_CELLS=40, SCORING_NATIONAL_TOP_CELLS_PER_STATE=3)
def test_a_national_run_stores_rows_for_its_best_cells_and_every_cells_rank_with_its_chunk(
    scenario, django_capture_on_commit_callbacks
):
    run = _national(scenario)
    assert run.status == "succeeded"
    for k, capacity in enumerate(run.capacities_mw):
        cells = _every_cell(run, k)
        eligible = {c: v for c, v in cells.items() if v[0] > 0}
        assert 600 < len(cells) < 47 * 30 and len(eligible) < len(cells), "FEMA > 30 excludes some cells"
        assert sorted(v[0] for v in eligible.values()) == list(range(1, len(eligible) + 1))
        best_per_state: dict[str, list[int]] = {}
        for cell, (_, _, state) in sorted(eligible.items(), key=lambda item: item[1][0]):
            best_per_state.setdefault(state, []).append(cell)
        expected = {c for c, v in eligible.items() if v[0] <= 40} | {
            c for cs in best_per_state.values() for c in cs[:3]
        }
        rows = ScoringResult.objects.filter(run=run, capacity_mw=capacity)
        assert set(rows.values_list("cell_id", flat=True)) == expected and not rows.filter(eligible=False).exists()
        for cell, rank, score in rows.values_list("cell_id", "rank", "score"):
            assert (rank, score) == cells[cell][:2]  # the rows carry the run's ranking, not a ranking of themselves
        best = rows.get(rank=1)
        assert sum(result_breakdown(best).values()) == pytest.approx(best.score, abs=0.01)
    assert run.eligible_count == sum(1 for k in (0, 1) for v in _every_cell(run, k).values() if v[0] > 0)


@override_settings(SCORING_CELLS_PER_CHUNK=400, SCORING_NATIONAL_TOP_CELLS=40, SCORING_NATIONAL_TOP_CELLS_PER_STATE=3)
def test_any_cell_is_looked_up_by_point_through_the_api(scenario, token_client, django_capture_on_commit_callbacks):
    run = _national(scenario)
    cells = _every_cell(run, 1)
    grid = conus_grid(run.cell_size_km)
    with_rows = set(ScoringResult.objects.filter(run=run).values_list("cell_id", flat=True))
    worst = max((c for c, v in cells.items() if v[0] > 0 and c not in with_rows), key=lambda c: cells[c][0])
    excluded = next(c for c, v in cells.items() if v[0] == 0)
    viewer = token_client("vic", planner=False)
    for cell in (worst, excluded):
        x, y = cell_centres(grid, np.array([cell]))
        lon, lat = Transformer.from_crs(5070, 4326, always_xy=True).transform(x[0] + 1000, y[0] - 1000)
        point = {"lon": round(lon, 6), "lat": round(lat, 6)}  # query numbers take up to 8 decimals
        body = viewer.get(f"/api/v1/scoring-runs/{run.pk}/cell/", point).json()
        at_1gw = next(c for c in body["capacities"] if c["capacity_mw"] == 1000)
        assert body["cell_id"] == cell and body["state"] == cells[cell][2]
        assert at_1gw["rank"] == (cells[cell][0] or None) and at_1gw["eligible"] == (cells[cell][0] > 0)
        assert at_1gw["capex_per_mw_usd"] > 0 and at_1gw["result_id"] is None  # not among the stored rows
        if cell == excluded:
            assert at_1gw["binding_constraint"].startswith("fema_risk_score") and at_1gw["score"] is None
    best = ScoringResult.objects.get(run=run, capacity_mw=1000, rank=1)
    looked_up = national_cell(run, best.lon, best.lat)
    assert looked_up["capacities"][1]["result_id"] == best.pk
    assert looked_up["capacities"][1]["capex_per_mw_usd"] == pytest.approx(best.capex_per_mw_usd)

    ocean = viewer.get(f"/api/v1/scoring-runs/{run.pk}/cell/", {"lon": -130, "lat": 35})
    assert ocean.status_code == 404
    bad = viewer.get(f"/api/v1/scoring-runs/{run.pk}/cell/", {"lon": "west", "lat": 35})
    assert bad.status_code == 400 and bad.json()["field"] == "lon"


def _ended_run(scenario: Scenario, status: str = "succeeded", **fields) -> ScoringRun:
    return ScoringRun.objects.create(scenario=scenario, scenario_spec=scenario.spec, status=status, **fields)


def test_retention_keeps_the_newest_runs_of_each_scenario_and_pinned_running_or_referenced_ones(db, scenario):
    other = Scenario.objects.create(name="Other", spec=scenario.spec)
    old = [_ended_run(scenario) for _ in range(3)]
    pinned = _ended_run(scenario, pinned=True)
    referenced = _ended_run(scenario, status="failed")
    running = _ended_run(scenario, status="running")
    newest = [_ended_run(scenario, status="cancelled"), _ended_run(scenario)]
    others = [_ended_run(other) for _ in range(3)]
    site = Site.objects.create(name="Somewhere", point=Point(-77.5, 39.0, srid=4326))
    BuildProject.objects.create(site=site, name="P", target_mw=100, block_mw=50,
                                planned_first_go_live=datetime.date(2028, 1, 1), model_run=referenced)  # fmt: skip
    ScoringChunk.objects.create(run=old[0], index=0, payload=b"x")

    assert scoring_runs_prune(keep=2, dry_run=True).deleted == [*(r.pk for r in old), others[0].pk]
    assert ScoringRun.objects.count() == 11
    result = scoring_runs_prune(keep=2)
    assert result.deleted == [*(r.pk for r in old), others[0].pk] and result.kept == 7
    kept = set(ScoringRun.objects.values_list("pk", flat=True))
    assert kept == {pinned.pk, referenced.pk, running.pk, *(r.pk for r in newest), *(r.pk for r in others[1:])}
    assert not ScoringChunk.objects.filter(run_id=old[0].pk).exists()
    assert scoring_runs_prune(keep=2).deleted == []  # nothing more to do


def test_the_prune_command_and_its_nightly_schedule(db, scenario, capsys):
    for _ in range(3):
        _ended_run(scenario)
    call_command("prune_scoring_runs", "--keep", "1", "--dry-run")
    assert "would delete 2 scoring runs" in capsys.readouterr().out and ScoringRun.objects.count() == 3
    call_command("prune_scoring_runs", "--keep", "1")
    assert ScoringRun.objects.count() == 1
    with pytest.raises(CommandError, match="--keep"):
        call_command("prune_scoring_runs", "--keep", "0")
    schedules_sync()
    task = PeriodicTask.objects.get(task="sitesel.scoring_runs_prune")
    assert task.enabled and task.crontab.hour == "3"


def test_pinning_through_the_api(db, scenario, token_client):
    run = _ended_run(scenario)
    planner = token_client("pat", planner=True)
    assert planner.post(f"/api/v1/scoring-runs/{run.pk}/pin/", {"pinned": True}, format="json").json()["pinned"]
    bad = planner.post(f"/api/v1/scoring-runs/{run.pk}/pin/", {"pinned": "maybe"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "pinned"
    assert (
        token_client("vic", planner=False).post(f"/api/v1/scoring-runs/{run.pk}/pin/", {"pinned": False}).status_code
        == 403
    )
    assert scoring_runs_prune(keep=1).deleted == [] and ScoringRun.objects.get(pk=run.pk).pinned


def test_run_lists_and_pages_never_read_the_ranking_archive(db, scenario, client):
    run = _ended_run(scenario, ranking=b"x" * 1000)
    viewer = User.objects.create_user("vic")
    viewer.groups.add(Group.objects.get_or_create(name=VIEWER_GROUP)[0])
    client.force_login(viewer)
    for url in ("/api/v1/scoring-runs/", f"/api/v1/scoring-runs/{run.pk}/", "/runs/", f"/runs/{run.pk}/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert not any('"sitesel_scoringrun"."ranking"' in q["sql"] for q in queries.captured_queries), url


@override_settings(SCORING_CELLS_PER_CHUNK=47)
def test_slices_of_the_grid_with_no_us_county_are_stored_empty_and_the_run_still_ranks(
    scenario, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as queries:
        run = _national(scenario)  # 30 chunks: one row of 100 km squares each, the southernmost all sea
    assert any(q["sql"] == "ANALYZE sitesel_scoringresult" for q in queries.captured_queries)  # fresh plans
    assert run.status == "succeeded" and run.chunks_done == run.chunks_total == 30
    empty = run.chunks.filter(ranks__isnull=True)
    assert empty.exists() and all(c.done and c.payload is not None for c in empty)
    assert run.items_done == run.items_total == conus_grid(100).cells
