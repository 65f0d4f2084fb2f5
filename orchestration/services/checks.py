"""Supplier status checks: claim (once per supplier and period), pull the feed, apply it, alert, re-forecast.

Safe to run twice:
- Two beat processes (or a re-sent schedule) fire the same scheduled check: the first firing claims
  the period with a `SupplierCheckRun` row, created under a row lock on the supplier and backed by a
  unique (supplier, period_start) constraint; the second finds it and does nothing.
- A worker that dies mid-check leaves a run in `running` whose heartbeat stops; once it is older than
  the lease (WORK_LEASE_SECONDS) the sweeper re-enqueues the run and the new copy takes it over. The
  run's `started_at` is the holder's token: a copy that lost the run to a takeover stops at its next
  heartbeat and cannot record an outcome. Each row is applied in its own transaction and deliveries are
  upserted on (supplier, shipment_ref), so a re-run neither loses nor duplicates a delivery, and
  re-applying the same feed changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.errors import ApplicationError
from core.schedules import schedule_sync
from core.sweeper import SweepResult, lease_expired_before, stalled_sweep
from orchestration import feeds, outbound
from orchestration.models import Alert, BuildProject, ContractLine, FeedReview, Source, Supplier, SupplierCheckRun
from orchestration.schedules import supplier_check_schedule
from orchestration.services.alerts import alert_raise
from orchestration.services.deliveries import ship_notice_apply
from orchestration.services.forecast import project_forecast_refresh, supplier_reliability_refresh

Run = SupplierCheckRun


def period_start(now: datetime) -> datetime:
    window = settings.SUPPLIER_CHECK_DEDUP_SECONDS
    return datetime.fromtimestamp(int(now.timestamp()) // window * window, tz=UTC)


def supplier_check_claim(*, supplier_id: int) -> SupplierCheckRun | None:
    """Claim this period's scheduled check; None when a firing less than the de-dup window ago claimed it."""
    now = timezone.now()
    with transaction.atomic():
        supplier = Supplier.objects.select_for_update().filter(pk=supplier_id, active=True).first()
        if supplier is None:
            return None
        window = timedelta(seconds=settings.SUPPLIER_CHECK_DEDUP_SECONDS)
        if Run.objects.filter(supplier=supplier, trigger=Run.Trigger.SCHEDULED, created_at__gt=now - window).exists():
            return None
        run, created = Run.objects.get_or_create(
            supplier=supplier,
            trigger=Run.Trigger.SCHEDULED,
            period_start=period_start(now),
            defaults={"status": Run.Status.RUNNING, "started_at": now},
        )
    return run if created else None


def supplier_check_request(*, supplier: Supplier, actor=None, enqueue: bool = True) -> SupplierCheckRun:
    """Queue a check now (API, admin action). The worker starts it; a re-delivered message is a no-op."""
    if supplier.feed_kind == Supplier.FeedKind.NONE:
        raise ApplicationError("the supplier has no status feed", field="feed_kind", code="no_feed")
    run = Run.objects.create(supplier=supplier, trigger=Run.Trigger.MANUAL, status=Run.Status.QUEUED)
    if enqueue:
        from orchestration.tasks import supplier_check_task

        supplier_check_task.delay_on_commit(supplier.pk, run_id=run.pk)
    return run


def supplier_check_start(*, run_id: int) -> SupplierCheckRun | None:
    """queued → running (or take over a running run whose heartbeat is older than the lease); None if
    someone else has it."""
    now = timezone.now()
    started = Run.objects.filter(
        Q(status=Run.Status.QUEUED) | Q(status=Run.Status.RUNNING, heartbeat_at__lt=lease_expired_before(now)),
        pk=run_id,
    ).update(status=Run.Status.RUNNING, started_at=now, heartbeat_at=now)
    return Run.objects.select_related("supplier").get(pk=run_id) if started == 1 else None


class LeaseLost(Exception):
    """The run was taken over by another copy (this one was silent for longer than the lease)."""


class _Lease:
    """This copy's hold on a running run, whose `started_at` is the token; `beat()` moves the heartbeat."""

    EVERY_SECONDS = 1.0  # at most one UPDATE a second, however many rows a feed has

    def __init__(self, run: SupplierCheckRun) -> None:
        self.run, self.last = run, float("-inf")

    def beat(self) -> None:
        if time.monotonic() - self.last < self.EVERY_SECONDS:
            return
        held = Run.objects.filter(pk=self.run.pk, status=Run.Status.RUNNING, started_at=self.run.started_at)
        if not held.update(heartbeat_at=timezone.now()):
            raise LeaseLost(f"check run {self.run.pk} was taken over")
        self.last = time.monotonic()


