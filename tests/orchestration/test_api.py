"""API end to end: supplier isolation in every queryset, transitions (200/409), forecast, alignment, writes."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from config.api.roles import SUPPLIER_GROUP
from orchestration.models import (
    Alert,
    Category,
    Delivery,
    FeedReview,
    PromiseChange,
    Supplier,
    SupplierCheckRun,
    SupplierMembership,
)
from orchestration.services.deliveries import delivery_create

from .conftest import complete, deliver, make_program, today

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def two_suppliers(program, django_user_model):
    """Supplier A (chips) and B (cooling) of the program, each with a user, a delivery, a review and a run."""
    a, b = program.suppliers[Category.CHIPS], program.suppliers[Category.COOLING]
    users = {}
    for name, supplier in (("bob", a), ("carol", b)):
        user = django_user_model.objects.create_user(f"{name}-supplier", password="x")
        user.groups.add(Group.objects.get_or_create(name=SUPPLIER_GROUP)[0])
        SupplierMembership.objects.create(user=user, supplier=supplier)
        users[name] = user
        line = program.lines(supplier.category)[0]
        delivery_create(line=line, shipment_ref=f"{name.upper()}-1", quantity=line.quantity, promised_date=today())
        FeedReview.objects.create(supplier=supplier, reason="unknown_value", message="x", fingerprint=name)
        SupplierCheckRun.objects.create(supplier=supplier, trigger="manual", status="succeeded")
    Alert.objects.create(kind="new_slip", key="k1", message="m", supplier=b)
    return a, b, users


OWNED = ("suppliers", "contracts", "contract-lines", "deliveries", "feed-reviews", "supplier-checks")
INTERNAL = ("projects", "blocks", "bom-lines", "alerts")


def rows(client, path):
    response = client.get(f"/api/v1/{path}/", {"page_size": 500})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_supplier_user_sees_only_its_own_rows_in_every_list(two_suppliers, planner):
    a, b, users = two_suppliers
    bob = client_for(users["bob"])
    owner_of = {
        "suppliers": lambda r: r["id"],
        "contracts": lambda r: r["supplier"],
        "feed-reviews": lambda r: r["supplier"],
        "supplier-checks": lambda r: r["supplier"],
        "deliveries": lambda r: r["supplier"],
    }
    for path in OWNED:
        mine = rows(bob, path)
        assert mine, path
        if path == "contract-lines":
            assert {r["contract"] for r in mine} == {a.contracts.get().pk}
        else:
            assert {owner_of[path](r) for r in mine} == {a.pk}, path
    for path in INTERNAL:  # internal planning data: refused outright, not just empty
        assert bob.get(f"/api/v1/{path}/").status_code == 403, path
    # The planner sees both suppliers' rows.
    assert {r["supplier"] for r in rows(client_for(planner), "deliveries")} >= {a.pk, b.pk}


def test_a_supplier_user_gets_404_on_another_suppliers_details(two_suppliers, program):
    a, b, users = two_suppliers
    bob = client_for(users["bob"])
    other = {
        "suppliers": b.pk,
        "contracts": b.contracts.get().pk,
        "contract-lines": program.lines(Category.COOLING)[0].pk,
        "deliveries": Delivery.objects.get(shipment_ref="CAROL-1").pk,
        "feed-reviews": FeedReview.objects.get(supplier=b).pk,
        "supplier-checks": SupplierCheckRun.objects.get(supplier=b).pk,
    }
    for path, pk in other.items():
        assert bob.get(f"/api/v1/{path}/{pk}/").status_code == 404, path
    internal = {"projects": program.project.pk, "blocks": program.blocks[0].pk, "alerts": Alert.objects.get().pk}
    for path, pk in internal.items():
        assert bob.get(f"/api/v1/{path}/{pk}/").status_code == 403, path
    assert bob.get(f"/api/v1/projects/{program.project.pk}/forecast/").status_code == 403
    assert bob.get(f"/api/v1/blocks/{program.blocks[0].pk}/alignment/").status_code == 403
    own = bob.get(f"/api/v1/contracts/{a.contracts.get().pk}/")
    assert own.status_code == 200 and own.json()["lines"]


def test_a_supplier_posts_ship_notices_to_its_own_lines_only(two_suppliers, program):
    a, b, users = two_suppliers
    bob = client_for(users["bob"])
    own_line, other_line = program.lines(Category.CHIPS)[0], program.lines(Category.COOLING)[0]
    notice = {
        "shipment_ref": "BOB-2",
        "quantity": "10",
        "status": "shipped",
        "shipped_on": str(today()),
        "expected_date": str(today() + timedelta(days=9)),
        "received_quantity": "10",
        "installed": True,
    }

    refused = bob.post(f"/api/v1/contract-lines/{other_line.pk}/ship-notices/", notice, format="json")
    created = bob.post(f"/api/v1/contract-lines/{own_line.pk}/ship-notices/", notice, format="json")
    again = bob.post(f"/api/v1/contract-lines/{own_line.pk}/ship-notices/", notice, format="json")

    assert refused.status_code == 404
    assert not Delivery.objects.filter(line=other_line, shipment_ref="BOB-2").exists()
    assert created.status_code == 201, created.content
    assert again.status_code == 200
    delivery = Delivery.objects.get(supplier=a, shipment_ref="BOB-2")
    # Read-only facts cannot be set by a supplier: receipts are the site team's.
    assert (delivery.status, delivery.received_quantity, delivery.installed) == ("shipped", 0, False)
    assert delivery.events.count() == 1
    bad = bob.post(
        f"/api/v1/contract-lines/{own_line.pk}/ship-notices/", {**notice, "status": "delivered"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "status"


def test_a_supplier_user_cannot_write_anything_else(two_suppliers, program):
    a, b, users = two_suppliers
    bob = client_for(users["bob"])
    contract = a.contracts.get()
    delivery = Delivery.objects.get(shipment_ref="BOB-1")
    attempts = [
        ("patch", f"/api/v1/contracts/{contract.pk}/", {"value": "1.00"}),
        ("patch", f"/api/v1/suppliers/{a.pk}/", {"name": "renamed"}),
        (
            "post",
            f"/api/v1/deliveries/{delivery.pk}/receipt/",
            {"received_quantity": "1", "actual_date": str(today()), "inspection": "passed"},
        ),
        ("patch", f"/api/v1/deliveries/{delivery.pk}/", {"confirmed_date": str(today())}),
        ("post", f"/api/v1/blocks/{program.blocks[0].pk}/transition/", {"to_state": "site_ready", "reason": "x"}),
        ("post", f"/api/v1/suppliers/{a.pk}/check/", {}),
    ]
    for method, path, body in attempts:
        assert getattr(bob, method)(path, body, format="json").status_code == 403, path
    contract.refresh_from_db()
    assert contract.value != 1


def test_a_supplier_group_member_without_a_supplier_sees_nothing(two_suppliers, django_user_model):
    user = django_user_model.objects.create_user("eve", password="x")
    user.groups.add(Group.objects.get(name=SUPPLIER_GROUP))
    eve = client_for(user)
    for path in OWNED:
        assert rows(eve, path) == [], path
    for path in INTERNAL:
        assert eve.get(f"/api/v1/{path}/").status_code == 403, path


def test_transition_endpoint_answers_409_with_reasons_and_200_when_allowed(program, planner):
    alice = client_for(planner)
    block = program.blocks[0]

    refused = alice.post(f"/api/v1/blocks/{block.pk}/transition/", {"to_state": "site_ready", "reason": "try"})
    complete(program, (Category.LAND, Category.BUILDINGS), block)
    skipped = alice.post(f"/api/v1/blocks/{block.pk}/transition/", {"to_state": "powered", "reason": "skip"})
    moved = alice.post(f"/api/v1/blocks/{block.pk}/transition/", {"to_state": "site_ready", "reason": "handed over"})
    events = alice.get(f"/api/v1/blocks/{block.pk}/events/")

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "gate_not_met"
    assert {(e["code"], e["category"]) for e in body["errors"]} == {
        ("not_received", "land"),
        ("not_received", "buildings"),
    }
    assert all(e["line_refs"] for e in body["errors"])
    assert skipped.status_code == 409 and skipped.json()["errors"][0]["code"] == "cannot_skip_states"
    assert moved.status_code == 200 and moved.json()["state"] == "site_ready"
    assert [(e["from_state"], e["to_state"], e["actor"]) for e in events.json()] == [
        ("planned", "site_ready", planner.username)
    ]
    bad = alice.post(f"/api/v1/blocks/{block.pk}/transition/", {"to_state": "teleported", "reason": "x"})
    assert bad.status_code == 400 and bad.json()["field"] == "to_state"


def test_deleting_a_supplier_or_contract_still_in_use_is_409_and_deletes_nothing(program, planner):
    alice = client_for(planner)
    supplier = program.suppliers[Category.CHIPS]
    contract = program.contracts[Category.CHIPS]
    deliver(program.lines(Category.CHIPS)[0])  # a contract with deliveries against it is kept

    for path in (f"/api/v1/suppliers/{supplier.pk}/", f"/api/v1/contracts/{contract.pk}/"):
        response = alice.delete(path)
        assert response.status_code == 409, path
        assert response.json()["code"] == "protected" and "Still referenced by" in response.json()["message"]
    assert Supplier.objects.filter(pk=supplier.pk).exists() and contract.lines.exists()


def test_forecast_and_alignment_endpoints(program, planner):
    alice = client_for(planner)
    for line in program.lines(Category.CHIPS):
        delivery_create(
            line=line, shipment_ref=f"C-{line.pk}", quantity=line.quantity, promised_date=line.required_on_site
        )

    forecast = alice.get(f"/api/v1/projects/{program.project.pk}/forecast/")
    alignment = alice.get(f"/api/v1/blocks/{program.blocks[0].pk}/alignment/")

    assert forecast.status_code == 200
    data = forecast.json()
    assert [b["index"] for b in data["blocks"]] == [1, 2]
    assert data["project_go_live"] is None  # most inputs have no promised delivery yet: undatable
    assert data["mw_at_risk"] == 100.0 and data["mw_live_by_quarter"]
    assert alignment.status_code == 200
    statuses = {row["category"]: row["status"] for row in alignment.json()["inputs"]}
    assert len(statuses) == 9 and statuses["chips"] == "on_track" and statuses["land"] == "late"


def test_planner_creates_a_project_with_blocks_and_bom_and_draws_a_contract(site, planner):
    alice = client_for(planner)
    created = alice.post(
        "/api/v1/projects/",
        {
            "site": site.pk,
            "name": "API GW",
            "target_mw": 1000,
            "block_mw": 50,
            "planned_first_go_live": "2029-01-15",
            "blocks_interval_days": 30,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    project = created.json()
    assert len(project["blocks"]) == 20 and sum(b["gpus"] for b in project["blocks"]) == 453_600
    assert [p["mw"] for p in project["phases"]] == [250.0] * 4

    supplier = alice.post("/api/v1/suppliers/", {"name": "Volt Transformers", "category": "power_equipment"})
    contract = alice.post(
        "/api/v1/contracts/",
        {
            "supplier": supplier.json()["id"],
            "project": project["id"],
            "reference": "VT-1",
            "value": "123456789012.34",
            "currency": "USD",
            "lines_from_bom": True,
            "state": "x",
        },
        format="json",
    )
    assert contract.status_code == 201, contract.content
    body = contract.json()
    assert body["value"] == "123456789012.34"  # > $100 B fits
    assert len(body["lines"]) == 20 * 6 and {len(line["blocks"]) for line in body["lines"]} == {1}
    lowercase = alice.post(
        "/api/v1/contracts/",
        {
            "supplier": supplier.json()["id"],
            "project": project["id"],
            "reference": "VT-2",
            "value": "1",
            "currency": "usd",
        },
    )
    assert lowercase.status_code == 400 and lowercase.json()["field"] == "currency"


def test_planner_changes_a_promise_and_records_a_receipt(program, planner):
    alice = client_for(planner)
    line = program.lines(Category.NETWORKING)[0]
    created = alice.post(
        "/api/v1/deliveries/",
        {"line": line.pk, "shipment_ref": "N-1", "quantity": "5", "promised_date": str(today()), "status": "installed"},
    )
    assert created.status_code == 201, created.content
    delivery_id = created.json()["id"]
    assert created.json()["status"] == "scheduled"

    moved = alice.patch(
        f"/api/v1/deliveries/{delivery_id}/",
        {"confirmed_date": str(today() + timedelta(days=12)), "received_quantity": "5", "reason": "factory delay"},
    )
    assert moved.status_code == 200 and moved.json()["received_quantity"] == "0.000"
    change = PromiseChange.objects.get(delivery_id=delivery_id)
    assert (change.field, change.days, change.actor) == ("confirmed_date", 12, planner)

    too_many = alice.post(
        f"/api/v1/deliveries/{delivery_id}/receipt/",
        {"received_quantity": "6", "actual_date": str(today()), "inspection": "passed"},
    )
    received = alice.post(
        f"/api/v1/deliveries/{delivery_id}/receipt/",
        {"received_quantity": "5", "actual_date": str(today()), "inspection": "passed"},
    )
    installed = alice.post(f"/api/v1/deliveries/{delivery_id}/install/", {"installed_on": str(today())})
    assert too_many.status_code == 400
    assert received.status_code == 200 and received.json()["status"] == "received"
    assert installed.status_code == 200 and installed.json()["installed"] is True
    log = alice.get(f"/api/v1/deliveries/{delivery_id}/events/").json()
    assert [e["kind"] for e in log] == ["installed", "received", "updated", "created"]


def test_list_endpoints_use_a_constant_number_of_queries(site, planner, django_assert_max_num_queries):
    make_program(site, name="Query count")
    alice = client_for(planner)
    for path in OWNED + INTERNAL:
        with django_assert_max_num_queries(8):
            assert alice.get(f"/api/v1/{path}/", {"page_size": 200}).status_code == 200
