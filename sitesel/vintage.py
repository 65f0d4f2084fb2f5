"""A layer's vintage: the date its data describes (not the date it was imported), and how old that is.

A vintage is written `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (as precise as the source says); blank means unknown.
ISO partial dates sort in time order as text ("2016" < "2016-05" < "2017"), so the oldest of several is their
minimum. A vintage's age counts from the last day it covers: "2019" (an annual average) is 2019-12-31.
Plain Python, no Django: importing, measuring and serializing all use it.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime

import numpy as np

VINTAGE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_VINTAGE = re.compile(VINTAGE_PATTERN)
UNKNOWN = ""
# Sort key of an unknown vintage: below every real one, so "oldest" is conservative about it.
UNKNOWN_KEY = 0
# Sort key of "no value, so no vintage": above every real one, so it never wins a minimum.
ABSENT_KEY = 99_999_999


def parse_vintage(text: str | None, *, today: date | None = None) -> str:
    """The vintage normalised (stripped), or ValueError saying what is wrong; None and "" are unknown."""
    text = (text or "").strip()
    if not text:
        return UNKNOWN
    if not _VINTAGE.match(text):
        raise ValueError(f"{text!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    vintage_end(text)  # raises ValueError for a month 13 or a 31 February
    if int(text[:4]) < 1800:
        raise ValueError(f"{text!r} is before 1800")
    year, month, day = ([int(p) for p in text.split("-")] + [1, 1])[:3]
    if date(year, month, day) > (today or datetime.now(UTC).date()):
        raise ValueError(f"{text!r} is in the future")
    return text


def vintage_end(text: str) -> date:
    """The last day a vintage covers: 2019 -> 2019-12-31, 2019-02 -> 2019-02-28, 2019-02-03 -> itself."""
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return date(year, 12, 31)
    month = parts[1]
    if len(parts) == 2:
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} has no month {month}")
        return date(year, month, calendar.monthrange(year, month)[1])
    try:
        return date(year, month, parts[2])
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a calendar date ({exc})") from None


def vintage_age_years(text: str, today: date) -> float | None:
    """Years from the vintage's last day to `today` (None when the vintage is unknown)."""
    if not text:
        return None
    return max(0.0, (today - vintage_end(text)).days / 365.25)


def is_stale(text: str, today: date, after_years: float) -> bool:
    """Older than `after_years`; an unknown vintage counts as stale (nobody can say it is recent)."""
    age = vintage_age_years(text, today)
    return age is None or age > after_years


def vintage_key(text: str) -> int:
    """An integer that orders vintages in time (YYYYMMDD, missing parts 0); unknown is UNKNOWN_KEY."""
    if not text:
        return UNKNOWN_KEY
    parts = [int(p) for p in text.split("-")] + [0, 0]
    return parts[0] * 10_000 + parts[1] * 100 + parts[2]


def vintage_from_key(key: int) -> str:
    if key in (UNKNOWN_KEY, ABSENT_KEY):
        return UNKNOWN
    year, rest = divmod(int(key), 10_000)
    month, day = divmod(rest, 100)
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def oldest(vintages: list[str]) -> str:
    """The oldest of several vintages; unknown if any is unknown or there are none."""
    return vintage_from_key(min((vintage_key(v) for v in vintages), default=UNKNOWN_KEY))


def keys_to_vintages(keys: np.ndarray) -> np.ndarray:
    """Vectorised vintage_from_key for an array of keys (object array of text)."""
    unique, inverse = np.unique(np.asarray(keys, dtype=np.int64), return_inverse=True)
    return np.array([vintage_from_key(k) for k in unique.tolist()], dtype=object)[inverse]