def supplier_checks_sweep() -> SweepResult:
    """Re-enqueue check runs that stalled (queued with a lost message, or running on a dead worker).

    A stalled running run goes back to queued, so the re-enqueued task can start it; a copy that was
    only slow, not dead, then finds its run gone at its next heartbeat and stops.
    """
    from orchestration.tasks import supplier_check_task

    return stalled_sweep(
        Run,
        enqueue=lambda run: supplier_check_task.delay(run.supplier_id, run_id=run.pk),
        release={"status": Run.Status.QUEUED},
    )


def supplier_check_run(*, supplier_id: int, run_id: int | None = None) -> dict:
    """What the task calls: claim or start, then execute. Returns a small summary."""
    run = supplier_check_start(run_id=run_id) if run_id else supplier_check_claim(supplier_id=supplier_id)
    if run is None:
        return {"status": "skipped", "supplier_id": supplier_id, "run_id": run_id}
    run = supplier_check_execute(run=run)
    return {"status": run.status, "supplier_id": supplier_id, "run_id": run.pk, "counts": run.counts}


# --- applying a feed ------------------------------------------------------------------------------------


def _fingerprint(reason: str, row: object) -> str:
    text = json.dumps({"reason": reason, "row": row}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _review(*, supplier, run, row: feeds.FeedRow, reason: str, message: str, field: str = "", value="") -> bool:
    """Hold a row for review; True if this is new (the same row and reason is held once)."""
    data = row.data if isinstance(row.data, dict) else {"value": row.data}
    _, created = FeedReview.objects.get_or_create(
        supplier=supplier,
        fingerprint=_fingerprint(reason, data),
        defaults={
            "run": run,
            "reason": reason,
            "field": field,
            "value": str(value)[:1000],
            "message": f"{row.where}: {message}",
            "row": json.loads(json.dumps(data, default=str)),
            "shipment_ref": str(data.get("shipment_ref") or "")[:100],
        },
    )
    return created


def _first_error(errors: dict) -> tuple[str, str, object]:
    """(reason, field, code) of a DRF error dict: an unknown enum value is `unknown_value`."""
    for name, details in errors.items():
        for detail in details if isinstance(details, list) else [details]:
            code = getattr(detail, "code", "invalid")
            reason = FeedReview.Reason.UNKNOWN_VALUE if code == "invalid_choice" else FeedReview.Reason.INVALID
            return reason, "" if name == "non_field_errors" else name, str(detail)
    return FeedReview.Reason.INVALID, "", "invalid"


def feed_rows_apply(
    *,
    supplier: Supplier,
    rows: list[feeds.FeedRow],
    run: SupplierCheckRun | None,
    heartbeat: Callable[[], None] | None = None,
) -> Counter:
    """Validate each row and apply it, or hold it for review (calling `heartbeat()` before each). Returns
    counts by outcome."""
    lines = {
        (line.contract.reference, line.line_no): line
        for line in ContractLine.objects.filter(contract__supplier=supplier).select_related("contract__supplier")
    }
    counts: Counter = Counter(rows=len(rows))
    seen: set[str] = set()
    for row in rows:
        if heartbeat is not None:
            heartbeat()
        held = None
        data = row.data
        if not isinstance(data, dict):
            held = (FeedReview.Reason.INVALID, "", "", "a shipment must be an object")
        elif set(data) - set(feeds.ROW_FIELDS):
            extra = sorted(set(data) - set(feeds.ROW_FIELDS))
            held = (FeedReview.Reason.INVALID, extra[0], "", f"unknown field(s): {', '.join(map(str, extra))}")
        if held is None:
            serializer = feeds.FeedRowSerializer(data=data)
            if not serializer.is_valid():
                reason, field, message = _first_error(serializer.errors)
                held = (reason, field, data.get(field, "") if field else "", message)
        if held is None:
            notice = serializer.validated_data
            line = lines.get((notice["contract_ref"], notice["line_no"]))
            if line is None:
                ref = f"{notice['contract_ref']}/{notice['line_no']}"
                held = (
                    FeedReview.Reason.UNKNOWN_REFERENCE,
                    "line_no",
                    ref,
                    f"no line {ref} on this supplier's contracts",
                )
            elif notice["shipment_ref"] in seen:
                held = (FeedReview.Reason.INVALID, "shipment_ref", notice["shipment_ref"], "shipment listed twice")
        if held is not None:
            reason, field, value, message = held
            counts["reviews_new"] += _review(
                supplier=supplier, run=run, row=row, reason=reason, message=message, field=field, value=value
            )
            counts["held"] += 1
            continue
        seen.add(notice["shipment_ref"])
        result = ship_notice_apply(supplier=supplier, line=line, notice=notice, source=Source.FEED, run=run)
        counts[result.outcome] += 1
        counts["slips"] += len(result.slips)
        if result.outcome == "conflict":
            counts["reviews_new"] += _review(
                supplier=supplier,
                run=run,
                row=row,
                reason=FeedReview.Reason.CONFLICT,
                message=result.message,
                field=result.field,
                value=notice.get(result.field, ""),
            )
            counts["held"] += 1
    return counts


ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=3))


