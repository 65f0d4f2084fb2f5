"""The portfolio from the database: MW by quarter across programs, contention for a shared supplier, the API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from config.api.roles import SUPPLIER_GROUP
from orchestration.models import Category, Contract, SupplierMembership
from orchestration.services.contracts import contract_create
from orchestration.services.deliveries import delivery_create
from orchestration.services.forecast import project_forecast
from orchestration.services.portfolio import portfolio_view

from .conftest import make_program, today

pytestmark = pytest.mark.django_db

VOLUME = Decimal("200")  # racks a month per contract


@pytest.fixture
def two_programs(site):
    """Programs A and B both buy GPU racks from A's chips supplier, due in the same month."""
    a = make_program(site, name="Program A")
    b = make_program(site, name="Program B")
    helios = a.suppliers[Category.CHIPS]
    Contract.objects.filter(pk=a.contracts[Category.CHIPS].pk).update(committed_volume_per_month=VOLUME)
    shared = contract_create(supplier=helios, project=b.project, reference="B-CHIPS-HELIOS", lines_from_bom=True,
                             unit_values={}, committed_volume_per_month=VOLUME)  # fmt: skip
    due = today().replace(day=1) + timedelta(days=400)
    due = due.replace(day=10)
    for contract in (a.contracts[Category.CHIPS], shared):
        for line in contract.lines.all():
            delivery_create(line=line, shipment_ref=f"R-{line.pk}", quantity=line.quantity, promised_date=due)
    return a, b, helios, due


def test_the_portfolio_adds_programs_and_finds_the_month_they_compete_for_a_supplier(two_programs):
    a, b, helios, due = two_programs
    data = portfolio_view(projects=[a.project, b.project])
    per_program = {p.pk: project_forecast(project=p)["mw_live_by_quarter"] for p in (a.project, b.project)}
    last = data["mw_live_by_quarter"][-1]
    assert last["planned_mw_cumulative"] == sum(rows[-1]["planned_mw_cumulative"] for rows in per_program.values())
    assert last["planned_mw_cumulative"] == 200.0
    (cell,) = data["contention"]
    racks = float(sum(line.quantity for line in a.contracts[Category.CHIPS].lines.all()))
    assert (cell["supplier_id"], cell["month"], cell["capacity_per_month"]) == (helios.pk, due.replace(day=1), 400.0)
    assert cell["demand"] == 2 * racks and cell["excess"] == 2 * racks - 400.0
    assert {p["id"]: p["quantity"] for p in cell["by_program"]} == {a.project.pk: racks, b.project.pk: racks}
    assert data["suppliers_without_stated_volume"] == []  # only helios has open deliveries


def test_portfolio_api_is_internal_and_filters_by_project(two_programs, planner, django_user_model):
    a, b, helios, _ = two_programs
    client = APIClient()
    client.force_authenticate(planner)
    both = client.get("/api/v1/portfolio/")
    assert both.status_code == 200 and {p["id"] for p in both.json()["programs"]} == {a.project.pk, b.project.pk}
    one = client.get("/api/v1/portfolio/", {"project": a.project.pk}).json()
    assert [p["id"] for p in one["programs"]] == [a.project.pk] and one["contention"] == []
    assert client.get("/api/v1/portfolio/", {"project": "all"}).status_code == 400
    user = django_user_model.objects.create_user("helios-user", password="x")
    user.groups.add(Group.objects.get_or_create(name=SUPPLIER_GROUP)[0])
    SupplierMembership.objects.create(user=user, supplier=helios)
    client.force_authenticate(user)
    assert client.get("/api/v1/portfolio/").status_code == 403


def test_the_portfolio_band_is_one_monte_carlo_over_both_programs(two_programs, planner):
    a, b, helios, _ = two_programs
    data = portfolio_view(projects=[a.project, b.project], draws=200, seed=3)
    band = data["mw_band"]
    assert (band["draws"], band["seed"]) == (200, 3) and band["quarters"]
    # No supplier has closed a delivery: nothing slips and there is no de-rate, so every draw is the
    # deterministic forecast and the band collapses onto the added-up forecast.
    added = {q["quarter"]: q for q in data["mw_live_by_quarter"]}
    common = [q for q in band["quarters"] if q["quarter"] in added]
    assert common
    for q in common:
        assert q["mw_p10"] == q["mw_p50"] == q["mw_p90"] == added[q["quarter"]]["forecast_mw_cumulative"]
        assert q["planned_mw_cumulative"] == added[q["quarter"]]["planned_mw_cumulative"]

    client = APIClient()
    client.force_authenticate(planner)
    body = client.get("/api/v1/portfolio/", {"draws": 100, "seed": 1}).json()
    assert body["mw_band"]["draws"] == 100 and body["mw_band"]["quarters"][-1]["planned_mw_cumulative"] == 200.0
    bad = client.get("/api/v1/portfolio/", {"draws": 5})
    assert bad.status_code == 400 and bad.json()["field"] == "draws"
