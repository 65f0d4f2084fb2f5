"""Block workflow: transition table (every pair), gates and their reasons. Pure, no DB."""

from __future__ import annotations

import itertools

import pytest

from orchestration.domain.categories import CATEGORY_ORDER, Category
from orchestration.domain.errors import GateNotMet, TransitionNotAllowed, UnknownState
from orchestration.domain.gates import GATED_CATEGORIES, BlockFacts, LineStatus, gate_reasons, highest_reachable_state
from orchestration.domain.states import BlockState as S
from orchestration.domain.workflow import TRANSITIONS, available_transitions, check_transition

REQUIRED = tuple(c for c in CATEGORY_ORDER if c != Category.ONSITE_GENERATION)


def facts(
    *,
    missing_received: tuple[Category, ...] = (),
    missing_installed: tuple[Category, ...] = (),
    power: bool = True,
    cooling: bool = True,
    commissioning: bool = True,
    required: tuple[Category, ...] = REQUIRED,
    grid_energised: bool = False,
) -> BlockFacts:
    """Everything done except what is listed as missing."""
    received = [c for c in required if c not in missing_received]
    installed = [c for c in received if c not in missing_installed]
    return BlockFacts.from_categories(
        required,
        received,
        installed,
        power_available=power,
        cooling_ready=cooling,
        commissioning_passed=commissioning,
        grid_energised=grid_energised,
    )


ALL_DONE = facts()

# The policy, written out independently of workflow.TRANSITIONS: forward one step; backward to any
# earlier state except planned.
ORDER = [S.PLANNED, S.SITE_READY, S.POWERED, S.COOLED, S.HARDWARE_INSTALLED, S.COMMISSIONED, S.LIVE]
LEGAL = {
    (S.PLANNED, S.SITE_READY),
    (S.SITE_READY, S.POWERED),
    (S.POWERED, S.COOLED),
    (S.COOLED, S.HARDWARE_INSTALLED),
    (S.HARDWARE_INSTALLED, S.COMMISSIONED),
    (S.COMMISSIONED, S.LIVE),
    (S.POWERED, S.SITE_READY),
    (S.COOLED, S.POWERED),
    (S.COOLED, S.SITE_READY),
    (S.HARDWARE_INSTALLED, S.COOLED),
    (S.HARDWARE_INSTALLED, S.POWERED),
    (S.HARDWARE_INSTALLED, S.SITE_READY),
    (S.COMMISSIONED, S.HARDWARE_INSTALLED),
    (S.COMMISSIONED, S.COOLED),
    (S.COMMISSIONED, S.POWERED),
    (S.COMMISSIONED, S.SITE_READY),
    (S.LIVE, S.COMMISSIONED),
    (S.LIVE, S.HARDWARE_INSTALLED),
    (S.LIVE, S.COOLED),
    (S.LIVE, S.POWERED),
    (S.LIVE, S.SITE_READY),
}


def test_table_matches_the_written_policy() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == LEGAL
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize(("old", "new"), list(itertools.product(ORDER, ORDER)))
def test_every_pair(old: S, new: S) -> None:
    if (old, new) in LEGAL:
        check_transition(old, new, ALL_DONE)  # all facts satisfied: must not raise
        return
    with pytest.raises(TransitionNotAllowed) as info:
        check_transition(old, new, ALL_DONE)
    # Refused by the table, not by a gate (facts are all satisfied).
    assert not isinstance(info.value, GateNotMet)
    assert info.value.from_state == old and info.value.to_state == new
    assert info.value.reasons and info.value.http_status == 409


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (S.PLANNED, S.POWERED, "cannot_skip_states"),
        (S.PLANNED, S.LIVE, "cannot_skip_states"),
        (S.SITE_READY, S.COOLED, "cannot_skip_states"),
        (S.HARDWARE_INSTALLED, S.LIVE, "cannot_skip_states"),
        (S.SITE_READY, S.PLANNED, "cannot_return_to_planned"),
        (S.LIVE, S.PLANNED, "cannot_return_to_planned"),
        (S.COOLED, S.COOLED, "no_op"),
        (S.PLANNED, S.PLANNED, "no_op"),
    ],
)
def test_table_refusals_carry_a_code(old: S, new: S, code: str) -> None:
    with pytest.raises(TransitionNotAllowed) as info:
        check_transition(old, new, ALL_DONE)
    assert [r.code for r in info.value.reasons] == [code]


