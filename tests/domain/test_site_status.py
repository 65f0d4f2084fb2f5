import pytest

from sitesel.domain.site_status import ALLOWED_STATUS_MOVES, SiteStatus, StatusMoveNotAllowed, check_status_move

ALL_MOVES = [(a, b) for a in SiteStatus for b in SiteStatus if a != b]


@pytest.mark.parametrize(("source", "target"), ALL_MOVES, ids=lambda s: s.value)
def test_every_move_is_allowed_exactly_when_the_table_says_so(source, target):
    if target in ALLOWED_STATUS_MOVES[source]:
        check_status_move(source.value, target.value)
    else:
        with pytest.raises(StatusMoveNotAllowed, match=f"a {source.value} site cannot become {target.value}"):
            check_status_move(source.value, target.value)


def test_lifecycle_candidate_shortlisted_selected():
    check_status_move("candidate", "shortlisted")
    check_status_move("shortlisted", "selected")


def test_a_candidate_cannot_jump_to_selected_and_unknown_statuses_are_refused():
    with pytest.raises(StatusMoveNotAllowed, match="allowed: rejected, shortlisted"):
        check_status_move("candidate", "selected")
    with pytest.raises(StatusMoveNotAllowed):
        check_status_move("candidate", "built")
