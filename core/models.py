"""The lifecycle both kinds of background run share (scoring runs, supplier checks), as one abstract model.

A run is queued, claimed (`started_at`), keeps a heartbeat while it works, and ends succeeded or failed
(`finished_at`, `error`). The sweeper (`core.sweeper.stalled_sweep`) reads exactly these fields: a run whose
heartbeat is older than the lease is re-enqueued, and failed after too many sweeps. Abstract: no table, no app.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class BackgroundRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        default=timezone.now, help_text="Last sign of progress; the sweeper re-enqueues a run silent for a lease."
    )
    sweeps = models.PositiveIntegerField(default=0, help_text="Times the sweeper re-enqueued the run.")
    error = models.TextField(blank=True)

    # The statuses of a run still to finish: the sweeper watches them, a planner may cancel them.
    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
