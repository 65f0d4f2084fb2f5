"""Deliveries: ship notices (from supplier feeds or the API), promise changes (the slip log), receipts, installs.

Every change writes a `DeliveryEvent`; every date change writes a `PromiseChange`; a later committed or
expected date is a slip (`orchestration.domain.slips.detect_slips`) and raises a `new_slip` alert.
Deliveries are keyed by (supplier, shipment_ref): applying the same notice twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from changelog.context import change_reason
from core.errors import ApplicationError, Conflict
from orchestration.domain.slips import Promise, Slip, detect_slips
from orchestration.models import Alert, ContractLine, Delivery, DeliveryEvent, PromiseChange, Source, Supplier
from orchestration.services.alerts import alert_raise

DATE_FIELDS = ("promised_date", "confirmed_date", "expected_date")
CLOSED = (Delivery.Status.RECEIVED, Delivery.Status.INSTALLED)


@dataclass
class NoticeResult:
    outcome: str  # created | updated | unchanged | conflict
    delivery: Delivery | None = None
    slips: list[tuple[str, Slip]] = field(default_factory=list)
    message: str = ""
    field: str = "shipment_ref"  # the input a conflict is about


def _committed(values: dict) -> date | None:
    return values.get("confirmed_date") or values.get("promised_date")


def _slips(delivery: Delivery, old: dict, new: dict) -> list[tuple[str, Slip]]:
    """Slips of the committed date (confirmed, else promised) and of the expected date, per the domain rule."""
    out = []
    for name, pick in (("committed", _committed), ("expected", lambda v: v.get("expected_date"))):
        before, after = pick(old), pick(new)
        if before and after:
            found = detect_slips(
                [Promise(delivery.pk, delivery.line_id, before)], [Promise(delivery.pk, delivery.line_id, after)]
            )
            out += [(name, slip) for slip in found]
    return out


def _record_changes(
    delivery: Delivery, new: dict, *, source: str, actor, run, kind: str, reason: str = ""
) -> tuple[bool, list[tuple[str, Slip]]]:
    """Apply `new` (field -> value) to a locked delivery; write its event, slip-log rows and slip alerts.

    Returns (anything changed, slips).
    """
    old = {name: getattr(delivery, name) for name in new}
    changes = {name: [old[name], value] for name, value in new.items() if old[name] != value}
    if not changes:
        return False, []
    old_dates = {name: getattr(delivery, name) for name in DATE_FIELDS}
    from_status = delivery.status
    for name, (_, value) in changes.items():
        setattr(delivery, name, value)
    delivery.save(update_fields=[*changes, "updated_at"])
    PromiseChange.objects.bulk_create(
        PromiseChange(
            delivery=delivery,
            field=name,
            old_date=before,
            new_date=after,
            source=source,
            run=run,
            actor=actor,
            days=_days(name, before, after, old_dates),
        )
        for name, (before, after) in changes.items()
        if name in DATE_FIELDS
    )
    DeliveryEvent.objects.create(
        delivery=delivery,
        kind=kind,
        from_status=from_status,
        to_status=delivery.status,
        source=source,
        run=run,
        actor=actor,
        reason=reason,
        changes={k: [_text(a), _text(b)] for k, (a, b) in changes.items()},
    )
    slips = _slips(delivery, old_dates, {name: getattr(delivery, name) for name in DATE_FIELDS})
    for name, slip in slips:
        line = delivery.line
        alert_raise(
            kind=Alert.Kind.NEW_SLIP,
            key=f"new_slip:{delivery.pk}:{name}:{slip.new_date.isoformat()}",
            message=(
                f"{line.contract.supplier.name} slipped shipment {delivery.shipment_ref} ({line.ref} {line.item}) "
                f"by {slip.days} days: {name} date {slip.old_date} → {slip.new_date}"
            ),
            project_id=line.contract.project_id,
            supplier_id=delivery.supplier_id,
            line=line,
            delivery=delivery,
            data={
                "field": name,
                "old_date": slip.old_date.isoformat(),
                "new_date": slip.new_date.isoformat(),
                "days": slip.days,
            },  # fmt: skip
        )
    return True, slips


def _days(name: str, before: date | None, after: date | None, old_dates: dict) -> int | None:
    """Slip in days; a first confirmation is measured against the promised date it replaces."""
    if name == "confirmed_date" and before is None:
        before = old_dates["promised_date"]
    return (after - before).days if before and after else None


def _text(value) -> str | None:
    return None if value is None else str(value)


def _against_line(line: ContractLine, values: dict) -> tuple[str, str] | None:
    """(field, why) when a delivery's quantity or dates contradict its contract line; None when they fit."""
    quantity = values.get("quantity")
    if quantity is not None and Decimal(quantity) > line.quantity:
        return "quantity", f"{quantity} is above the contract line's quantity ({line.quantity} {line.unit})"
    signed = line.contract.signed_on
    for name in DATE_FIELDS:
        if signed and values.get(name) and values[name] < signed:
            return name, f"{values[name]} is before the contract was signed ({signed})"
    return None


