"""Celery tasks: thin adapters that take ids and call one service each (docs/orchestration.md).

acks_late (with reject_on_worker_lost, set globally) means at-least-once delivery, so every task is
safe to run twice: supplier checks claim their period or run first, deliveries are upserted on
(supplier, shipment_ref), alerts are created once per key and send each channel once.
"""

from dataclasses import asdict

from celery import shared_task
from django.db import OperationalError

from orchestration.services.alerts import AlertNotSent


@shared_task(name="orchestration.supplier_check", acks_late=True)
def supplier_check_task(supplier_id: int, run_id: int | None = None) -> dict:
    """Scheduled by beat per supplier (kwargs {"supplier_id"}), or queued for a run (`run_id`)."""
    from orchestration.services.checks import supplier_check_run

    return supplier_check_run(supplier_id=supplier_id, run_id=run_id)


@shared_task(name="orchestration.supplier_checks_sweep")
def supplier_checks_sweep_task() -> dict:
    """Beat, every SWEEPER_INTERVAL_SECONDS: re-enqueue stalled check runs (a missed sweep waits for the next)."""
    from orchestration.services.checks import supplier_checks_sweep

    return asdict(supplier_checks_sweep())


@shared_task(
    name="orchestration.alert_send",
    acks_late=True,
    autoretry_for=(AlertNotSent, OperationalError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def alert_send_task(alert_id: int) -> bool:
    from orchestration.services.alerts import alert_send

    return alert_send(alert_id=alert_id)
