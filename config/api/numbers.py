"""Numbers from query strings, parsed only when short and plain: no exponent, bounded length, bounded value.

`Decimal("-1E+300000")` is cheap to build, but turning it into an int for an integer column writes out 300,000
digits (quadratic in the exponent, holding a worker for seconds: docs/reliability.md, hostile-user finding 1). A query
parameter here is refused (400, naming it) unless it matches a plain decimal pattern of at most MAX_CHARS
characters, before anything converts it.
"""

from __future__ import annotations

import re

MAX_CHARS = 24
MAX_ID = 2**63 - 1  # bigint
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,8})?")


class NumberRefused(ValueError):
    """`str(exc)` says what is expected, for the 400's message."""


def parse_number(raw: object, *, integer: bool, min_value: float, max_value: float) -> int | float:
    """`raw` as an int (or a float) within [min_value, max_value], or NumberRefused saying why."""
    text = str(raw).strip()
    kind = "a whole number" if integer else "a number"
    bounds = f"between {min_value:g} and {max_value:g}"
    if len(text) > MAX_CHARS or not (_INTEGER if integer else _DECIMAL).fullmatch(text):
        raise NumberRefused(f"Give {kind} {bounds}, written plainly (digits{'' if integer else ' and a point'}, "
                            "no exponent).")  # fmt: skip
    value = _convert(text, integer)
    if not min_value <= value <= max_value:
        raise NumberRefused(f"Give {kind} {bounds}.")
    return value


def _convert(text: str, integer: bool) -> int | float:
    # The only conversion of a query parameter to a number; it sees at most MAX_CHARS plain characters.
    return int(text) if integer else float(text)
