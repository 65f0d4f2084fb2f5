"""The nine-input alignment rule and the line received/installed rule (orchestration.domain.alignment)."""

import numpy as np
import pytest

from orchestration.domain.alignment import (
    MANDATORY,
    InputStatus,
    input_status,
    lines_installed,
    lines_late,
    lines_received,
)
from orchestration.domain.categories import Category
from orchestration.domain.dates import UNSCHEDULED

NONE = np.zeros(0, bool)


def test_received_needs_the_whole_quantity_and_installed_needs_every_received_delivery_in():
    received = lines_received(np.array([1000, 999, 2000]), np.array([1000, 1000, 1000]))
    assert received.tolist() == [True, False, True]
    installed = lines_installed(
        received, awaiting_install=np.array([0, 0, 1]), installed_evidence=np.array([5, 5, 5])
    )
    assert installed.tolist() == [True, False, False]
    assert lines_installed(np.array([True]), np.array([0]), np.array([0])).tolist() == [False]  # none installed yet


def test_late_is_undatable_after_required_on_site_or_ready_after_the_latest_ready_day():
    arrival = np.array([UNSCHEDULED, 110, 100, 100])
    ready = np.array([UNSCHEDULED, 120, 130, 110])
    required_on_site = np.array([0, 105, 0, 0])
    assert lines_late(arrival, ready, required_on_site, latest_ready=120).tolist() == [True, True, True, False]


@pytest.mark.parametrize(
    ("received", "installed", "late", "expected"),
    [
        ([True, True], [True, True], [False, False], InputStatus.INSTALLED),
        ([True, True], [True, False], [True, True], InputStatus.RECEIVED),
        ([True, False], [False, False], [True, False], InputStatus.ON_TRACK),  # only a received line is late
        ([True, False], [False, False], [False, True], InputStatus.LATE),
        ([False], [False], [False], InputStatus.ON_TRACK),
    ],
)
def test_an_input_status_from_its_lines(received, installed, late, expected):
    assert input_status(Category.CHIPS, received=received, installed=installed, late=late) == expected


def test_an_input_without_lines_is_missing_unless_optional():
    assert input_status(Category.LAND, received=NONE, installed=NONE, late=NONE) == InputStatus.MISSING
    assert input_status(Category.ONSITE_GENERATION, received=NONE, installed=NONE, late=NONE) == "not_required"
    assert len(MANDATORY) == 8 and Category.ONSITE_GENERATION not in MANDATORY