def test_skip_names_the_skipped_states() -> None:
    with pytest.raises(TransitionNotAllowed) as info:
        check_transition(S.SITE_READY, S.HARDWARE_INSTALLED, ALL_DONE)
    assert "powered" in info.value.reasons[0].message and "cooled" in info.value.reasons[0].message


@pytest.mark.parametrize(
    ("old", "new", "missing"),
    [
        (S.PLANNED, S.SITE_READY, Category.LAND),
        (S.PLANNED, S.SITE_READY, Category.BUILDINGS),
        (S.SITE_READY, S.POWERED, Category.POWER_EQUIPMENT),
        (S.SITE_READY, S.POWERED, Category.POWER_DISTRIBUTION),
        (S.POWERED, S.COOLED, Category.COOLING),
        (S.COOLED, S.HARDWARE_INSTALLED, Category.CHIPS),
        (S.COOLED, S.HARDWARE_INSTALLED, Category.MEMORY),
        (S.COOLED, S.HARDWARE_INSTALLED, Category.NETWORKING),
    ],
)
def test_gate_failure_names_the_category_not_received(old: S, new: S, missing: Category) -> None:
    with pytest.raises(GateNotMet) as info:
        check_transition(old, new, facts(missing_received=(missing,)))
    reasons = info.value.reasons
    assert [(r.code, r.category) for r in reasons] == [("not_received", missing)]
    assert reasons[0].line_refs == (str(missing),)
    body = info.value.to_dict()
    assert body["code"] == "gate_not_met" and body["reasons"][0]["category"] == str(missing)


@pytest.mark.parametrize("missing", [Category.POWER_EQUIPMENT, Category.CHIPS, Category.COOLING])
def test_received_but_not_installed_is_its_own_reason(missing: Category) -> None:
    reasons = gate_reasons(S.LIVE, facts(missing_installed=(missing,)))
    assert [(r.code, r.category) for r in reasons] == [("not_installed", missing)]


@pytest.mark.parametrize(
    ("old", "new", "kwargs", "code"),
    [
        (S.SITE_READY, S.POWERED, {"power": False}, "power_not_available"),
        (S.POWERED, S.COOLED, {"cooling": False}, "cooling_not_ready"),
        (S.HARDWARE_INSTALLED, S.COMMISSIONED, {"commissioning": False}, "commissioning_not_passed"),
    ],
)
def test_non_line_gates(old: S, new: S, kwargs: dict[str, bool], code: str) -> None:
    with pytest.raises(GateNotMet) as info:
        check_transition(old, new, facts(**kwargs))
    assert [r.code for r in info.value.reasons] == [code]


@pytest.mark.parametrize("category", REQUIRED)
@pytest.mark.parametrize("how", ["not_received", "not_installed"])
def test_go_live_requires_every_line_received_and_installed(category: Category, how: str) -> None:
    missing = {"missing_received": (category,)} if how == "not_received" else {"missing_installed": (category,)}
    with pytest.raises(GateNotMet) as info:
        check_transition(S.COMMISSIONED, S.LIVE, facts(**missing))
    assert [(r.code, r.category) for r in info.value.reasons] == [(how, category)]


def test_go_live_requires_power() -> None:
    with pytest.raises(GateNotMet) as info:
        check_transition(S.COMMISSIONED, S.LIVE, facts(power=False))
    assert [r.code for r in info.value.reasons] == ["power_not_available"]


