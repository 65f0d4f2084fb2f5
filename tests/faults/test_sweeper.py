"""The sweeper: stalled runs are re-enqueued once per lease, failed after too many sweeps, and a copy
that lost its run to a takeover can neither keep writing nor record an outcome."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from orchestration.models import Supplier, SupplierCheckRun
from orchestration.services import checks
from sitesel.models import ScoringRun
from sitesel.services.scoring_runs import scenario_default
from sitesel.services.sweeper import scoring_runs_sweep

LEASE = 60


@pytest.fixture
def enqueued(settings, monkeypatch):
    """What the sweepers send to the broker, by task: (task name, first argument) pairs."""
    from orchestration.tasks import supplier_check_task
    from sitesel.tasks import scoring_run_execute_task

    settings.WORK_LEASE_SECONDS, settings.SWEEPER_MAX_SWEEPS = LEASE, 3
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(scoring_run_execute_task, "delay", lambda run_id: sent.append(("scoring", run_id)))
    monkeypatch.setattr(supplier_check_task, "delay", lambda supplier_id, run_id: sent.append(("check", run_id)))
    return sent


def silent_since(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def scoring_run(status: str, heartbeat_age: float, sweeps: int = 0) -> ScoringRun:
    return ScoringRun.objects.create(
        scenario=scenario_default(), scenario_spec={}, status=status, heartbeat_at=silent_since(heartbeat_age),
        sweeps=sweeps,
    )  # fmt: skip


@pytest.mark.django_db
def test_it_re_enqueues_only_runs_silent_for_longer_than_the_lease(enqueued):
    stalled_queued = scoring_run("queued", LEASE + 5)
    stalled_running = scoring_run("running", LEASE + 5)
    fresh = scoring_run("running", LEASE - 5)
    finished = scoring_run("succeeded", LEASE * 10)

    result = scoring_runs_sweep()

    assert sorted(result.requeued) == sorted([stalled_queued.pk, stalled_running.pk]) and result.failed == []
    assert sorted(enqueued) == sorted([("scoring", stalled_queued.pk), ("scoring", stalled_running.pk)])
    stalled_running.refresh_from_db()
    assert stalled_running.sweeps == 1 and stalled_running.status == "running"
    assert stalled_running.heartbeat_at > silent_since(5)
    assert {fresh.pk, finished.pk}.isdisjoint(result.requeued)


@pytest.mark.django_db
def test_a_re_enqueued_run_waits_a_whole_lease_before_the_next_sweep(enqueued):
    run = scoring_run("running", LEASE + 5)
    scoring_runs_sweep()
    again = scoring_runs_sweep()
    assert again.requeued == [] and enqueued == [("scoring", run.pk)]


@pytest.mark.django_db
def test_it_fails_a_run_after_the_maximum_number_of_sweeps(enqueued):
    run = scoring_run("running", LEASE + 5, sweeps=3)

    result = scoring_runs_sweep()

    run.refresh_from_db()
    assert result.failed == [run.pk] and enqueued == []
    assert run.status == "failed" and run.finished_at is not None
    assert run.error.startswith("abandoned: no progress for 60 s after 3 re-enqueues")


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_re_enqueue_a_stalled_run_once(enqueued):
    runs = [scoring_run("running", LEASE + 5) for _ in range(5)]
    barrier = threading.Barrier(2, timeout=20)

    def sweep():
        try:
            barrier.wait()
            scoring_runs_sweep()
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert Counter(run_id for _, run_id in enqueued) == {run.pk: 1 for run in runs}
    assert set(ScoringRun.objects.values_list("sweeps", flat=True)) == {1}


@pytest.mark.django_db
def test_a_stalled_check_is_released_and_the_silent_copy_cannot_finish_it(enqueued):
    supplier = Supplier.objects.create(name="Sweeper test supplier", category="chips")
    stalled_at = silent_since(LEASE + 5)
    run = SupplierCheckRun.objects.create(
        supplier=supplier, trigger="manual", status="running", started_at=stalled_at, heartbeat_at=stalled_at
    )
    silent_copy = SupplierCheckRun.objects.get(pk=run.pk)  # what the stalled worker holds

    result = checks.supplier_checks_sweep()

    assert result.requeued == [run.pk] and enqueued == [("check", run.pk)]
    run.refresh_from_db()
    assert (run.status, run.sweeps) == ("queued", 1)
    # The re-enqueued task starts it; the silent copy then stops at its next heartbeat and records nothing.
    taken = checks.supplier_check_start(run_id=run.pk)
    assert taken is not None and taken.status == "running" and taken.started_at > stalled_at
    with pytest.raises(checks.LeaseLost):
        checks._Lease(silent_copy).beat()
    checks._finish(silent_copy, "failed", Counter(), "the silent copy")
    run.refresh_from_db()
    assert run.status == "running" and run.error == ""
    checks._finish(taken, "succeeded", Counter(rows=3), "")
    run.refresh_from_db()
    assert run.status == "succeeded" and run.counts == {"rows": 3}


@pytest.mark.django_db
def test_a_running_check_with_a_live_heartbeat_is_not_taken_over(enqueued):
    supplier = Supplier.objects.create(name="Sweeper test supplier", category="chips")
    run = SupplierCheckRun.objects.create(
        supplier=supplier, trigger="manual", status="running", started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    assert checks.supplier_checks_sweep().requeued == [] and enqueued == []
    assert checks.supplier_check_start(run_id=run.pk) is None  # a re-delivered message while it is alive


def _sweeper_schedules():
    from core.schedules import registered_schedules

    return {schedule.name: schedule.task for schedule in registered_schedules() if schedule.task.endswith("_sweep")}


@pytest.mark.django_db
def test_the_registry_runs_both_sweepers_every_interval(settings):
    from django_celery_beat.models import PeriodicTask

    from config.celery_app import app
    from core.schedules import schedules_sync

    settings.SWEEPER_INTERVAL_SECONDS = 7
    names = schedules_sync()
    sweepers = _sweeper_schedules()

    app.loader.import_default_modules()  # the tasks' modules, as a worker loads them
    assert sorted(sweepers.values()) == ["orchestration.supplier_checks_sweep", "sitesel.scoring_runs_sweep"]
    for name, task in sweepers.items():
        periodic = PeriodicTask.objects.get(name=name)
        assert name in names and periodic.task == task and task in app.tasks
        assert (periodic.interval.every, periodic.interval.period, periodic.expire_seconds) == (7, "seconds", 7)


@pytest.mark.django_db
def test_deployments_create_the_sweeper_schedules_with_one_command():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    sweepers = _sweeper_schedules()
    call_command("ensure_schedules")
    call_command("ensure_schedules")  # a second deployment changes nothing
    assert sorted(PeriodicTask.objects.filter(name__in=sweepers).values_list("task", flat=True)) == sorted(
        sweepers.values()
    )
