"""Date <-> integer-ordinal conversion at the domain boundary, and calendar quarters.

Inside the forecast, dates are `date.toordinal()` integers so numpy can add and compare them.
0 means "no date" on input (ordinals start at 1); `UNSCHEDULED` on output means "no date can be
computed" (e.g. the promised quantities never add up to the required quantity).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np

NO_DATE = 0
# Far above date.max.toordinal() (3,652,059) so it sorts after every real date, and far enough
# below int64 overflow that adding any duration to it is harmless.
UNSCHEDULED = 1_000_000_000
MAX_ORDINAL = date.max.toordinal()
# Plans and decisions are kept inside these bounds: forecasts add and subtract lead times to plan dates, and
# the site model is calibrated on builds from the 2010s on.
EARLIEST_PLAN = date(2000, 1, 1)
LATEST_GO_LIVE = date(2200, 1, 1)


def to_ordinal(value: date | None) -> int:
    return NO_DATE if value is None else value.toordinal()


def from_ordinal(value: int) -> date | None:
    """Ordinal -> date; NO_DATE and anything past date.max (UNSCHEDULED) -> None."""
    value = int(value)
    if value <= NO_DATE or value > MAX_ORDINAL:
        return None
    return date.fromordinal(value)


def ordinals(values: Iterable[date | None]) -> np.ndarray:
    """A column of dates (e.g. from `values_list`) -> int64 ordinals with None -> 0."""
    return np.fromiter((NO_DATE if v is None else v.toordinal() for v in values), dtype=np.int64)


def quarter_of(value: date) -> tuple[int, int]:
    return value.year, (value.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    day = 31 if month in (3, 12) else 30  # Mar 31, Jun 30, Sep 30, Dec 31
    return date(year, month, day)


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)
