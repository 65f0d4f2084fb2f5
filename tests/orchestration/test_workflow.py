"""Block workflow against PostGIS: legal and illegal transitions, go-live gates, concurrent transitions."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import ApplicationError, Conflict
from orchestration.domain.errors import TransitionNotAllowed
from orchestration.models import BlockEvent, CapacityBlock, Category, ContractLine, State
from orchestration.services import blocks as block_services
from orchestration.services.blocks import block_facts_update, block_transition

from .conftest import complete, deliver, make_program

pytestmark = pytest.mark.django_db

SITE = (Category.LAND, Category.BUILDINGS)
POWER = (Category.POWER_EQUIPMENT, Category.POWER_DISTRIBUTION)
IT = (Category.CHIPS, Category.MEMORY, Category.NETWORKING)


def advance(block, *states, actor=None):
    for state in states:
        block = block_transition(block=block, to_state=state, actor=actor, reason=f"to {state}")
    return block


def test_it_moves_a_block_when_its_gate_holds_and_records_who_when_why(program, planner):
    block = program.blocks[0]
    complete(program, SITE, block)

    moved = block_transition(block=block, to_state="site_ready", actor=planner, reason="land closed, shell handed over")

    assert moved.state == CapacityBlock.objects.get(pk=block.pk).state == State.SITE_READY
    event = BlockEvent.objects.get(block=block)
    assert (event.from_state, event.to_state, event.actor, event.reason) == (
        "planned",
        "site_ready",
        planner,
        "land closed, shell handed over",
    )
    assert event.at is not None


def test_it_refuses_a_skip_with_the_reason_and_changes_nothing(program, planner):
    block = program.blocks[0]
    complete(program, SITE + POWER, block)

    with pytest.raises(TransitionNotAllowed) as refused:
        block_transition(block=block, to_state="powered", actor=planner, reason="skip")

    assert refused.value.http_status == 409
    assert [r.code for r in refused.value.reasons] == ["cannot_skip_states"]
    assert CapacityBlock.objects.get(pk=block.pk).state == State.PLANNED
    assert not BlockEvent.objects.exists()


def test_a_gate_names_the_input_and_the_lines_that_hold_the_block_back(program, planner):
    block = program.blocks[0]
    complete(program, (Category.BUILDINGS,), block)
    land = program.lines(Category.LAND, block)

    with pytest.raises(TransitionNotAllowed) as refused:
        block_transition(block=block, to_state="site_ready", actor=planner, reason="try")

    (reason,) = refused.value.reasons
    assert (reason.code, reason.category) == ("not_received", "land")
    assert list(reason.line_refs) == [line.ref for line in land]
    assert CapacityBlock.objects.get(pk=block.pk).state == State.PLANNED


def test_received_but_not_installed_is_not_enough(program, planner):
    block = program.blocks[0]
    complete(program, (Category.BUILDINGS,), block)
    for line in program.lines(Category.LAND, block):
        deliver(line, install=False)

    with pytest.raises(TransitionNotAllowed) as refused:
        block_transition(block=block, to_state="site_ready", actor=planner, reason="try")
    assert [r.code for r in refused.value.reasons] == ["not_installed"]


def test_a_block_goes_live_only_with_every_line_received_installed_and_power(program, planner):
    block = program.blocks[0]
    complete(program, SITE + POWER + (Category.COOLING,) + IT, block)
    block_facts_update(block=block, actor=planner, reason="utility energised", power_available=True)
    block_facts_update(block=block, actor=planner, reason="loop tested", cooling_ready=True)
    block = advance(CapacityBlock.objects.get(pk=block.pk), "site_ready", "powered", "cooled", "hardware_installed")
    block_facts_update(block=block, actor=planner, reason="IST signed", commissioning_passed=True)
    block = advance(CapacityBlock.objects.get(pk=block.pk), "commissioned")

    # A chips line added after commissioning (scope change) holds the block back until delivered.
    extra = ContractLine.objects.create(
        contract=program.contracts[Category.CHIPS],
        line_no=999,
        item="Spare GPU rack",
        category="chips",
        quantity=Decimal(1),
        unit="rack",
    )
    extra.blocks.add(block)
    with pytest.raises(TransitionNotAllowed) as refused:
        block_transition(block=block, to_state="live", actor=planner, reason="go")
    assert [(r.code, r.category, r.line_refs) for r in refused.value.reasons] == [
        ("not_received", "chips", (extra.ref,))
    ]

    complete(program, (Category.CHIPS,), block)
    block_facts_update(block=block, actor=planner, reason="breaker trip", power_available=False)
    with pytest.raises(TransitionNotAllowed) as refused:
        block_transition(block=block, to_state="live", actor=planner, reason="go")
    assert [r.code for r in refused.value.reasons] == ["power_not_available"]

    block_facts_update(block=block, actor=planner, reason="restored", power_available=True)
    live = block_transition(block=block, to_state="live", actor=planner, reason="go")
    assert live.state == State.LIVE and live.live_on is not None
    assert CapacityBlock.objects.get(pk=block.pk).live_on == live.live_on
    assert BlockEvent.objects.filter(block=block, kind="transition").count() == 6


def test_a_move_back_records_the_lost_fact_and_no_op_is_refused(program, planner):
    block = program.blocks[0]
    complete(program, SITE + POWER, block)
    block_facts_update(block=block, actor=planner, reason="energised", power_available=True)
    block = advance(CapacityBlock.objects.get(pk=block.pk), "site_ready", "powered")

    with pytest.raises(TransitionNotAllowed) as refused:
        block_transition(block=block, to_state="powered", actor=planner, reason="again")
    assert refused.value.reasons[0].code == "no_op"

    back = block_transition(block=block, to_state="site_ready", actor=planner, reason="transformer failed")
    assert back.state == State.SITE_READY


def test_unknown_state_and_missing_reason_are_client_errors(program, planner):
    block = program.blocks[0]
    with pytest.raises(ApplicationError) as bad:  # a 400, not a 409
        block_transition(block=block, to_state="teleported", actor=planner, reason="x")
    assert bad.value.code == "unknown_state" and bad.value.http_status == 400
    with pytest.raises(ApplicationError) as bad:
        block_transition(block=block, to_state="site_ready", actor=planner, reason=" ")
    assert bad.value.code == "reason_required"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_exactly_one_wins(site, monkeypatch):
    program = make_program(site, name="Race program", blocks=1)
    block = program.blocks[0]
    complete(program, SITE, block)
    # Both threads read the state and the facts before either writes, so both pass the gate and race
    # on the conditional UPDATE; each thread has its own database connection.
    barrier = threading.Barrier(2, timeout=20)
    original = block_services.block_facts

    def facts_then_wait(*, block):
        facts = original(block=block)
        barrier.wait()
        return facts

    monkeypatch.setattr(block_services, "block_facts", facts_then_wait)
    outcomes = []

    def attempt(name):
        try:
            block_transition(block=block, to_state="site_ready", actor=None, reason=name)
            outcomes.append("won")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(f"worker {i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["concurrent_change", "won"]
    assert CapacityBlock.objects.get(pk=block.pk).state == State.SITE_READY
    assert BlockEvent.objects.filter(block=block, kind="transition").count() == 1
