"""Celery tasks: thin adapters that call one service each (docs/decisions.md)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="sitesel.site_facts_refresh",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def site_facts_refresh_task(site_ids: list[int] | None = None) -> int:
    """Recompute site facts. Idempotent: it upserts one row per site from the current layers."""
    from sitesel.services.site_facts import site_facts_refresh

    return site_facts_refresh(site_ids=site_ids)
