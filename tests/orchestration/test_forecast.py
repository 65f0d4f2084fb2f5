"""Forecast from the database: slip propagation, binding constraint, de-rating, alignment, past-plan alerts."""

from datetime import timedelta
from decimal import Decimal

import pytest

from orchestration.models import Alert, CapacityBlock, Category, ContractLine, Delivery, PromiseChange
from orchestration.services.deliveries import delivery_create, ship_notice_apply
from orchestration.services.forecast import block_alignment, project_forecast, project_forecast_refresh

from .conftest import complete, today

pytestmark = pytest.mark.django_db

EARLY = 10  # every promise lands this many days before its line's required-on-site date


@pytest.fixture
def promised(program):
    """One open delivery per line, promised EARLY days before the line is required on site."""
    for line in ContractLine.objects.filter(contract__project=program.project).select_related("contract"):
        delivery_create(
            line=line,
            shipment_ref=f"P-{line.pk}",
            quantity=line.quantity,
            promised_date=line.required_on_site - timedelta(days=EARLY),
        )
    return program


def by_index(data):
    return {row["index"]: row for row in data["blocks"]}


def test_on_plan_promises_forecast_each_block_early_by_the_margin(promised):
    data = project_forecast(project=promised.project, as_of=today())
    blocks = by_index(data)
    for block in promised.blocks:
        assert blocks[block.index]["forecast_go_live"] == block.planned_go_live - timedelta(days=EARLY)
        assert blocks[block.index]["days_late"] == -EARLY and not blocks[block.index]["at_risk"]
    assert data["project_go_live"] == promised.blocks[-1].planned_go_live - timedelta(days=EARLY)
    assert data["mw_at_risk"] == 0.0
    assert data["mw_live_by_quarter"][-1]["forecast_mw_cumulative"] == 100.0


def test_a_slipped_promise_moves_its_block_and_the_project_by_the_slip(promised):
    last = promised.blocks[-1]
    line = promised.lines(Category.COOLING, last)[0]
    delivery = Delivery.objects.get(line=line)
    before = project_forecast(project=promised.project, as_of=today())

    slip = 40
    result = ship_notice_apply(
        supplier=line.contract.supplier,
        line=line,
        source="api",
        notice={
            "shipment_ref": delivery.shipment_ref,
            "quantity": delivery.quantity,
            "status": "in_production",
            "confirmed_date": delivery.promised_date + timedelta(days=slip),
        },
    )
    after = project_forecast(project=promised.project, as_of=today())

    assert result.outcome == "updated" and [s.days for _, s in result.slips] == [slip]
    moved = by_index(after)[last.index]
    assert moved["forecast_go_live"] == by_index(before)[last.index]["forecast_go_live"] + timedelta(days=slip)
    assert moved["binding"]["line_id"] == line.pk and moved["binding"]["category"] == "cooling"
    assert moved["days_late"] == slip - EARLY and moved["at_risk"]
    assert after["project_go_live"] == before["project_go_live"] + timedelta(days=slip)
    assert after["binding_block_id"] == last.pk
    assert by_index(after)[1] == by_index(before)[1]  # the other block did not move
    change = PromiseChange.objects.get(delivery=delivery)
    assert (change.field, change.days, change.source) == ("confirmed_date", slip, "api")
    assert Alert.objects.filter(kind="new_slip", delivery=delivery).count() == 1


def test_a_slip_within_a_lines_slack_moves_nothing(promised):
    last = promised.blocks[-1]
    line = promised.lines(Category.LAND, last)[0]
    Delivery.objects.filter(line=line).update(promised_date=line.required_on_site - timedelta(days=EARLY + 30))
    delivery = Delivery.objects.get(line=line)  # 30 days of slack beyond the binding lines
    before = project_forecast(project=promised.project, as_of=today())
    ship_notice_apply(
        supplier=line.contract.supplier,
        line=line,
        source="api",
        notice={
            "shipment_ref": delivery.shipment_ref,
            "quantity": delivery.quantity,
            "status": "scheduled",
            "confirmed_date": delivery.promised_date + timedelta(days=29),
        },
    )
    assert project_forecast(project=promised.project, as_of=today())["blocks"] == before["blocks"]