def test_line_level_reasons_list_only_the_open_lines() -> None:
    lines = tuple(LineStatus(f"L{c}", c, True, True) for c in REQUIRED) + (
        LineStatus("gpu-2", Category.CHIPS, False, False),
        LineStatus("gpu-3", Category.CHIPS, True, False),
    )
    reasons = gate_reasons(S.LIVE, BlockFacts(lines, True, True, True))
    assert [(r.code, r.line_refs) for r in reasons] == [("not_received", ("gpu-2",)), ("not_installed", ("gpu-3",))]


def test_mandatory_category_without_lines_fails() -> None:
    no_power_lines = tuple(c for c in REQUIRED if c != Category.POWER_EQUIPMENT)
    reasons = gate_reasons(S.POWERED, facts(required=no_power_lines))
    assert [(r.code, r.category) for r in reasons] == [("no_lines", Category.POWER_EQUIPMENT)]


def test_onsite_generation_is_optional_and_one_of_two_power_paths() -> None:
    assert gate_reasons(S.LIVE, ALL_DONE) == ()  # no on-site generation lines: fine
    with_gen = (*REQUIRED, Category.ONSITE_GENERATION)
    gen = Category.ONSITE_GENERATION
    reasons = gate_reasons(S.POWERED, facts(required=with_gen, missing_received=(gen,)))
    assert [(r.code, r.category) for r in reasons] == [("no_power_path", gen), ("not_received", gen)]
    reasons = gate_reasons(S.POWERED, facts(required=with_gen, missing_installed=(gen,)))
    assert [r.code for r in reasons] == ["no_power_path", "not_installed"]
    # Path 1: generation installed, grid not energised. Path 2: the grid came first, generation still on its way.
    assert gate_reasons(S.LIVE, facts(required=with_gen)) == ()
    grid_first = facts(required=with_gen, missing_received=(gen,), grid_energised=True)
    assert gate_reasons(S.LIVE, grid_first) == ()
    # The grid's energisation does not stand in for the block's own power gear or for power reaching it.
    no_gear = facts(required=with_gen, missing_received=(gen, Category.POWER_EQUIPMENT), grid_energised=True)
    assert [r.code for r in gate_reasons(S.POWERED, no_gear)] == ["not_received"]
    assert [r.code for r in gate_reasons(S.POWERED, facts(power=False, grid_energised=True))] == ["power_not_available"]


def test_every_category_is_gated() -> None:
    assert frozenset(Category) == GATED_CATEGORIES


def test_regression_must_land_on_a_state_the_facts_support() -> None:
    power_lost = facts(power=False)
    with pytest.raises(GateNotMet) as info:
        check_transition(S.LIVE, S.COMMISSIONED, power_lost)
    assert [r.code for r in info.value.reasons] == ["power_not_available"]
    check_transition(S.LIVE, S.SITE_READY, power_lost)
    assert highest_reachable_state(power_lost) == S.SITE_READY


def test_strings_are_accepted_and_unknown_states_rejected() -> None:
    check_transition("planned", "site_ready", ALL_DONE)
    with pytest.raises(UnknownState):
        check_transition("planned", "ready", ALL_DONE)


def test_available_transitions_shows_blockers() -> None:
    options = available_transitions(S.SITE_READY, facts(missing_received=(Category.POWER_DISTRIBUTION,)))
    assert list(options) == [S.POWERED]
    assert [r.category for r in options[S.POWERED]] == [Category.POWER_DISTRIBUTION]


def test_error_list_is_api_ready() -> None:
    with pytest.raises(GateNotMet) as info:
        check_transition(S.POWERED, S.COOLED, facts(missing_received=(Category.COOLING,), cooling=False))
    rows = info.value.as_error_list()
    assert [row["code"] for row in rows] == ["not_received", "cooling_not_ready"]
    assert all(row["field"] is None for row in rows)
