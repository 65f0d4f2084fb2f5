"""Fire supplier checks through beat now and wait for the worker: the demo's proof that beat, the worker and
the check run together."""

from __future__ import annotations

import json
import time

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, PeriodicTask

from orchestration.models import Supplier, SupplierCheckRun
from orchestration.schedules import SUPPLIER_CHECK_TASK
from orchestration.services.checks import supplier_check_request

Run = SupplierCheckRun


def supplier_checks_via_beat(
    *, suppliers: list[Supplier], timeout: float = 180.0, poll: float = 0.5
) -> list[SupplierCheckRun]:
    """Queue a run per supplier and have *beat* fire each (a one-off clocked PeriodicTask due now); wait
    until the worker has finished them all.

    Needs a running beat (DatabaseScheduler) and worker. Returns the runs (check their status); raises
    TimeoutError if some are still unfinished after `timeout` seconds.
    """
    runs = []
    with transaction.atomic():
        clocked = ClockedSchedule.objects.create(clocked_time=timezone.now())
        for supplier in suppliers:
            run = supplier_check_request(supplier=supplier, enqueue=False)
            PeriodicTask.objects.create(
                name=f"orchestration: one-off check of supplier {supplier.pk}, run {run.pk}"[:200],
                task=SUPPLIER_CHECK_TASK,
                clocked=clocked,
                one_off=True,
                kwargs=json.dumps({"supplier_id": supplier.pk, "run_id": run.pk}),
            )
            runs.append(run)
    deadline = time.monotonic() + timeout
    done = (Run.Status.SUCCEEDED, Run.Status.FAILED)
    while time.monotonic() < deadline:
        if not Run.objects.filter(pk__in=[r.pk for r in runs]).exclude(status__in=done).exists():
            return list(Run.objects.filter(pk__in=[r.pk for r in runs]).select_related("supplier").order_by("pk"))
        time.sleep(poll)
    raise TimeoutError(f"check runs unfinished after {timeout:.0f} s (are beat and a worker running?)")
