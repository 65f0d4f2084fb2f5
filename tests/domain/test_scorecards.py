"""Supplier scorecards and the shrunk slip distribution: every expected figure is worked out by hand here."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from orchestration.domain.categories import CATEGORY_CODE, Category
from orchestration.domain.errors import InvalidInput
from orchestration.domain.scorecards import SLIP_LEVELS, PriorSource, ScorecardPolicy, Trend, scorecards, slip_model

BASE = date(2026, 1, 1).toordinal()
COOLING, CHIPS = CATEGORY_CODE[Category.COOLING], CATEGORY_CODE[Category.CHIPS]


def history(slips: list[int], *, supplier: int = 1, category: int = COOLING):
    """Closed deliveries one week apart, in arrival order, each with the given slip."""
    n = len(slips)
    committed = BASE + 7 * np.arange(n)
    return np.full(n, supplier), np.full(n, category), committed, committed + np.array(slips)


def test_on_time_rate_medians_and_flag_from_a_hand_counted_record():
    # 10 deliveries: 6 on time (slip <= 0), 4 late by 5, 10, 20, 40.
    sup, cat, committed, actual = history([0, -2, 0, 5, 0, 10, 0, 20, -1, 40])
    (card, by_cat) = scorecards(sup, cat, committed, actual)
    assert card.category is None and by_cat.category == Category.COOLING
    assert card.n_deliveries == 10 and card.on_time_rate == pytest.approx(0.6)
    assert card.slip_p50_days == 0.0  # sorted: -2 -1 0 0 0 0 5 10 20 40
    assert card.late_slip_p50_days == 15.0  # median of 5, 10, 20, 40
    assert card.below_threshold  # 0.6 < 0.8 with 10 >= 5 deliveries
    assert by_cat.n_deliveries == 10 and by_cat.on_time_rate == card.on_time_rate


def test_trend_compares_the_later_half_with_the_earlier_half():
    worsening = scorecards(*history([0, 0, 1, 10, 12, 15]))[0]
    assert worsening.trend == Trend.WORSENING and worsening.trend_days == 12.0 - 0.0
    improving = scorecards(*history([15, 12, 10, 1, 0, 0]))[0]
    assert improving.trend == Trend.IMPROVING and improving.trend_days == -12.0
    steady = scorecards(*history([3, 4, 5, 4, 5, 6]))[0]
    assert steady.trend == Trend.STEADY and steady.trend_days == 1.0
    assert scorecards(*history([1, 2, 3, 4, 5]))[0].trend == Trend.TOO_FEW


def test_short_history_is_never_flagged_and_an_unknown_supplier_gets_an_empty_card():
    short = scorecards(*history([30, 30, 30]))[0]
    assert short.on_time_rate == 0.0 and not short.below_threshold
    empty = scorecards(*history([]), suppliers=[7])[0]
    assert (empty.supplier, empty.n_deliveries, empty.on_time_rate, empty.below_threshold) == (7, 0, None, False)
    grace = scorecards(*history([2, 2, 2, 2, 2]), policy=ScorecardPolicy(grace_days=2))[0]
    assert grace.on_time_rate == 1.0 and grace.late_slip_p50_days is None


def test_one_card_per_category_the_supplier_delivered():
    a = history([0, 0, 9], category=COOLING)
    b = history([4, 4], category=CHIPS)
    cards = scorecards(*(np.concatenate(pair) for pair in zip(a, b, strict=True)))
    assert [(c.category, c.n_deliveries) for c in cards] == [(None, 5), (Category.CHIPS, 2), (Category.COOLING, 3)]


def test_bad_history_is_refused():
    with pytest.raises(InvalidInput):
        scorecards([1], [COOLING], [BASE], [BASE, BASE])
    with pytest.raises(InvalidInput):
        scorecards([1], [99], [BASE], [BASE])
    with pytest.raises(InvalidInput):
        ScorecardPolicy(on_time_threshold=1.5)


def test_a_supplier_without_history_draws_from_its_category():
    model = slip_model([np.array([]), np.array([10, 10, 10, 10])], ["cooling", "cooling"])
    assert model.prior[0] == PriorSource.CATEGORY and model.own_weight[0] == 0.0
    assert np.all(model.table[0] == 10)
    # The second has only itself in its category: the prior comes from nobody; its own history is all it has.
    assert model.prior[1] == PriorSource.NONE and model.own_weight[1] == 1.0 and np.all(model.table[1] == 10)


def test_own_history_is_weighted_n_over_n_plus_k_against_the_prior():
    own = np.zeros(5, dtype=int)  # always on time
    model = slip_model([own, np.full(4, 40)], ["chips", "chips"], prior_strength=5.0)
    assert model.own_weight[0] == pytest.approx(0.5)
    # Mixture 0.5 x {0} + 0.5 x {40}: the lower half of the levels is 0, the upper half 40.
    assert np.all(model.table[0, : SLIP_LEVELS // 2] == 0) and np.all(model.table[0, SLIP_LEVELS // 2 :] == 40)


def test_other_categories_are_the_fallback_and_no_evidence_means_on_time():
    model = slip_model([np.array([]), np.full(3, 12)], ["land", "chips"])
    assert model.prior[0] == PriorSource.ALL and np.all(model.table[0] == 12)
    nothing = slip_model([np.array([]), np.array([])], ["land", "chips"])
    assert nothing.prior == (PriorSource.NONE, PriorSource.NONE) and not nothing.table.any()


def test_early_arrivals_are_drawn_as_on_time():
    model = slip_model([np.array([-30, -30, 0, 0])], ["land"])
    assert model.table.min() == 0
