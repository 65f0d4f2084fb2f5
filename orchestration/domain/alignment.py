"""Where each of a block's nine inputs stands, and when a contract line counts as received and installed.

One place for both rules: the gates (services.blocks.block_facts), the forecast's program load, the block
alignment API and the program page all call these. Plain numpy over a block's lines of one category; the
callers gather the arrays (one program load for every block, or one block).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from .categories import Category
from .dates import UNSCHEDULED

# Every input but on-site generation must have lines for a block; a block may be built without a bridge plant.
MANDATORY: frozenset[Category] = frozenset(c for c in Category if c != Category.ONSITE_GENERATION)


class InputStatus(StrEnum):
    INSTALLED = "installed"
    RECEIVED = "received"
    ON_TRACK = "on_track"
    LATE = "late"
    MISSING = "missing"
    NOT_REQUIRED = "not_required"


def lines_received(received_qty: np.ndarray, required_qty: np.ndarray) -> np.ndarray:
    """A line is received when its deliveries' received quantities add up to its quantity (same units)."""
    return np.asarray(received_qty) >= np.asarray(required_qty)


def lines_installed(received: np.ndarray, awaiting_install: np.ndarray, installed_evidence: np.ndarray) -> np.ndarray:
    """Installed: received, at least one delivery installed, and no received delivery awaiting installation.
    `installed_evidence` > 0 says one is in: the last install date's ordinal, or a count of installed deliveries."""
    return np.asarray(received) & (np.asarray(awaiting_install) == 0) & (np.asarray(installed_evidence) > 0)


def lines_late(
    arrival_ordinal: np.ndarray, ready_ordinal: np.ndarray, required_on_site_ordinal: np.ndarray, latest_ready: int
) -> np.ndarray:
    """Late: the line cannot be dated, is forecast to arrive after its required-on-site date (0 = none), or is
    forecast ready (arrival + install) after the block's planned go-live minus commissioning (`latest_ready`)."""
    arrival, ros = np.asarray(arrival_ordinal), np.asarray(required_on_site_ordinal)
    return (arrival >= UNSCHEDULED) | ((ros > 0) & (arrival > ros)) | (np.asarray(ready_ordinal) > latest_ready)


def input_status(category: Category, *, received: np.ndarray, installed: np.ndarray, late: np.ndarray) -> InputStatus:
    """One input of one block from its lines' flags: installed, received, late, on track, or missing/not required
    when the block has no line of it."""
    received, installed, late = np.asarray(received, bool), np.asarray(installed, bool), np.asarray(late, bool)
    if received.size == 0:
        return InputStatus.MISSING if category in MANDATORY else InputStatus.NOT_REQUIRED
    if installed.all():
        return InputStatus.INSTALLED
    if received.all():
        return InputStatus.RECEIVED
    if (late & ~received).any():
        return InputStatus.LATE
    return InputStatus.ON_TRACK