def test_an_unreliable_suppliers_open_promises_are_derated(promised):
    supplier = promised.suppliers[Category.NETWORKING]
    history = ContractLine.objects.create(
        contract=promised.contracts[Category.NETWORKING],
        line_no=900,
        item="Earlier order",
        category="networking",
        quantity=Decimal(6),
        unit="unit",
    )
    for i in range(6):  # 3 of 6 on time, the late ones 20 days late: de-rate = ceil(0.5 x 20) = 10 days
        promised_on = today() - timedelta(days=200 + i)
        Delivery.objects.create(
            line=history,
            supplier=supplier,
            shipment_ref=f"H-{i}",
            quantity=1,
            received_quantity=1,
            promised_date=promised_on,
            status="received",
            actual_date=promised_on + timedelta(days=20 if i % 2 else 0),
        )

    data = project_forecast(project=promised.project, as_of=today())

    assert data["derate_days_by_supplier"][str(supplier.pk)] == 10
    for row in data["blocks"]:
        assert row["days_late"] == 0  # networking now lands exactly on its required date (10 - 10)
        assert row["binding"]["category"] == "networking"


def test_refresh_stores_the_forecast_and_alerts_once_when_a_block_moves_past_plan(promised):
    project = promised.project
    project_forecast_refresh(project=project, as_of=today())
    assert not Alert.objects.filter(kind="forecast_past_plan").exists()
    last = promised.blocks[-1]
    line = promised.lines(Category.CHIPS, last)[0]
    delivery = Delivery.objects.get(line=line)
    ship_notice_apply(
        supplier=line.contract.supplier,
        line=line,
        source="feed",
        notice={
            "shipment_ref": delivery.shipment_ref,
            "quantity": delivery.quantity,
            "status": "scheduled",
            "expected_date": delivery.promised_date + timedelta(days=30),
        },
    )

    project_forecast_refresh(project=project, as_of=today())
    project_forecast_refresh(project=project, as_of=today())

    stored = CapacityBlock.objects.get(pk=last.pk)
    assert stored.forecast_days_late == 20 and stored.forecast_binding["category"] == "chips"
    alert = Alert.objects.get(kind="forecast_past_plan")
    assert alert.block_id == last.pk and "chips" in alert.message
    project.refresh_from_db()
    assert project.forecast_go_live == stored.forecast_go_live and project.forecast_mw_at_risk == 50.0


def test_alignment_matrix_gives_each_of_the_nine_inputs_a_status(promised):
    block = promised.blocks[0]
    complete(promised, (Category.LAND,), block)  # installed
    for line in promised.lines(Category.BUILDINGS, block):  # received, not installed
        delivery = Delivery.objects.get(line=line)
        Delivery.objects.filter(pk=delivery.pk).update(
            received_quantity=delivery.quantity, actual_date=today(), status="received"
        )
    chips = promised.lines(Category.CHIPS, block)[0]
    Delivery.objects.filter(line=chips).update(confirmed_date=chips.required_on_site + timedelta(days=3))
    for line in promised.lines(Category.MEMORY, block):
        line.blocks.remove(block)

    matrix = {row["category"]: row for row in block_alignment(block=block, as_of=today())["inputs"]}

    assert [matrix[c]["status"] for c in Category.values] == [
        "late",
        "missing",
        "on_track",
        "on_track",
        "on_track",
        "received",
        "not_required",
        "on_track",
        "installed",
    ]
    assert len(matrix) == 9
    assert matrix["chips"]["binding"] and matrix["chips"]["forecast_arrival"] == chips.required_on_site + timedelta(3)
