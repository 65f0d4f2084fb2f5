"""Cancelling a scoring run, and the progress a planner sees while it works: services step by step, the API,
and a real Celery worker that is cancelled mid-run."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from config.celery_app import app
from core.errors import Conflict
from sitesel.domain.scoring import ScenarioSpec, scenario_to_dict
from sitesel.models import Scenario, ScoringChunk, ScoringResult, ScoringRun
from sitesel.services.scoring_runs import (
    _chunk_store,
    scoring_chunk_compute,
    scoring_run_cancel,
    scoring_run_create,
    scoring_run_execute,
    scoring_run_finalize,
)


@pytest.fixture
def scenario(db):
    return Scenario.objects.create(name="Default", spec=scenario_to_dict(ScenarioSpec()))


@override_settings(SCORING_CELLS_PER_CHUNK=400)
def test_a_cancelled_run_stores_nothing_more_and_is_never_ranked(scenario, django_capture_on_commit_callbacks):
    run = scoring_run_create(scenario=scenario, mode="national", cell_size_km=100, draws=20)
    first, second, *rest = scoring_run_execute(run_id=run.pk)
    assert scoring_chunk_compute(run_id=run.pk, index=first) > 0
    run.refresh_from_db()
    assert (run.chunks_done, run.items_done) == (1, 400) and run.progress.items_per_second > 0

    cancelled = scoring_run_cancel(run_id=run.pk)
    assert cancelled.status == "cancelled" and cancelled.finished_at is not None
    assert scoring_run_cancel(run_id=run.pk).finished_at == cancelled.finished_at  # idempotent
    # A chunk still queued does nothing; one whose computation finishes now is not stored.
    assert scoring_chunk_compute(run_id=run.pk, index=second) == 0
    chunk = ScoringChunk.objects.get(run=run, index=rest[0])
    with transaction.atomic():
        assert _chunk_store(chunk, b"late", time.perf_counter()) is False
    for index in rest[1:]:
        scoring_chunk_compute(run_id=run.pk, index=index)
    assert scoring_run_finalize(run_id=run.pk).status == "cancelled"  # the chord's callback ranks nothing

    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.items_done, run.results_count) == ("cancelled", 1, 400, 0)
    assert run.progress is None and not ScoringResult.objects.filter(run=run).exists()
    assert list(run.chunks.filter(done=True).values_list("index", flat=True)) == [first]
    assert not run.chunks.filter(payload__isnull=False).exists(), "archives of a cancelled run are freed"


def test_the_api_cancels_once_refuses_ended_runs_and_serves_no_partial_ranking(
    scenario, token_client, django_capture_on_commit_callbacks
):
    planner, viewer = token_client("pat", planner=True), token_client("vic", planner=False)
    created = planner.post("/api/v1/scoring-runs/", {"mode": "national", "cell_size_km": 100}, format="json")
    run_id = created.json()["id"]
    scoring_run_execute(run_id=run_id)
    assert viewer.post(f"/api/v1/scoring-runs/{run_id}/cancel/").status_code == 403

    response = planner.post(f"/api/v1/scoring-runs/{run_id}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = planner.post(f"/api/v1/scoring-runs/{run_id}/cancel/")
    assert again.status_code == 200 and again.json()["finished_at"] == response.json()["finished_at"]
    for path in ("results/", "results/csv/"):
        refused = viewer.get(f"/api/v1/scoring-runs/{run_id}/{path}")
        assert refused.status_code == 409 and refused.json()["code"] == "run_not_ranked", path
    ScoringRun.objects.filter(pk=run_id).update(status="succeeded")
    ended = planner.post(f"/api/v1/scoring-runs/{run_id}/cancel/")
    assert ended.status_code == 409 and ended.json()["field"] == "status"
    with pytest.raises(Conflict):
        scoring_run_cancel(run_id=run_id)


def _queued_messages() -> int:
    """Messages waiting in the broker's default queue (a Redis list; gone when empty)."""
    return redis.Redis.from_url(settings.CELERY_BROKER_URL).llen("celery")