def _check_against_line(line: ContractLine, values: dict) -> None:
    problem = _against_line(line, values)
    if problem:
        raise ApplicationError(problem[1], field=problem[0], code="contradicts_contract")


def _lock_or_create(*, supplier: Supplier, shipment_ref: str, build) -> tuple[Delivery, bool]:
    """The delivery with this (supplier, shipment_ref), row-locked; or a new one. Safe against a racing insert."""
    locked = Delivery.objects.select_for_update().filter(supplier=supplier, shipment_ref=shipment_ref).first()
    if locked is not None:
        return locked, False
    delivery = build()
    try:
        with transaction.atomic():
            delivery.save(force_insert=True)
    except IntegrityError:  # a concurrent check inserted it first: use theirs
        return Delivery.objects.select_for_update().get(supplier=supplier, shipment_ref=shipment_ref), False
    return delivery, True


def ship_notice_apply(
    *, supplier: Supplier, line: ContractLine, notice: dict, source: str, actor=None, run=None
) -> NoticeResult:
    """Create or update the delivery `notice["shipment_ref"]` on `line` from a validated ship notice.

    `notice`: shipment_ref, quantity, status (scheduled | in_production | shipped), and optionally
    promised_date, confirmed_date, expected_date, shipped_on (None = no information, nothing changes).
    Conflicts (the reference is on another line, a quantity below what was received, a changed
    contractual promised date, "shipped" without a date) are returned, never applied.
    """
    if line.contract.supplier_id != supplier.pk:
        raise ApplicationError("the line belongs to another supplier's contract", field="line", code="wrong_supplier")
    ref = notice["shipment_ref"]
    shipped = notice.get("status") == "shipped"
    if shipped and not notice.get("shipped_on"):
        return NoticeResult("conflict", message="status shipped needs shipped_on")
    problem = _against_line(line, notice)
    if problem:
        return NoticeResult("conflict", message=problem[1], field=problem[0])
    dates = {name: notice.get(name) for name in DATE_FIELDS if notice.get(name) is not None}
    with transaction.atomic():
        delivery, created = _lock_or_create(
            supplier=supplier,
            shipment_ref=ref,
            build=lambda: Delivery(
                line=line,
                supplier=supplier,
                shipment_ref=ref,
                quantity=notice["quantity"],
                shipped_on=notice.get("shipped_on"),
                status=Delivery.Status.SHIPPED if shipped else Delivery.Status.SCHEDULED,
                **dates,
            ),
        )
        if created:
            DeliveryEvent.objects.create(
                delivery=delivery,
                kind=DeliveryEvent.Kind.CREATED,
                to_status=delivery.status,
                source=source,
                run=run,
                actor=actor,
                changes={k: [None, _text(v)] for k, v in {**dates, "quantity": notice["quantity"]}.items()},
            )
            return NoticeResult("created", delivery)
        if delivery.line_id != line.pk:
            return NoticeResult("conflict", delivery, message=f"shipment {ref} is recorded on another line")
        if delivery.status in CLOSED:
            return NoticeResult("unchanged", delivery)  # received on site: the site team's record stands
        quantity = Decimal(notice["quantity"])
        if quantity < delivery.received_quantity:
            return NoticeResult("conflict", delivery, message=f"quantity {quantity} is below the received quantity")
        promised = dates.get("promised_date")
        if promised and delivery.promised_date and promised != delivery.promised_date:
            return NoticeResult(
                "conflict",
                delivery,
                message=f"promised date {promised} differs from the contractual {delivery.promised_date}; "
                "send a confirmed date instead",
            )
        new = {"quantity": quantity, **dates}
        kind = DeliveryEvent.Kind.UPDATED
        if shipped and delivery.status == Delivery.Status.SCHEDULED:
            new.update(status=Delivery.Status.SHIPPED, shipped_on=notice["shipped_on"])
            kind = DeliveryEvent.Kind.SHIPPED
        elif notice.get("shipped_on") and delivery.status == Delivery.Status.SHIPPED:
            new["shipped_on"] = notice["shipped_on"]
        changed, slips = _record_changes(delivery, new, source=source, actor=actor, run=run, kind=kind)
    return NoticeResult("updated" if changed else "unchanged", delivery, slips)


