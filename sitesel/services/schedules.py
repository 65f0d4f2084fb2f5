"""Periodic jobs kept in the database (django-celery-beat), so admins can edit them in the admin."""

from django_celery_beat.models import CrontabSchedule, PeriodicTask


def periodic_tasks_ensure() -> list[str]:
    """Create the default schedules if they are missing; existing (possibly edited) ones are left alone."""
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name="Refresh site facts nightly", defaults={"task": "sitesel.site_facts_refresh", "crontab": nightly}
    )
    return list(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True))
