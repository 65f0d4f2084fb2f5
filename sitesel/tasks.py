"""Celery tasks: thin adapters that call one service each (docs/decisions.md).

All are idempotent (see the services) and run with acks_late, so a worker that dies mid-task has its
task re-delivered and the retry finds the work either done or not started.
"""

import logging
from dataclasses import asdict

from celery import shared_task
from celery.signals import worker_process_init
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_jitter": True, "max_retries": 5, "acks_late": True}


@shared_task(name="sitesel.site_facts_refresh", **RETRY)
def site_facts_refresh_task(site_ids: list[int] | None = None) -> int:
    """Recompute site facts. Idempotent: it upserts one row per site from the current layers."""
    from sitesel.services.site_facts import site_facts_refresh

    return site_facts_refresh(site_ids=site_ids)


@shared_task(name="sitesel.scoring_run_execute", bind=True, **RETRY)
def scoring_run_execute_task(self, run_id: int) -> int:
    """Claim the run and fan its chunks out; the chord's callback ranks once every chunk is done."""
    from sitesel.services.scoring_run_dispatch import scoring_run_dispatch

    return scoring_run_dispatch(run_id=run_id, worker=self.request.hostname or "")


@shared_task(name="sitesel.scoring_chunk", bind=True, **RETRY)
def scoring_chunk_task(self, run_id: int, index: int) -> int:
    from sitesel.services.scoring_runs import scoring_chunk_compute

    return scoring_chunk_compute(run_id=run_id, index=index, worker=self.request.hostname or "")


@shared_task(name="sitesel.scoring_run_finalize", **RETRY)
def scoring_run_finalize_task(run_id: int) -> str:
    """Every chunk is stored: rank the run (a national run's capacities fan out again)."""
    from sitesel.services.scoring_run_dispatch import scoring_run_rank_dispatch

    return scoring_run_rank_dispatch(run_id=run_id)


@shared_task(name="sitesel.scoring_rank_capacity", **RETRY)
def scoring_rank_capacity_task(run_id: int, k: int) -> int:
    """Rank one capacity of a national run and write its rows; returns the rows written."""
    from sitesel.services.scoring_run_ranking import scoring_run_rank_capacity

    part = scoring_run_rank_capacity(run_id=run_id, k=k)
    return part.results_count if part else 0


@shared_task(name="sitesel.scoring_rank_merge", **RETRY)
def scoring_rank_merge_task(run_id: int) -> str:
    from sitesel.services.scoring_run_ranking import scoring_run_rank_merge

    return scoring_run_rank_merge(run_id=run_id).status


@shared_task(name="sitesel.scoring_run_failed")
def scoring_run_failed_task(request, exc, traceback, run_id: int) -> None:
    """Chord error callback: record why the run failed."""
    from sitesel.services.scoring_runs import scoring_run_fail

    scoring_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="sitesel.scoring_runs_sweep")
def scoring_runs_sweep_task() -> dict:
    """Beat, every SWEEPER_INTERVAL_SECONDS: re-enqueue stalled scoring runs (a missed sweep waits for the next)."""
    from sitesel.services.sweeper import scoring_runs_sweep

    return asdict(scoring_runs_sweep())


@shared_task(name="sitesel.scoring_runs_prune", **RETRY)
def scoring_runs_prune_task() -> list[int]:
    """Beat, nightly: delete old scoring runs (retention). Idempotent: a deleted run is not found again."""
    from sitesel.services.scoring_run_retention import scoring_runs_prune

    return scoring_runs_prune().deleted


@worker_process_init.connect
def _load_layers_before_the_first_task(**_kwargs) -> None:
    """Read the layer snapshot when a worker process starts, so the first scoring chunk does not pay for it.

    Best effort: if the database is not reachable yet, the first task loads it instead.
    """
    from django.db import close_old_connections

    from sitesel.spatial.snapshot import get_snapshot

    try:
        get_snapshot()
    except Exception:  # noqa: BLE001 - a cold start must never stop the worker
        logger.warning("layer snapshot not preloaded; the first scoring task will load it", exc_info=True)
    finally:
        close_old_connections()
