"""Baselines: freeze a program, keep several, compare today's forecast with them (the slips that moved it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from config.api.roles import SUPPLIER_GROUP
from core.errors import Conflict
from orchestration.models import BaselineLine, Category, ContractLine, Delivery, ProgramBaseline, SupplierMembership
from orchestration.services.baselines import baseline_freeze, baseline_variance
from orchestration.services.blocks import block_plan_update
from orchestration.services.deliveries import delivery_create, ship_notice_apply
from orchestration.services.forecast import project_forecast

pytestmark = pytest.mark.django_db

EARLY = 10
SLIP = 40


@pytest.fixture
def promised(program):
    for line in ContractLine.objects.filter(contract__project=program.project):
        delivery_create(line=line, shipment_ref=f"P-{line.pk}", quantity=line.quantity,
                        promised_date=line.required_on_site - timedelta(days=EARLY))  # fmt: skip
    return program


def slip(program, days: int):
    """The last block's first cooling line is confirmed `days` later, through the API service (slip log)."""
    line = program.lines(Category.COOLING, program.blocks[-1])[0]
    delivery = Delivery.objects.get(line=line)
    ship_notice_apply(supplier=line.contract.supplier, line=line, source="api", notice={
        "shipment_ref": delivery.shipment_ref, "quantity": delivery.quantity, "status": "in_production",
        "confirmed_date": delivery.promised_date + timedelta(days=days),
    })  # fmt: skip
    return line


def test_a_baseline_freezes_every_blocks_plan_and_forecast_and_every_lines_dates(promised):
    forecast = project_forecast(project=promised.project)
    baseline = baseline_freeze(project=promised.project, name="Board approval", note="as signed")
    frozen = {b.block_id: b for b in baseline.blocks.all()}
    for row in forecast["blocks"]:
        assert (frozen[row["id"]].planned_go_live, frozen[row["id"]].forecast_go_live) == (
            row["planned_go_live"], row["forecast_go_live"])  # fmt: skip
    lines = ContractLine.objects.filter(contract__project=promised.project)
    assert baseline.lines.count() == lines.count()
    for line in lines:
        frozen_line = BaselineLine.objects.get(baseline=baseline, line=line)
        assert frozen_line.required_on_site == line.required_on_site
        assert frozen_line.forecast_arrival == line.required_on_site - timedelta(days=EARLY)
    assert baseline.forecast_go_live == forecast["project_go_live"]
    with pytest.raises(Conflict):
        baseline_freeze(project=promised.project, name="Board approval")
    baseline_freeze(project=promised.project, name="Re-plan 1")  # several per program
    assert ProgramBaseline.objects.filter(project=promised.project).count() == 2


def test_variance_shows_the_block_and_line_a_slip_moved_and_the_slip_log_entry_that_did_it(promised, planner):
    baseline = baseline_freeze(project=promised.project, name="Plan of record")
    line = slip(promised, SLIP)
    block_plan_update(block=promised.blocks[0], planned_go_live=promised.blocks[0].planned_go_live + timedelta(days=7),
                      actor=planner, reason="utility asked for a week")  # fmt: skip
    data = baseline_variance(baseline=baseline)

    first, last = data["blocks"]
    assert (first["plan_moved_days"], first["forecast_moved_days"], first["slips_since"]) == (7, 0, [])
    # The cooling line slipped 40 days; its block had 10 days of margin: the block moves 40 (its forecast was
    # 10 days early), ending 30 days past its plan.
    assert last["forecast_moved_days"] == SLIP and last["forecast_vs_baseline_plan_days"] == SLIP - EARLY
    (entry,) = last["slips_since"]
    assert (entry["line_id"], entry["field"], entry["days"]) == (line.pk, "confirmed_date", SLIP)
    assert entry["source"] == "api"
    assert data["forecast_moved_days"] == SLIP
    (moved,) = data["lines"]
    assert (moved["line_id"], moved["arrival_moved_days"]) == (line.pk, SLIP)
    assert moved["supplier_id"] == line.contract.supplier_id
    assert data["lines_unchanged"] == ContractLine.objects.filter(contract__project=promised.project).count() - 1


def test_baselines_api_for_planners_only_and_a_taken_name_is_a_409(promised, planner, django_user_model):
    client = APIClient()
    client.force_authenticate(planner)
    body = {"project": promised.project.pk, "name": "Plan of record", "note": "signed"}
    created = client.post("/api/v1/baselines/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["forecast_go_live"] is not None and created.json()["created_by"] == planner.username
    again = client.post("/api/v1/baselines/", body, format="json")
    assert again.status_code == 409 and again.json()["field"] == "name"
    assert client.post("/api/v1/baselines/", {**body, "name": ""}, format="json").status_code == 400
    listed = client.get("/api/v1/baselines/", {"project": promised.project.pk}).json()["results"]
    assert [b["name"] for b in listed] == ["Plan of record"]
    assert client.get("/api/v1/baselines/", {"project": "x"}).status_code == 400
    slip(promised, SLIP)
    variance = client.get(f"/api/v1/baselines/{listed[0]['id']}/variance/")
    assert variance.status_code == 200 and variance.json()["forecast_moved_days"] == SLIP

    supplier = django_user_model.objects.create_user("sam-supplier", password="x")
    supplier.groups.add(Group.objects.get_or_create(name=SUPPLIER_GROUP)[0])
    SupplierMembership.objects.create(user=supplier, supplier=promised.suppliers[Category.COOLING])
    client.force_authenticate(supplier)
    assert client.get("/api/v1/baselines/").status_code == 403
    assert client.get(f"/api/v1/baselines/{listed[0]['id']}/variance/").status_code == 403


def test_the_admin_freezes_a_baseline_from_its_add_form(promised, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    url = reverse("admin:orchestration_programbaseline_add")
    response = client.post(url, {"project": promised.project.pk, "name": "From admin", "note": ""})
    assert response.status_code == 302, response.content
    baseline = ProgramBaseline.objects.get(name="From admin")
    assert baseline.created_by == root and baseline.blocks.count() == 2 and baseline.lines.exists()
    for name in ("programbaseline", "baselineline"):
        assert client.get(reverse(f"admin:orchestration_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:orchestration_programbaseline_change", args=[baseline.pk])).status_code == 200
