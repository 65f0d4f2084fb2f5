"""sitesel's periodic tasks, synced into beat by core/schedules.py."""

from __future__ import annotations

from django.conf import settings

from core.schedules import Schedule


def schedules() -> list[Schedule]:
    return [
        Schedule(
            name="Refresh site facts nightly",
            task="sitesel.site_facts_refresh",
            crontab={"minute": "0", "hour": "3", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        ),
        # Retention: the newest runs per scenario are kept, pinned ones forever (services/scoring_run_retention.py).
        Schedule(
            name="Delete old scoring runs nightly",
            task="sitesel.scoring_runs_prune",
            crontab={"minute": "30", "hour": "3", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        ),
        # The sweeper (core/sweeper.py) re-enqueues stalled scoring runs. A sweep is useless once the next one is
        # due: expire its message rather than let sweeps queue up.
        Schedule(
            name="Sweep stalled scoring runs",
            task="sitesel.scoring_runs_sweep",
            every=settings.SWEEPER_INTERVAL_SECONDS,
            expire_seconds=settings.SWEEPER_INTERVAL_SECONDS,
        ),
    ]
