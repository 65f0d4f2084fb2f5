"""The scoring runs' sweep: core/sweeper.py re-enqueues scoring runs that stopped making progress."""

from __future__ import annotations

from core.sweeper import SweepResult, stalled_sweep
from sitesel.models import ScoringRun


def scoring_runs_sweep() -> SweepResult:
    """Queued runs whose start message was lost, running runs whose chunks or finalize were lost."""
    from sitesel.tasks import scoring_run_execute_task

    return stalled_sweep(
        ScoringRun,
        # The start task claims a queued run, or re-dispatches only the chunks a running run has left.
        enqueue=lambda run: scoring_run_execute_task.delay(run.pk),
    )