def overdue_alerts_raise(*, supplier: Supplier) -> int:
    """An alert for each of the supplier's lines past its required-on-site date and not fully received."""
    today = timezone.localdate()
    overdue = (
        ContractLine.objects.filter(contract__supplier=supplier, required_on_site__lt=today)
        .annotate(received=Coalesce(Sum("deliveries__received_quantity"), ZERO))
        .filter(received__lt=F("quantity"))
        .select_related("contract")
    )
    raised = 0
    for line in overdue:
        alert = alert_raise(
            kind=Alert.Kind.OVERDUE_LINE,
            key=f"overdue_line:{line.pk}:{line.required_on_site.isoformat()}",
            message=f"{supplier.name} line {line.ref} ({line.item}) was due on site {line.required_on_site} and "
            f"has {line.received} of {line.quantity} {line.unit} received",
            project_id=line.contract.project_id,
            supplier=supplier,
            line=line,
            data={
                "required_on_site": line.required_on_site.isoformat(),
                "received": str(line.received),
                "quantity": str(line.quantity),
            },
        )
        raised += alert is not None
    return raised


def supplier_check_execute(*, run: SupplierCheckRun) -> SupplierCheckRun:
    """Pull the feed, apply it, raise alerts, re-forecast the supplier's projects; record the outcome on `run`."""
    supplier = run.supplier
    lease = _Lease(run)
    counts: Counter = Counter()
    status, error = Run.Status.SUCCEEDED, ""
    try:
        rows = feeds.read_feed(supplier)
        counts = feed_rows_apply(supplier=supplier, rows=rows, run=run, heartbeat=lease.beat)
        counts["alerts_overdue"] = overdue_alerts_raise(supplier=supplier)
        for project in BuildProject.objects.filter(contracts__supplier=supplier).distinct():
            lease.beat()
            project_forecast_refresh(project=project)
        supplier_reliability_refresh(supplier_ids=[supplier.pk])
    except LeaseLost:
        return Run.objects.get(pk=run.pk)  # the copy that took over records the outcome
    except (feeds.FeedInvalid, outbound.OutboundError) as exc:
        status, error = Run.Status.FAILED, f"{exc.code}: {exc}"
    except Exception as exc:
        _finish(run, Run.Status.FAILED, counts, f"unexpected: {exc!r}")
        raise
    return _finish(run, status, counts, error)


def _finish(run: SupplierCheckRun, status: str, counts: Counter, error: str) -> SupplierCheckRun:
    """Record the outcome, unless another copy took the run over meanwhile (its token, started_at, moved)."""
    Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING, started_at=run.started_at).update(
        status=status, finished_at=timezone.now(), counts=dict(counts), error=error
    )
    return Run.objects.select_related("supplier").get(pk=run.pk)


def feed_review_resolve(*, review: FeedReview, status: str, actor) -> FeedReview:
    """Close a review. Resolving records that a planner dealt with the row by hand; nothing is applied here."""
    if review.status != FeedReview.Status.OPEN:
        raise ApplicationError(f"the review is already {review.status}", field="status", code="already_closed")
    review.status, review.resolved_by, review.resolved_at = status, actor, timezone.now()
    review.save(update_fields=["status", "resolved_by", "resolved_at"])
    return review


# --- schedules (django-celery-beat, editable in the admin) ------------------------------------------------


def supplier_check_schedule_ensure(*, supplier: Supplier) -> PeriodicTask:
    """Bring the supplier's periodic check in line with the supplier (interval, enabled), keyed by its id."""
    return schedule_sync(supplier_check_schedule(supplier))
