"""Periodic jobs kept in the database (django-celery-beat), so admins can edit them in the admin."""

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

# The sweepers re-enqueue stalled work (sitesel/services/sweeper.py). Named by task so this module stays
# free of orchestration imports (orchestration may import sitesel, never the reverse).
SWEEPERS = {
    "Sweep stalled scoring runs": "sitesel.scoring_runs_sweep",
    "Sweep stalled supplier checks": "orchestration.supplier_checks_sweep",
}


def periodic_tasks_ensure() -> list[str]:
    """Create the default schedules if they are missing; existing (possibly edited) ones are left alone."""
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name="Refresh site facts nightly", defaults={"task": "sitesel.site_facts_refresh", "crontab": nightly}
    )
    after_refresh, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name="Delete old scoring runs nightly",
        defaults={"task": "sitesel.scoring_runs_prune", "crontab": after_refresh},
    )
    every, _ = IntervalSchedule.objects.get_or_create(
        every=settings.SWEEPER_INTERVAL_SECONDS, period=IntervalSchedule.SECONDS
    )
    for name, task in SWEEPERS.items():
        # A sweep is useless once the next one is due: expire its message rather than let sweeps queue up.
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": every, "expire_seconds": settings.SWEEPER_INTERVAL_SECONDS}
        )
    return list(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True))
