"""Slip detection: compare two snapshots of supplier promises, report deliveries that moved later.

The caller passes, per delivery, the date the supplier is currently committed to (confirmed if any,
else promised) — the same date the forecast de-rates. A slip is a later date; pull-ins (earlier
dates) are reported only on request. Deliveries that appear or disappear between snapshots are
not slips (new scope / cancellation) and are ignored here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

Ref = str | int


@dataclass(frozen=True)
class Promise:
    delivery_ref: Ref
    line_ref: Ref
    promised_date: date


@dataclass(frozen=True)
class Slip:
    line_ref: Ref
    delivery_ref: Ref
    old_date: date
    new_date: date
    days: int  # new - old; negative for pull-ins


def detect_slips(
    old_promises: Iterable[Promise],
    new_promises: Iterable[Promise],
    *,
    min_days: int = 1,
    include_pull_ins: bool = False,
) -> tuple[Slip, ...]:
    """Slips of at least `min_days`, in the order of `new_promises`."""
    old_by_ref = {p.delivery_ref: p.promised_date for p in old_promises}
    slips = []
    for p in new_promises:
        old = old_by_ref.get(p.delivery_ref)
        if old is None:
            continue
        days = (p.promised_date - old).days
        if days >= min_days or (include_pull_ins and days <= -min_days):
            slips.append(Slip(p.line_ref, p.delivery_ref, old, p.promised_date, days))
    return tuple(slips)
