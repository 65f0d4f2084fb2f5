"""Portfolio: MW live by quarter across programs, and supplier capacity two programs compete for.

**MW by quarter.** Each program's forecast gives cumulative planned and forecast MW at each quarter's end
(forecast.py); the portfolio adds them quarter by quarter over the union of the quarters. Before a program's
first quarter it counts 0 MW, after its last one its final cumulative figure (cumulative figures only grow).

**Contention.** A supplier's capacity for us is what its contracts commit per month
(`committed_volume_per_month`, in the units of the contracts' lines), summed over its contracts that state
it. Demand is the open quantity (ordered, not yet received) of its deliveries, in the month of the date the
supplier is committed to (carrier ETA, else confirmed, else promised). A (supplier, month) is **contended**
when two or more programs have demand in it and the total exceeds the capacity: the programs compete for
the same factory output, and something ships later than promised. Suppliers whose contracts state no
volume are not judged (their capacity is unknown) and are counted as such.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from .forecast import QuarterMW

Key = Hashable


@dataclass(frozen=True)
class PortfolioQuarter:
    quarter: str
    quarter_end: date
    planned_mw_cumulative: float
    forecast_mw_cumulative: float
    forecast_mw_by_program: dict  # program key -> cumulative forecast MW


def portfolio_quarters(programs: dict[Key, tuple[QuarterMW, ...]]) -> tuple[PortfolioQuarter, ...]:
    ends = sorted({(q.quarter_end, q.quarter) for rows in programs.values() for q in rows})
    out = []
    for end, label in ends:
        planned = forecast = 0.0
        by_program = {}
        for key, rows in programs.items():
            upto = [q for q in rows if q.quarter_end <= end]  # rows are cumulative: the latest one counts
            last = upto[-1] if upto else None
            planned += last.planned_mw_cumulative if last else 0.0
            by_program[key] = last.forecast_mw_cumulative if last else 0.0
            forecast += by_program[key]
        out.append(PortfolioQuarter(label, end, planned, forecast, by_program))
    return tuple(out)


@dataclass(frozen=True)
class Demand:
    supplier: Key
    program: Key
    month: date  # first day of the month
    quantity: float


@dataclass(frozen=True)
class Contention:
    supplier: Key
    month: date
    capacity: float
    demand_by_program: dict  # program key -> quantity
    demand: float

    @property
    def excess(self) -> float:
        return self.demand - self.capacity


def month_of(day: date) -> date:
    return day.replace(day=1)


def contention(demand: Iterable[Demand], capacity: dict[Key, float]) -> tuple[Contention, ...]:
    """Contended (supplier, month) pairs, most excess first. `capacity`: suppliers with a stated volume."""
    cells: dict[tuple[Key, date], dict[Key, float]] = {}
    for d in demand:
        if d.quantity <= 0 or d.supplier not in capacity:
            continue
        cell = cells.setdefault((d.supplier, month_of(d.month)), {})
        cell[d.program] = cell.get(d.program, 0.0) + d.quantity
    out = []
    for (supplier, month), by_program in cells.items():
        total = sum(by_program.values())
        if len(by_program) >= 2 and total > capacity[supplier]:
            out.append(Contention(supplier, month, capacity[supplier], by_program, total))
    return tuple(sorted(out, key=lambda c: (-c.excess, c.month, str(c.supplier))))
