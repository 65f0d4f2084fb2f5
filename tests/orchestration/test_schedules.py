"""The schedule registry against PostgreSQL: each app declares its periodic tasks, core syncs them into beat;
supplier checks are keyed by supplier id, so a rename leaves one schedule and interval changes apply."""

from __future__ import annotations

import json

import pytest
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from core.schedules import Schedule, registered_schedules, schedule_sync, schedules_sync
from orchestration.models import Supplier
from orchestration.schedules import SUPPLIER_CHECK_TASK
from orchestration.services.checks import supplier_check_schedule_ensure

pytestmark = pytest.mark.django_db


def supplier_checks() -> list[PeriodicTask]:
    return list(PeriodicTask.objects.filter(task=SUPPLIER_CHECK_TASK).order_by("pk"))


@pytest.fixture
def supplier() -> Supplier:
    return Supplier.objects.create(
        name="Chips Co", category="chips", feed_kind="https_json", feed_url="https://feeds.example.com/feed.json",
        feed_allowed_host="feeds.example.com", check_interval_minutes=60,
    )  # fmt: skip


def test_each_app_declares_its_own_tasks_only():
    by_task = {schedule.task: schedule for schedule in registered_schedules()}
    assert {"sitesel.site_facts_refresh", "sitesel.scoring_runs_sweep", "orchestration.supplier_checks_sweep"} <= set(
        by_task
    )
    from sitesel.schedules import schedules as sitesel_schedules

    assert all(schedule.task.startswith("sitesel.") for schedule in sitesel_schedules())


def test_renaming_a_supplier_keeps_one_schedule(supplier):
    supplier_check_schedule_ensure(supplier=supplier)
    supplier.name = "Chips Company"
    supplier.save()
    periodic = supplier_check_schedule_ensure(supplier=supplier)

    (only,) = supplier_checks()
    assert only.pk == periodic.pk and json.loads(only.kwargs) == {"supplier_id": supplier.pk}
    assert "Chips Company" in only.description


def test_a_schedule_left_under_an_old_name_is_replaced(supplier):
    # What a supplier renamed before schedules were keyed by id left behind: a row named after the old name.
    stale = schedule_sync(Schedule(name=f"orchestration: check supplier {supplier.pk} (Old name)",
                                   task=SUPPLIER_CHECK_TASK, every=60, period="minutes",
                                   kwargs={"supplier_id": supplier.pk}))  # fmt: skip
    schedules_sync()
    assert [p.name for p in supplier_checks()] == [f"orchestration: check supplier {supplier.pk}"]
    assert not PeriodicTask.objects.filter(pk=stale.pk).exists()


def test_interval_changes_and_a_switched_off_feed_reach_beat(supplier):
    supplier_check_schedule_ensure(supplier=supplier)
    supplier.check_interval_minutes = 15
    supplier.save()
    periodic = supplier_check_schedule_ensure(supplier=supplier)
    assert (periodic.interval.every, periodic.interval.period, periodic.enabled) == (15, "minutes", True)

    supplier.active = False
    supplier.save()
    assert supplier_check_schedule_ensure(supplier=supplier).enabled is False
    assert len(supplier_checks()) == 1


def test_an_edited_default_is_left_alone(settings):
    schedules_sync()
    PeriodicTask.objects.filter(name="Refresh site facts nightly").update(enabled=False)
    schedules_sync()
    assert PeriodicTask.objects.get(name="Refresh site facts nightly").enabled is False


def test_a_schedule_needs_exactly_one_timing():
    with pytest.raises(ValueError):
        Schedule(name="x", task="t")
    with pytest.raises(ValueError):
        Schedule(name="x", task="t", every=5, crontab={"minute": "0"})


def test_the_api_keeps_a_renamed_supplier_on_one_schedule_and_a_deleted_one_on_none(planner):
    api = APIClient()
    api.force_authenticate(planner)
    body = {"name": "Cooling Co", "category": "cooling", "feed_kind": "https_json",
            "feed_url": "https://feeds.example.com/cool.json", "feed_allowed_host": "feeds.example.com"}  # fmt: skip
    created = api.post("/api/v1/suppliers/", body, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/suppliers/{created.json()['id']}/"
    assert api.patch(url, {"name": "Cooling Company", "check_interval_minutes": 30}, format="json").status_code == 200

    (only,) = supplier_checks()
    assert (only.interval.every, only.description) == (30, "Status check of Cooling Company")
    assert api.delete(url).status_code == 204
    assert supplier_checks() == []
