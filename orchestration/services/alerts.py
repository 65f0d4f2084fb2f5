"""Alerts: raised once per key (idempotent), sent by email and webhook after the raising transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from urllib3.util import parse_url

from orchestration import outbound
from orchestration.models import Alert


class AlertNotSent(Exception):
    """A channel failed; the task retries with backoff (channels already delivered are not repeated)."""


def alert_raise(*, kind: str, key: str, message: str, **refs) -> Alert | None:
    """Create the alert unless one with `key` exists; returns it only when new. Sending is enqueued on commit."""
    if Alert.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(kind=kind, key=key, message=message, **refs)
    except IntegrityError:  # raised concurrently by another check
        return None
    from orchestration.tasks import alert_send_task

    alert_send_task.delay_on_commit(alert.pk)
    return alert


def _payload(alert: Alert) -> dict:
    return {
        "key": alert.key,  # stable: a receiver can de-duplicate re-sent alerts on it
        "kind": alert.kind,
        "message": alert.message,
        "project_id": alert.project_id,
        "block_id": alert.block_id,
        "supplier_id": alert.supplier_id,
        "line_id": alert.line_id,
        "delivery_id": alert.delivery_id,
        "data": alert.data,
        "created_at": alert.created_at.isoformat(),
    }


def alert_send(*, alert_id: int) -> bool:
    """Send an alert on every configured channel not yet done. At-least-once: a crash may repeat a channel."""
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None or alert.sent_at is not None:
        return False
    errors = []
    now = timezone.now
    if settings.ORCHESTRATION_ALERT_EMAILS and alert.email_sent_at is None:
        try:
            send_mail(
                f"[sitesel] {alert.get_kind_display()}",
                alert.message,
                settings.ORCHESTRATION_ALERT_FROM_EMAIL,
                settings.ORCHESTRATION_ALERT_EMAILS,
            )
            Alert.objects.filter(pk=alert.pk).update(email_sent_at=now())
        except OSError as exc:
            errors.append(f"email: {exc}")
    url = settings.ORCHESTRATION_ALERT_WEBHOOK_URL
    if url and alert.webhook_sent_at is None:
        host = (parse_url(url).host or "").strip("[]")
        try:
            outbound.post_json(url, _payload(alert), allowed_host=host, allow_list=[host])
            Alert.objects.filter(pk=alert.pk).update(webhook_sent_at=now())
        except outbound.OutboundError as exc:
            errors.append(f"webhook: {exc.code}: {exc}")
    alert.refresh_from_db(fields=["email_sent_at", "webhook_sent_at"])
    Alert.objects.filter(pk=alert.pk).update(
        attempts=alert.attempts + 1, last_error="; ".join(errors), sent_at=None if errors else now()
    )
    if errors:
        raise AlertNotSent("; ".join(errors))
    return True
