"""The schedule registry: each app declares its periodic tasks in `<app>/schedules.py`; this syncs them into
django-celery-beat (the DatabaseScheduler beat reads, and admins edit in the admin).

An app's `schedules.py` has a `schedules()` function returning `Schedule`s; no app names another app's task.
Two kinds of schedule:
- a default (`owned=False`): created when missing; an existing row, possibly edited in the admin, is left alone;
- an owned one (`owned=True`): the app's data is the truth (a supplier's check interval), so each sync writes
  its interval, kwargs and enabled flag, and removes any other recurring row of the same task and kwargs (the
  row a renamed supplier left under its old name), so one schedule exists per key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

SCHEDULES_MODULE = "schedules"


@dataclass(frozen=True)
class Schedule:
    """One periodic task. `name` is its key (the PeriodicTask's unique name); give an interval or a crontab."""

    name: str
    task: str
    every: int | None = None
    period: str = IntervalSchedule.SECONDS
    crontab: dict[str, str] | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    expire_seconds: int | None = None
    enabled: bool = True
    description: str = ""
    owned: bool = False

    def __post_init__(self) -> None:
        if (self.every is None) == (self.crontab is None):
            raise ValueError(f"schedule {self.name!r}: give either an interval or a crontab")


def registered_schedules() -> list[Schedule]:
    """Every installed app's declared schedules, in INSTALLED_APPS order."""
    declared: list[Schedule] = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, SCHEDULES_MODULE):
            declared.extend(import_module(f"{config.name}.{SCHEDULES_MODULE}").schedules())
    return declared


def _when(schedule: Schedule) -> dict[str, Any]:
    if schedule.crontab is not None:
        crontab, _ = CrontabSchedule.objects.get_or_create(**{"timezone": "UTC", **schedule.crontab})
        return {"crontab": crontab, "interval": None}
    interval, _ = IntervalSchedule.objects.get_or_create(every=schedule.every, period=schedule.period)
    return {"interval": interval, "crontab": None}


def schedule_sync(schedule: Schedule) -> PeriodicTask:
    """Write one schedule into django-celery-beat (see the module docstring for defaults and owned ones)."""
    kwargs = json.dumps(schedule.kwargs, sort_keys=True)
    fields = {
        "task": schedule.task,
        "kwargs": kwargs,
        "expire_seconds": schedule.expire_seconds,
        "enabled": schedule.enabled,
        "description": schedule.description,
    }
    with transaction.atomic():
        if not schedule.owned:
            periodic, _ = PeriodicTask.objects.get_or_create(name=schedule.name, defaults={**fields, **_when(schedule)})
            return periodic
        periodic, _ = PeriodicTask.objects.update_or_create(name=schedule.name, defaults={**fields, **_when(schedule)})
        PeriodicTask.objects.filter(task=schedule.task, kwargs=kwargs, one_off=False).exclude(pk=periodic.pk).delete()
    return periodic


def schedules_sync() -> list[str]:
    """Sync every app's declared schedules; returns the names of the enabled periodic tasks."""
    for schedule in registered_schedules():
        schedule_sync(schedule)
    return list(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True))
