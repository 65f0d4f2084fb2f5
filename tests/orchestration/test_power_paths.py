"""Bridge power in the workflow against PostGIS: the grid energised, or the on-site generation installed."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from orchestration.models import BlockEvent, CapacityBlock, Category, ContractLine, State, Supplier
from orchestration.services.contracts import contract_create
from orchestration.services.forecast import program_load, project_forecast

from .conftest import complete, deliver

pytestmark = pytest.mark.django_db

SITE_AND_POWER = (Category.LAND, Category.BUILDINGS, Category.POWER_EQUIPMENT, Category.POWER_DISTRIBUTION)


def with_generation(program) -> tuple[CapacityBlock, ContractLine, APIClient]:
    """Block 1 with its site and power gear installed, plus one gas-engine line received today and not
    installed (60 install days)."""
    block = program.blocks[0]
    supplier = Supplier.objects.create(name="Engines Inc", category=Category.ONSITE_GENERATION)
    contract = contract_create(supplier=supplier, project=program.project, reference="GEN-1", value=Decimal(1))
    engines = ContractLine.objects.create(
        contract=contract, line_no=1, item="Gas engines", category="onsite_generation", quantity=Decimal(4), unit="ea",
        install_days=60,
    )  # fmt: skip
    engines.blocks.add(block)
    program.contracts[Category.ONSITE_GENERATION] = contract
    deliver(engines, install=False)
    complete(program, SITE_AND_POWER, block)
    client = APIClient()
    client.default_format = "json"
    return block, engines, client


def test_neither_path_is_a_409_naming_both_then_the_grid_energised_lets_the_block_be_powered(program, planner):
    block, engines, client = with_generation(program)
    client.force_authenticate(planner)
    base = f"/api/v1/blocks/{block.pk}"
    assert client.post(f"{base}/facts/", {"power_available": True, "reason": "feeder live"}).status_code == 200
    assert client.post(f"{base}/transition/", {"to_state": "site_ready", "reason": "handed over"}).status_code == 200

    refused = client.post(f"{base}/transition/", {"to_state": "powered", "reason": "try"})
    assert refused.status_code == 409
    errors = refused.json()["errors"]
    assert [(e["code"], e["category"]) for e in errors] == [
        ("no_power_path", "onsite_generation"),
        ("not_installed", "onsite_generation"),
    ]
    assert "grid has not energised" in errors[0]["message"] and errors[1]["line_refs"] == [engines.ref]
    row = next(b for b in project_forecast(project=program.project)["blocks"] if b["id"] == block.pk)
    assert row["grid_energised"] is False

    energised = client.post(f"{base}/facts/", {"grid_energised": True, "reason": "utility energised the feeder"})
    assert energised.status_code == 200 and energised.json()["grid_energised"] is True
    event = BlockEvent.objects.filter(block=block, kind="facts").latest("at")
    assert event.data == {"grid_energised": [False, True]} and event.reason == "utility energised the feeder"
    moved = client.post(f"{base}/transition/", {"to_state": "powered", "reason": "grid first"})
    assert moved.status_code == 200 and moved.json()["state"] == State.POWERED
    # The forecast reads the same fact (what it does with it: tests/domain/test_power_paths.py).
    loaded = program_load(project=program.project)
    assert loaded.inp.block_grid_energised.tolist() == [True, False]
    row = next(b for b in project_forecast(project=program.project)["blocks"] if b["id"] == block.pk)
    assert row["grid_energised"] is True
    assert client.get(f"{base}/").json()["grid_energised"] is True
    listed = client.get("/api/v1/blocks/", {"grid_energised": "true"}).json()
    assert [b["id"] for b in listed.get("results", listed)] == [block.pk]


def test_generation_installed_is_the_other_path(program, planner):
    block, engines, client = with_generation(program)
    client.force_authenticate(planner)
    base = f"/api/v1/blocks/{block.pk}"
    client.post(f"{base}/facts/", {"power_available": True, "reason": "engines running"})
    client.post(f"{base}/transition/", {"to_state": "site_ready", "reason": "handed over"})
    refused = client.post(f"{base}/transition/", {"to_state": "powered", "reason": "try"})
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "no_power_path"
    complete(program, (Category.ONSITE_GENERATION,), block)
    moved = client.post(f"{base}/transition/", {"to_state": "powered", "reason": "bridged"})
    assert moved.status_code == 200 and CapacityBlock.objects.get(pk=block.pk).grid_energised is False


def test_grid_energised_must_be_a_boolean_and_needs_a_reason(program, planner):
    block = program.blocks[0]
    client = APIClient()
    client.default_format = "json"
    client.force_authenticate(planner)
    bad = client.post(f"/api/v1/blocks/{block.pk}/facts/", {"grid_energised": "soon", "reason": "x"})
    assert bad.status_code == 400 and bad.json()["field"] == "grid_energised"
    no_reason = client.post(f"/api/v1/blocks/{block.pk}/facts/", {"grid_energised": True})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"


def test_a_form_post_of_one_fact_leaves_the_others_as_they_are(program, planner):
    block = program.blocks[0]
    client = APIClient()
    client.force_authenticate(planner)
    base = f"/api/v1/blocks/{block.pk}/facts/"
    assert client.post(base, {"power_available": True, "reason": "feeder live"}, format="json").status_code == 200
    # a browser form or multipart post sends only the field it sets; a missing checkbox is not "false"
    response = client.post(base, {"cooling_ready": "true", "reason": "chillers running"}, format="multipart")
    assert response.status_code == 200, response.json()
    block.refresh_from_db()
    assert (block.power_available, block.cooling_ready, block.grid_energised) == (True, True, False)