@override_settings(SCORING_CELLS_PER_CHUNK=2000)
def test_a_real_worker_reports_progress_and_stops_when_the_run_is_cancelled(real_layers_committed, token_client):
    scenario = Scenario.objects.create(name="Default", spec=scenario_to_dict(ScenarioSpec()))
    planner = token_client("pat", planner=True)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        created = planner.post("/api/v1/scoring-runs/", {"scenario": scenario.pk, "mode": "national",
                                                         "cell_size_km": 10, "draws": 50}, format="json")  # fmt: skip
        run_id = created.json()["id"]
        deadline = time.monotonic() + 120
        while not ScoringRun.objects.filter(pk=run_id, chunks_done__gte=2).exists():
            assert time.monotonic() < deadline, "the worker stored no chunk"
            time.sleep(0.05)
        polled = planner.get(f"/api/v1/scoring-runs/{run_id}/").json()
        assert planner.post(f"/api/v1/scoring-runs/{run_id}/cancel/").status_code == 200
        while _queued_messages() and time.monotonic() < deadline:  # the worker drains the remaining chunks
            time.sleep(0.1)
        time.sleep(1.0)  # the last message taken finishes
    run = ScoringRun.objects.get(pk=run_id)

    assert polled["status"] == "running" and polled["phase"] == "computing"
    assert polled["items_done"] >= 4000 and polled["items_per_second"] > 0
    assert polled["eta_seconds"] > (polled["items_total"] - polled["items_done"]) / polled["items_per_second"]
    assert run.status == "cancelled" and run.chunks_done < run.chunks_total
    assert run.chunks.filter(done=True).count() == run.chunks_done
    done = run.chunks.filter(done=True)
    assert run.items_done == sum(c.cell_stop - c.cell_start for c in done) and run.results_count == 0
    assert not ScoringResult.objects.filter(run=run).exists()
    assert not run.chunks.filter(payload__isnull=False).exists()


def test_the_run_page_cancels_a_queued_run_for_planners_only(scenario, client, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group, User

    from config.api.roles import PLANNER_GROUP, VIEWER_GROUP

    run = scoring_run_create(scenario=scenario, mode="national", cell_size_km=100, draws=20)
    viewer = User.objects.create_user(username="viewer")
    viewer.groups.add(Group.objects.get_or_create(name=VIEWER_GROUP)[0])
    client.force_login(viewer)
    assert 'id="cancel-form"' not in client.get(f"/runs/{run.pk}/").content.decode()
    assert client.post(f"/runs/{run.pk}/cancel/").status_code == 403
    run.refresh_from_db()
    assert run.status == "queued"

    planner = User.objects.create_user(username="planner")
    planner.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    client.force_login(planner)
    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert f'action="/runs/{run.pk}/cancel/"' in page and 'name="csrfmiddlewaretoken"' in page
    assert client.get(f"/runs/{run.pk}/cancel/").status_code == 405  # a link cannot cancel
    response = client.post(f"/runs/{run.pk}/cancel/", follow=True)
    run.refresh_from_db()
    assert run.status == "cancelled" and ScoringRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists()
    page = response.content.decode()
    assert f"Run {run.pk} cancelled." in page and '<strong id="run-status">Cancelled</strong>' in page
    assert 'id="cancel-form"' not in page
    # A run that ended before the click: the page gives the service's 409 reason, nothing changes.
    ScoringRun.objects.filter(pk=run.pk).update(status=ScoringRun.Status.FAILED)
    again = client.post(f"/runs/{run.pk}/cancel/", follow=True).content.decode()
    assert f"run {run.pk} has already failed; only a queued or running run can be cancelled" in again
    run.refresh_from_db()
    assert run.status == "failed"


def test_the_cancel_form_needs_its_csrf_token(scenario, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from config.api.roles import PLANNER_GROUP

    run = scoring_run_create(scenario=scenario, mode="national", cell_size_km=100, draws=20)
    planner = User.objects.create_user(username="planner")
    planner.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    assert client.post(f"/runs/{run.pk}/cancel/").status_code == 403
    run.refresh_from_db()
    assert run.status == "queued"
