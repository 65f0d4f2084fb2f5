"""orchestration's periodic tasks, synced into beat by core/schedules.py: the check runs' sweeper and one status
check per supplier with a feed, keyed by the supplier's id (a renamed supplier keeps its one schedule)."""

from __future__ import annotations

from django.conf import settings
from django_celery_beat.models import IntervalSchedule

from core.schedules import Schedule
from orchestration.models import Supplier

SUPPLIER_CHECK_TASK = "orchestration.supplier_check"


def supplier_check_schedule(supplier: Supplier) -> Schedule:
    """Every `check_interval_minutes`, enabled while the supplier is active and has a feed. Owned: the supplier's
    row is the truth, so a changed interval or a switched-off feed reaches beat on the next sync."""
    return Schedule(
        name=f"orchestration: check supplier {supplier.pk}",
        task=SUPPLIER_CHECK_TASK,
        every=supplier.check_interval_minutes,
        period=IntervalSchedule.MINUTES,
        kwargs={"supplier_id": supplier.pk},
        enabled=supplier.active and supplier.feed_kind != Supplier.FeedKind.NONE,
        description=f"Status check of {supplier.name}"[:200],
        owned=True,
    )


def schedules() -> list[Schedule]:
    sweep = Schedule(
        name="Sweep stalled supplier checks",
        task="orchestration.supplier_checks_sweep",
        every=settings.SWEEPER_INTERVAL_SECONDS,
        expire_seconds=settings.SWEEPER_INTERVAL_SECONDS,  # a sweep is useless once the next one is due
    )
    suppliers = Supplier.objects.exclude(feed_kind=Supplier.FeedKind.NONE).order_by("pk")
    return [sweep, *(supplier_check_schedule(supplier) for supplier in suppliers)]