@transaction.atomic
def delivery_create(
    *,
    line: ContractLine,
    shipment_ref: str,
    quantity: Decimal,
    promised_date: date | None = None,
    confirmed_date: date | None = None,
    expected_date: date | None = None,
    actor=None,
    source: str = Source.API,
) -> Delivery:
    """A planned delivery on a line (the promised delivery schedule), recorded by a planner."""
    dates = {"promised_date": promised_date, "confirmed_date": confirmed_date, "expected_date": expected_date}
    _check_against_line(line, {"quantity": quantity, **dates})
    if Delivery.objects.filter(supplier_id=line.contract.supplier_id, shipment_ref=shipment_ref).exists():
        raise ApplicationError(f"shipment {shipment_ref!r} exists for this supplier", field="shipment_ref",
                               code="duplicate")  # fmt: skip
    delivery = Delivery(
        line=line,
        supplier_id=line.contract.supplier_id,
        shipment_ref=shipment_ref,
        quantity=quantity,
        promised_date=promised_date,
        confirmed_date=confirmed_date,
        expected_date=expected_date,
    )
    delivery.full_clean()
    with transaction.atomic():  # never a delivery without its `created` event (a crash in between)
        delivery.save()
        DeliveryEvent.objects.create(
            delivery=delivery, kind=DeliveryEvent.Kind.CREATED, to_status=delivery.status, source=source, actor=actor
        )
    return delivery


def delivery_update(*, delivery: Delivery, actor, source: str = Source.API, reason: str = "", **fields) -> Delivery:
    """Change quantity or promise dates of an open delivery; date changes go to the slip log."""
    allowed = {"quantity", *DATE_FIELDS}
    if set(fields) - allowed:
        raise ApplicationError(f"cannot change {', '.join(sorted(set(fields) - allowed))} here", code="read_only")
    with transaction.atomic(), change_reason(reason):
        locked = Delivery.objects.select_for_update().select_related("line__contract__supplier").get(pk=delivery.pk)
        if "quantity" in fields and fields["quantity"] < locked.received_quantity:
            raise ApplicationError("quantity cannot go below the received quantity", field="quantity", code="invalid")
        _check_against_line(locked.line, fields)
        _record_changes(
            locked, fields, source=source, actor=actor, run=None, kind=DeliveryEvent.Kind.UPDATED, reason=reason
        )
    return locked


def delivery_receive(
    *, delivery: Delivery, received_quantity: Decimal, actual_date: date, inspection: str, actor, reason: str = ""
) -> Delivery:
    """Record what arrived on site (total received for this shipment), when, and the inspection result."""
    with transaction.atomic(), change_reason(reason):
        locked = Delivery.objects.select_for_update().select_related("line__contract__supplier").get(pk=delivery.pk)
        if locked.installed:
            raise Conflict("the delivery is already installed", field="received_quantity", code="already_installed")
        if received_quantity > locked.quantity:
            raise ApplicationError("cannot exceed the delivery's quantity", field="received_quantity", code="invalid")
        if actual_date > timezone.localdate():
            raise ApplicationError("cannot be in the future", field="actual_date", code="invalid")
        if locked.shipped_on and actual_date < locked.shipped_on:
            raise ApplicationError(
                f"cannot be before the shipment was shipped ({locked.shipped_on})", field="actual_date", code="invalid"
            )
        status = Delivery.Status.RECEIVED if received_quantity > 0 else locked.status
        new = {
            "received_quantity": received_quantity,
            "actual_date": actual_date,
            "inspection": inspection,
            "status": status,
        }
        _record_changes(
            locked, new, source=Source.API, actor=actor, run=None, kind=DeliveryEvent.Kind.RECEIVED, reason=reason
        )
    return locked


def delivery_install(*, delivery: Delivery, installed_on: date, actor, reason: str = "") -> Delivery:
    """Mark a received, inspected delivery installed (a line is installed when all its received parts are)."""
    with transaction.atomic(), change_reason(reason):
        locked = Delivery.objects.select_for_update().select_related("line__contract__supplier").get(pk=delivery.pk)
        if locked.received_quantity <= 0:
            raise Conflict("nothing has been received yet", field="installed_on", code="not_received")
        if locked.inspection == Delivery.Inspection.FAILED:
            raise Conflict("the delivery failed inspection", field="installed_on", code="inspection_failed")
        if locked.actual_date and installed_on < locked.actual_date:
            raise ApplicationError("cannot be before the arrival", field="installed_on", code="invalid")
        new = {"installed": True, "installed_on": installed_on, "status": Delivery.Status.INSTALLED}
        _record_changes(
            locked, new, source=Source.API, actor=actor, run=None, kind=DeliveryEvent.Kind.INSTALLED, reason=reason
        )
    return locked
