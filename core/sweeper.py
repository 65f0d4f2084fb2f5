"""The sweeper: re-enqueue background work that stopped making progress, fail it after too many tries.

Postgres is the source of truth and a Celery message only an accelerator. A message can be lost or held:
a worker killed with SIGKILL keeps its reserved message unacked until Redis' visibility timeout (an hour),
and a Redis restart without persistence drops every queued message. Each run row therefore carries a
heartbeat that its working task moves on every step; a beat task (every SWEEPER_INTERVAL_SECONDS) finds
queued or running rows whose heartbeat is older than WORK_LEASE_SECONDS and enqueues them again.

Re-enqueuing is safe because every task is idempotent (claims by conditional UPDATE, a chunk written once
under a row lock, deliveries upserted on a natural key). Each row is taken by a conditional UPDATE that
also moves its heartbeat, so two sweepers (two beat processes) re-enqueue a stalled run once.

Each app sweeps its own run model with `stalled_sweep` (sitesel: scoring runs; orchestration: supplier checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.models import BackgroundRun


@dataclass
class SweepResult:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def lease_expired_before(now: datetime | None = None) -> datetime:
    """Work whose heartbeat is older than this is stalled."""
    return (now or timezone.now()) - timedelta(seconds=settings.WORK_LEASE_SECONDS)


def stalled_sweep(
    model: type[BackgroundRun],
    *,
    enqueue: Callable[[BackgroundRun], None],
    release: dict[str, Any] | None = None,
) -> SweepResult:
    """Re-enqueue the rows of `model` in an active status with a stale heartbeat; fail those swept too often.

    `model` keeps the shared lifecycle (`core.models.BackgroundRun`: ScoringRun, SupplierCheckRun).
    `release` is written with the new heartbeat, e.g. a status the re-enqueued task can claim again.
    """
    now = timezone.now()
    cutoff = lease_expired_before(now)
    active, failed = model.ACTIVE_STATUSES, model.Status.FAILED
    stalled = model.objects.filter(status__in=active, heartbeat_at__lt=cutoff)
    result = SweepResult()
    for row in stalled.order_by("pk"):
        mine = model.objects.filter(pk=row.pk, status__in=active, heartbeat_at__lt=cutoff)
        if row.sweeps >= settings.SWEEPER_MAX_SWEEPS:
            error = f"abandoned: no progress for {settings.WORK_LEASE_SECONDS} s after {row.sweeps} re-enqueues"
            if mine.update(status=failed, finished_at=now, error=error):
                result.failed.append(row.pk)
        elif mine.update(heartbeat_at=now, sweeps=F("sweeps") + 1, **(release or {})):
            enqueue(row)
            result.requeued.append(row.pk)
    return result
