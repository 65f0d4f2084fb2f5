"""State energy prices from several EIA sources: the newest per state, escalated to one common year.

Plain Python, no Django. The rule (docs/layers.md, "Prices and their vintage"):
- each state takes the newest year any source has a price for; where two sources give the same state and
  year, the source listed first wins (the newer publication);
- the common year is the newest year of any state;
- a price from an older year y is multiplied by an index computed from the data itself: the geometric mean,
  over the states that have a price in both y and the common year, of price(common year) / price(y). With no
  such state the price stays at its own year (factor None), and its year says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class StatePrice:
    value: float  # at the common year's level (escalated); the source value when it could not be escalated
    source_value: float
    source_year: int
    basis_year: int
    factor: float | None  # 1.0 for a price of the common year; None when no index could be computed
    kind: str  # the layer that supplied it


@dataclass(frozen=True)
class EscalationIndex:
    from_year: int
    to_year: int
    factor: float
    states: tuple[str, ...]  # the states it was computed from


@dataclass(frozen=True)
class PriceTable:
    by_state: dict[str, StatePrice]
    basis_year: int | None
    indexes: dict[int, EscalationIndex]  # from_year -> index to basis_year


def price_table(rows: Iterable[tuple[str, int, float, str]]) -> PriceTable:
    """Rows of (state, year, price, layer kind), sources in order of precedence, as one escalated table."""
    prices: dict[tuple[str, int], tuple[float, str]] = {}
    for state, year, price, kind in rows:
        if state and price is not None and math.isfinite(price) and price > 0:
            prices.setdefault((state, int(year)), (float(price), kind))
    if not prices:
        return PriceTable({}, None, {})
    basis = max(year for _, year in prices)
    newest: dict[str, int] = {}
    for state, year in prices:
        newest[state] = max(year, newest.get(state, year))
    indexes = {
        year: index
        for year in sorted(set(newest.values()) - {basis})
        if (index := escalation_index(prices, year, basis)) is not None
    }
    by_state = {}
    for state, year in newest.items():
        value, kind = prices[(state, year)]
        factor = 1.0 if year == basis else (indexes[year].factor if year in indexes else None)
        by_state[state] = StatePrice(
            value=value * factor if factor is not None else value,
            source_value=value,
            source_year=year,
            basis_year=basis if factor is not None else year,
            factor=factor,
            kind=kind,
        )
    return PriceTable(by_state, basis, indexes)


def escalation_index(
    prices: dict[tuple[str, int], tuple[float, str]], from_year: int, to_year: int
) -> EscalationIndex | None:
    """Geometric mean of price(to_year) / price(from_year) over the states that have both; None if none do."""
    states = sorted(s for s, y in prices if y == from_year and (s, to_year) in prices)
    if not states:
        return None
    logs = [math.log(prices[(s, to_year)][0] / prices[(s, from_year)][0]) for s in states]
    return EscalationIndex(from_year, to_year, math.exp(sum(logs) / len(logs)), tuple(states))
