"""Portfolio: quarters added across programs; contention when programs compete for a supplier's volume."""

from __future__ import annotations

from datetime import date

from orchestration.domain.forecast import QuarterMW
from orchestration.domain.portfolio import Demand, contention, portfolio_quarters

Q1, Q2, Q3 = date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30)


def test_quarters_add_up_and_a_program_keeps_its_last_figure_after_its_last_quarter():
    a = (QuarterMW("2027Q1", Q1, 50, 0), QuarterMW("2027Q2", Q2, 100, 50))
    b = (QuarterMW("2027Q2", Q2, 50, 50), QuarterMW("2027Q3", Q3, 100, 100))
    rows = portfolio_quarters({"a": a, "b": b})
    assert [(r.quarter, r.planned_mw_cumulative, r.forecast_mw_cumulative) for r in rows] == [
        ("2027Q1", 50, 0),  # b has not started: 0
        ("2027Q2", 150, 100),
        ("2027Q3", 200, 150),  # a ended at 100 planned, 50 forecast: it keeps them
    ]
    assert rows[-1].forecast_mw_by_program == {"a": 50, "b": 100}


def test_two_programs_over_a_suppliers_monthly_volume_contend_and_one_alone_does_not():
    may = date(2027, 5, 1)
    demand = [
        Demand("gridline", "a", date(2027, 5, 3), 6),
        Demand("gridline", "b", date(2027, 5, 28), 5),
        Demand("gridline", "a", date(2027, 6, 2), 30),  # June: one program only, over capacity: no contention
        Demand("helios", "a", may, 5),
        Demand("helios", "b", may, 4),  # 9 <= 10: within capacity
        Demand("nameless", "a", may, 500),
        Demand("nameless", "b", may, 500),  # no stated volume: not judged
    ]
    (cell,) = contention(demand, {"gridline": 8.0, "helios": 10.0})
    assert (cell.supplier, cell.month, cell.demand, cell.excess) == ("gridline", may, 11, 3)
    assert cell.demand_by_program == {"a": 6, "b": 5}
