"""Block workflow: gather the facts from the database, let the domain decide, move the state safely."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from changelog.context import change_reason
from core.errors import ApplicationError, Conflict
from orchestration import selectors
from orchestration.domain.alignment import lines_installed, lines_received
from orchestration.domain.categories import Category
from orchestration.domain.dates import EARLIEST_PLAN, LATEST_GO_LIVE
from orchestration.domain.errors import UnknownState
from orchestration.domain.gates import BlockFacts, LineStatus
from orchestration.domain.workflow import check_transition, parse_state
from orchestration.models import BlockEvent, CapacityBlock, Source, State

FACT_FIELDS = ("power_available", "grid_energised", "cooling_ready", "commissioning_passed")


def block_facts(*, block: CapacityBlock) -> BlockFacts:
    """The facts the gates look at, read from the database now (received/installed: the domain's line rule)."""
    lines = []
    for row in selectors.block_gating_lines(block_id=block.pk):
        received = bool(lines_received(row["received_qty"], row["quantity"]))
        last_installed = row["last_installed"].toordinal() if row["last_installed"] else 0
        installed = bool(lines_installed(received, row["awaiting_install"], last_installed))
        ref = f"{row['contract__reference']}/{row['line_no']}"
        lines.append(LineStatus(ref, Category(row["category"]), received, installed))
    return BlockFacts(
        tuple(lines),
        power_available=block.power_available,
        cooling_ready=block.cooling_ready,
        commissioning_passed=block.commissioning_passed,
        grid_energised=block.grid_energised,
    )


def block_transition(
    *, block: CapacityBlock, to_state: str, actor, reason: str, source: str = Source.API
) -> CapacityBlock:
    """Move a block to `to_state` if the transition table and the gates allow it; record who, when and why.

    Refusals raise the domain's `TransitionNotAllowed` (409) with its reasons. Two callers racing on the same
    block: the state moves with `UPDATE ... WHERE state = <old>`, so exactly one wins and the other gets
    a 409 `concurrent_change`.
    """
    if not reason or not reason.strip():
        raise ApplicationError("a reason is required", field="reason", code="reason_required")
    try:
        target = parse_state(to_state)
    except UnknownState as exc:
        raise ApplicationError(exc.message, field="to_state", code="unknown_state") from None
    with transaction.atomic(), change_reason(reason):
        current = CapacityBlock.objects.get(pk=block.pk)
        old = current.state
        # A refusal is the domain's TransitionNotAllowed (409, its reasons become the API's `errors`).
        check_transition(old, target, block_facts(block=current))
        live_on = timezone.localdate() if target == State.LIVE else None
        moved = CapacityBlock.objects.filter(pk=current.pk, state=old).update(state=target.value, live_on=live_on)
        if moved != 1:
            raise Conflict(
                f"block {current.index} changed state while this transition was checked; reload and retry",
                field="to_state",
                code="concurrent_change",
            )
        BlockEvent.objects.create(
            block=current,
            kind=BlockEvent.Kind.TRANSITION,
            from_state=old,
            to_state=target.value,
            actor=actor,
            source=source,
            reason=reason.strip(),
        )
    current.state, current.live_on = target.value, live_on
    return current


def block_facts_update(*, block: CapacityBlock, actor, reason: str, source: str = Source.API, **facts) -> CapacityBlock:
    """Record site facts (power available, grid energised, cooling ready, commissioning passed) with an event row."""
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise ApplicationError(f"not a block fact: {', '.join(sorted(unknown))}", code="invalid")
    if not reason or not reason.strip():
        raise ApplicationError("a reason is required", field="reason", code="reason_required")
    with transaction.atomic(), change_reason(reason):
        locked = CapacityBlock.objects.select_for_update().get(pk=block.pk)
        changes = {
            name: [getattr(locked, name), value] for name, value in facts.items() if getattr(locked, name) != value
        }
        if not changes:
            return locked
        for name, (_, value) in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
        _record_change(locked, BlockEvent.Kind.FACTS, changes, actor=actor, source=source, reason=reason)
    return locked


def _record_change(block: CapacityBlock, kind: str, data: dict, *, actor, source: str, reason: str) -> None:
    """A block event that changes no state (facts or plan): what changed, who, why, from where."""
    BlockEvent.objects.create(
        block=block,
        kind=kind,
        from_state=block.state,
        to_state=block.state,
        actor=actor,
        source=source,
        reason=reason.strip(),
        data=data,
    )


def block_plan_check(*, block: CapacityBlock, planned_go_live: date) -> None:
    """Refuse a plan date out of bounds (400) or on a live block, whose plan is history (409)."""
    if not EARLIEST_PLAN <= planned_go_live < LATEST_GO_LIVE:
        raise ApplicationError(
            f"must be on or after {EARLIEST_PLAN} and before {LATEST_GO_LIVE}",
            field="planned_go_live",
            code="out_of_range",
        )
    if block.state == State.LIVE:
        raise Conflict(f"block {block.index} is live: its plan is history", field="planned_go_live", code="block_live")


def block_plan_update(
    *, block: CapacityBlock, planned_go_live: date, actor, reason: str, source: str = Source.API
) -> CapacityBlock:
    """Re-plan a block's go-live; the event records the old and new date and the site model flag before and
    after (the flag itself is re-read from the plan on every read: `CapacityBlock.before_model_p10`)."""
    if not reason or not reason.strip():
        raise ApplicationError("a reason is required", field="reason", code="reason_required")
    with transaction.atomic(), change_reason(reason):
        locked = CapacityBlock.objects.select_for_update().get(pk=block.pk)
        block_plan_check(block=locked, planned_go_live=planned_go_live)
        old, was_flagged = locked.planned_go_live, locked.before_model_p10
        if old == planned_go_live:
            return locked
        locked.planned_go_live = planned_go_live
        locked.save(update_fields=["planned_go_live"])
        changes = {
            "planned_go_live": [old.isoformat(), planned_go_live.isoformat()],
            "before_model_p10": [was_flagged, locked.before_model_p10],
        }
        _record_change(locked, BlockEvent.Kind.PLAN, changes, actor=actor, source=source, reason=reason)
    return locked
