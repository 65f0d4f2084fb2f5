"""Site status lifecycle: candidate → shortlisted → selected, or rejected (and reopened)."""

from __future__ import annotations

from enum import StrEnum


class SiteStatus(StrEnum):
    CANDIDATE = "candidate"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    REJECTED = "rejected"


ALLOWED_STATUS_MOVES: dict[SiteStatus, frozenset[SiteStatus]] = {
    SiteStatus.CANDIDATE: frozenset({SiteStatus.SHORTLISTED, SiteStatus.REJECTED}),
    SiteStatus.SHORTLISTED: frozenset({SiteStatus.SELECTED, SiteStatus.CANDIDATE, SiteStatus.REJECTED}),
    SiteStatus.SELECTED: frozenset({SiteStatus.SHORTLISTED, SiteStatus.REJECTED}),
    # A rejected site can be reopened as a candidate, never jump straight to selected.
    SiteStatus.REJECTED: frozenset({SiteStatus.CANDIDATE}),
}


class StatusMoveNotAllowed(Exception):
    def __init__(self, from_status: str, to_status: str) -> None:
        allowed = ", ".join(sorted(ALLOWED_STATUS_MOVES.get(SiteStatus(from_status), ()))) or "none"
        super().__init__(f"a {from_status} site cannot become {to_status} (allowed: {allowed})")
        self.from_status = from_status
        self.to_status = to_status


def check_status_move(from_status: str, to_status: str) -> None:
    """Raise StatusMoveNotAllowed unless the lifecycle allows from_status → to_status."""
    try:
        source, target = SiteStatus(from_status), SiteStatus(to_status)
    except ValueError:
        raise StatusMoveNotAllowed(from_status, to_status) from None
    if target not in ALLOWED_STATUS_MOVES[source]:
        raise StatusMoveNotAllowed(from_status, to_status)
