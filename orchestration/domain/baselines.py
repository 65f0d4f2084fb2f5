"""Forecast against a frozen baseline: how far each date moved, and which recorded slips moved it.

A baseline freezes, per block, its plan and forecast go-live and, per line, its required date and forecast
arrival (services/baselines.py). Variance is always *current − baseline* in days, positive = later; a date
that cannot be computed on either side gives no variance (None), never a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


def variance_days(baseline: date | None, current: date | None) -> int | None:
    if baseline is None or current is None:
        return None
    return (current - baseline).days


@dataclass(frozen=True)
class SlipEntry:
    """One slip-log entry (a change of a delivery's promised, confirmed or expected date)."""

    ref: object  # the caller's row (who, which field, old and new date)
    at: datetime
    days: int | None


def entries_since(entries: Iterable[SlipEntry], since: datetime, *, limit: int = 5) -> list[SlipEntry]:
    """The entries recorded after `since` that moved a date, largest move first (then most recent)."""
    moved = [e for e in entries if e.at > since and e.days]
    return sorted(moved, key=lambda e: (-abs(e.days or 0), -e.at.timestamp()))[:limit]
