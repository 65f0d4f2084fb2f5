"""The site model's band per program block (pure rule): mapping by cumulative MW, month dates, the P10 flag."""

from datetime import date

import pytest

from orchestration.domain.errors import InvalidInput
from orchestration.domain.model_band import (
    ModelBlock,
    date_after_months,
    model_block_positions,
    plan_before_p10,
    plan_flag_text,
    program_bands,
)


@pytest.mark.parametrize(
    ("program_mw", "model_mw", "expected"),
    [
        ([50.0] * 4, [50.0] * 4, [0, 1, 2, 3]),  # same blocks: one to one
        ([100.0] * 3, [50.0] * 6, [1, 3, 5]),  # 100 MW blocks: all of it live with every second model block
        ([30.0] * 4 + [10.0], [50.0, 50.0, 30.0], [0, 1, 1, 2, 2]),  # 30 MW blocks straddle model blocks
        ([50.0, 50.0, 30.0], [50.0, 50.0, 30.0], [0, 1, 2]),  # a short last block on both sides
        ([1 / 3] * 3, [1.0], [0, 0, 0]),  # float sums a hair under the model's total still reach it
        ([200.0], [50.0] * 4, [3]),  # one program block the size of the campus: the last model block
    ],
)
def test_a_program_block_takes_the_first_model_block_that_reaches_its_cumulative_mw(program_mw, model_mw, expected):
    assert model_block_positions(program_mw, model_mw) == expected


@pytest.mark.parametrize(
    ("program_mw", "model_mw"),
    [([50.0] * 3, [50.0, 50.0]), ([0.0], [50.0]), ([50.0], []), ([50.0], [-50.0, 100.0])],
)
def test_a_program_the_model_does_not_cover_is_refused(program_mw, model_mw):
    with pytest.raises(InvalidInput):
        model_block_positions(program_mw, model_mw)


def test_months_are_average_months_to_the_nearest_day():
    decision = date(2026, 1, 15)
    assert date_after_months(decision, 0.0) == decision
    assert date_after_months(decision, 12.0) == date(2027, 1, 15)  # 365.25 days rounds to 365
    assert date_after_months(decision, 48.0) == date(2030, 1, 15)  # 1461 days, a leap day included
    assert date_after_months(decision, 1.0) == date(2026, 2, 14)  # 30.44 days round to 30
    with pytest.raises(InvalidInput, match="outside the calendar"):
        date_after_months(date(9999, 1, 1), 24.0)


def test_program_bands_date_each_block_from_the_decision():
    model = [ModelBlock(50.0, 12.0, 24.0, 36.0), ModelBlock(50.0, 13.0, 25.0, 48.0)]
    bands = program_bands([100.0], model, date(2026, 1, 15))
    assert [(b.model_block, b.p10, b.p50, b.p90) for b in bands] == [
        (2, date(2027, 2, 15), date(2028, 2, 15), date(2030, 1, 15))
    ]


def test_a_plan_is_flagged_only_when_earlier_than_p10():
    p10 = date(2029, 7, 1)
    assert plan_before_p10(date(2029, 6, 30), p10)
    assert not plan_before_p10(p10, p10)  # on P10 is inside the band
    assert not plan_before_p10(date(2031, 1, 1), p10)
    assert not plan_before_p10(date(2000, 1, 1), None)  # no band, no flag
    assert plan_flag_text(date(2028, 2, 29), p10) == "plan 2028-02-29 is before the site model's P10 2029-07-01"
    assert plan_flag_text(p10, p10) is None
