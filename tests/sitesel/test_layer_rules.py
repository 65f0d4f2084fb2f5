"""The plain rules behind layers, without a database: vintages and their age, price escalation, GEM's
free-text pipeline fields."""

import math
from datetime import date

import numpy as np
import pytest

from sitesel.layer_kinds import gas_status, largest_diameter_in
from sitesel.spatial.prices import price_table
from sitesel.vintage import (
    is_stale,
    keys_to_vintages,
    oldest,
    parse_vintage,
    vintage_age_years,
    vintage_end,
    vintage_key,
)

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("text", "end"),
    [("2019", date(2019, 12, 31)), ("2024-02", date(2024, 2, 29)), ("2026-07-26", date(2026, 7, 26))],
)
def test_a_vintage_covers_up_to_the_last_day_it_names(text, end):
    assert parse_vintage(f" {text} ", today=TODAY) == text
    assert vintage_end(text) == end


@pytest.mark.parametrize(
    ("text", "words"),
    [("2019-13", "no month 13"), ("2019-02-29", "not a calendar date"), ("2019/05", "YYYY, YYYY-MM"),
     ("1700", "before 1800"), ("2027", "in the future"), ("2026-12-07", "in the future")],
)  # fmt: skip
def test_a_malformed_or_future_vintage_says_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_vintage(text, today=TODAY)


def test_blank_is_unknown_and_counts_as_stale():
    assert parse_vintage(None) == parse_vintage("  ") == ""
    assert vintage_age_years("", TODAY) is None
    assert is_stale("", TODAY, after_years=100)


def test_age_and_staleness_count_from_the_end_of_the_vintage():
    assert vintage_age_years("2019", TODAY) == pytest.approx((TODAY - date(2019, 12, 31)).days / 365.25)
    assert is_stale("2019", TODAY, after_years=5) and not is_stale("2019", TODAY, after_years=7)
    assert not is_stale("2026-07-26", TODAY, after_years=0.5)


def test_oldest_orders_partial_dates_in_time_and_unknown_wins():
    assert oldest(["2019", "2016-05", "2016", "2024-01-02"]) == "2016"
    assert oldest(["2019", ""]) == ""
    keys = np.array([vintage_key(v) for v in ("2016-05-01", "2011", "2024-02")])
    assert list(keys_to_vintages(keys)) == ["2016-05-01", "2011", "2024-02"]


def test_prices_take_the_newest_year_and_escalate_older_ones_by_the_states_with_both_years():
    rows = [
        ("AL", 2024, 7.23, "recent"), ("AL", 2019, 5.95, "recent"),
        ("GA", 2024, 7.20, "recent"), ("GA", 2019, 6.17, "recent"),
        ("GA", 2019, 9.99, "older"),  # the same state and year in a later source: the first source wins
        ("CA", 2019, 14.0, "older"), ("CA", 2018, 13.0, "older"),
        ("NV", 2017, 7.0, "older"),  # no state has 2017 and 2024: cannot be escalated
    ]  # fmt: skip
    table = price_table(rows)
    factor = math.exp((math.log(7.23 / 5.95) + math.log(7.20 / 6.17)) / 2)
    assert table.basis_year == 2024
    assert table.indexes[2019].factor == pytest.approx(factor) and table.indexes[2019].states == ("AL", "GA")
    assert 2017 not in table.indexes
    ca, ga, nv = table.by_state["CA"], table.by_state["GA"], table.by_state["NV"]
    assert (ca.source_year, ca.source_value, ca.value, ca.kind) == (2019, 14.0, pytest.approx(14.0 * factor), "older")
    assert (ga.value, ga.factor, ga.kind) == (7.20, 1.0, "recent")
    assert (nv.value, nv.factor, nv.basis_year) == (7.0, None, 2017)


def test_no_prices_make_an_empty_table():
    table = price_table([("AL", 2024, float("nan"), "x"), ("", 2024, 5.0, "x")])
    assert (table.by_state, table.basis_year, table.indexes) == ({}, None, {})


@pytest.mark.parametrize(
    ("raw", "status"),
    [("Operating", "operating"), ("operating", "operating"), ("In-Service", "operating"),
     ("Construction", "construction"), ("Cancelled", "cancelled"), ("New Pipeline", "unknown"), (None, "unknown"),
     ("", "unknown")],
)  # fmt: skip
def test_gas_status_is_normalised_or_unknown(raw, status):
    assert gas_status(raw) == status


@pytest.mark.parametrize(
    ("raw", "inches"),
    [('36"-42"', 42.0), ("8, 12, 16, 24", 24.0), ("42 in", 42.0), ("12.75\"", 12.75), ("762", None),
     ("1061760513", None), (None, None)],
)  # fmt: skip
def test_largest_plausible_diameter_or_unknown(raw, inches):
    value = largest_diameter_in(raw)
    assert math.isnan(value) if inches is None else value == inches, (raw, value)
