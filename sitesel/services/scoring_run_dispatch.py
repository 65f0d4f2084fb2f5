"""What runs where for a scoring run: the Celery fan-outs the tasks start (docs/scoring-runs.md).

The tasks in sitesel/tasks.py only call these; the work itself is in services/scoring_runs.py and
services/scoring_run_ranking.py. Both fan-outs are chords: every chunk, then the ranking; for a national run the
ranking is one task per capacity, then the merge that marks the run succeeded.
"""

from __future__ import annotations

from celery import chord
from django.db import InterfaceError, OperationalError

from sitesel.models import ScoringRun
from sitesel.services.scoring_runs import (
    scoring_run_compute_single,
    scoring_run_execute,
    scoring_run_fail,
    scoring_run_finalize,
)

TRANSIENT = (OperationalError, InterfaceError)


def scoring_run_dispatch(*, run_id: int, worker: str = "") -> int:
    """Claim the run and fan its chunks out; the chord's callback ranks once every chunk is done.

    A one-chunk run is computed here (`worker` is the Celery worker doing it). Returns the chunks dispatched.
    """
    from sitesel.tasks import scoring_chunk_task, scoring_run_failed_task, scoring_run_finalize_task

    indexes = scoring_run_execute(run_id=run_id)
    if not indexes:
        scoring_run_finalize_task.delay(run_id)  # nothing left to compute (e.g. a re-delivered start)
        return 0
    if len(indexes) == 1:
        # A one-chunk run gains nothing from fanning out; doing it here saves two queue round trips.
        try:
            scoring_run_compute_single(run_id=run_id, index=indexes[0], worker=worker)
        except TRANSIENT:
            raise  # the task retries with backoff; idempotent
        except Exception as exc:
            scoring_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
            raise
        return 1
    header = [scoring_chunk_task.s(run_id, index) for index in indexes]
    chord(header)(scoring_run_finalize_task.si(run_id).on_error(scoring_run_failed_task.s(run_id)))
    return len(indexes)


def scoring_run_rank_dispatch(*, run_id: int) -> str:
    """Rank a run whose chunks are all stored: a candidate-site run here, in one pass; a national run's
    capacities in parallel tasks, then the merge (a chord). Returns the run's status."""
    from sitesel.tasks import scoring_rank_capacity_task, scoring_rank_merge_task, scoring_run_failed_task

    run = ScoringRun.objects.get(pk=run_id)
    if run.mode != ScoringRun.Mode.NATIONAL or run.status != ScoringRun.Status.RUNNING:
        return scoring_run_finalize(run_id=run_id).status
    header = [scoring_rank_capacity_task.s(run_id, k) for k in range(len(run.capacities_mw))]
    chord(header)(scoring_rank_merge_task.si(run_id).on_error(scoring_run_failed_task.s(run_id)))
    return run.status
