"""Block lifecycle: a plain transition table plus a pure guard.

Why a dict and not a state-machine library (django-fsm / viewflow.fsm): the whole rule set fits on
one screen, is pure (no model, no DB), is trivially table-tested pair by pair, and avoids the
protected-field and signal pitfalls of model-bound FSMs. Concurrency (two users moving the same
block) is handled by the Django layer with a conditional UPDATE ... WHERE state = <old>, which a
library would not solve either.

Policy encoded below:
- Forward moves go exactly one step (no skipping): planned -> site_ready -> powered -> cooled ->
  hardware_installed -> commissioned -> live.
- Backward moves ("regressions") may go to any earlier state except `planned`. They record that a
  fact was lost (a transformer failed, a cooling loop leaks, a block is taken out of service). The
  target's cumulative gate must still hold, so the block lands on a state its facts support — e.g.
  a live block whose power is gone cannot drop only to `commissioned`, it must go to `site_ready`.
- Nothing returns to `planned`: once land and shell are handed over that does not "un-happen";
  cancelling or re-scoping a block is a separate action outside this workflow.
- Self-moves (old == new) are refused so a stale client learns the state is not what it thought.
"""

from __future__ import annotations

from .errors import GateNotMet, Reason, TransitionNotAllowed, UnknownState
from .gates import BlockFacts, gate_reasons
from .states import STATE_RANK, BlockState

_P, _S, _PW, _C, _H, _CM, _L = (
    BlockState.PLANNED,
    BlockState.SITE_READY,
    BlockState.POWERED,
    BlockState.COOLED,
    BlockState.HARDWARE_INSTALLED,
    BlockState.COMMISSIONED,
    BlockState.LIVE,
)

# {state: states it may move to}. Written out literally so a reviewer reads the policy, not code.
TRANSITIONS: dict[BlockState, frozenset[BlockState]] = {
    _P: frozenset({_S}),
    _S: frozenset({_PW}),
    _PW: frozenset({_C, _S}),
    _C: frozenset({_H, _PW, _S}),
    _H: frozenset({_CM, _C, _PW, _S}),
    _CM: frozenset({_L, _H, _C, _PW, _S}),
    _L: frozenset({_CM, _H, _C, _PW, _S}),
}


def parse_state(value: BlockState | str) -> BlockState:
    try:
        return BlockState(value)
    except ValueError:
        raise UnknownState(value) from None


def allowed_transitions(state: BlockState | str) -> frozenset[BlockState]:
    return TRANSITIONS[parse_state(state)]


def is_forward(old: BlockState | str, new: BlockState | str) -> bool:
    return STATE_RANK[parse_state(new)] > STATE_RANK[parse_state(old)]


def table_reasons(old: BlockState, new: BlockState) -> tuple[Reason, ...]:
    """Why the table refuses old -> new (empty if the table allows it)."""
    if new in TRANSITIONS[old]:
        return ()
    if old == new:
        return (Reason("no_op", f"block is already {old}"),)
    if new == BlockState.PLANNED:
        return (Reason("cannot_return_to_planned", "a block never returns to planned"),)
    if STATE_RANK[new] > STATE_RANK[old] + 1:
        skipped = [str(s) for s in BlockState if STATE_RANK[old] < STATE_RANK[s] < STATE_RANK[new]]
        return (Reason("cannot_skip_states", f"must pass through {', '.join(skipped)} first"),)
    return (Reason("transition_not_in_table", f"{old} -> {new} is not in the transition table"),)


def check_transition(old: BlockState | str, new: BlockState | str, facts: BlockFacts) -> None:
    """Raise if a block in `old` may not move to `new` given `facts`; return None if it may.

    Raises `TransitionNotAllowed` when the table forbids the move and `GateNotMet` (a subclass) when
    the table allows it but the facts do not satisfy the target's cumulative gate.
    """
    old_state, new_state = parse_state(old), parse_state(new)
    reasons = table_reasons(old_state, new_state)
    if reasons:
        raise TransitionNotAllowed(old_state, new_state, reasons)
    reasons = gate_reasons(new_state, facts)
    if reasons:
        raise GateNotMet(old_state, new_state, reasons)


def available_transitions(state: BlockState | str, facts: BlockFacts) -> dict[BlockState, tuple[Reason, ...]]:
    """For a UI: every table-allowed next state with the reasons it is blocked (empty = allowed now)."""
    targets = sorted(TRANSITIONS[parse_state(state)], key=STATE_RANK.__getitem__)
    return {target: gate_reasons(target, facts) for target in targets}
