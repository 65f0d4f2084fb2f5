"""Program risk from the database: scorecards, the Monte Carlo go-live and its tornado, the API and its roles."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from config.api.roles import SUPPLIER_GROUP
from orchestration.domain.categories import CATEGORY_CODE
from orchestration.domain.risk_fit import fit_prior_strength, fit_supplier_share
from orchestration.models import Alert, Category, ContractLine, Supplier, SupplierMembership
from orchestration.services.contracts import contract_create
from orchestration.services.delay_cost import project_delay_costs
from orchestration.services.deliveries import delivery_create, delivery_receive
from orchestration.services.forecast import project_forecast
from orchestration.services.projects import project_create
from orchestration.services.risk import project_risk, supplier_line_risk
from orchestration.services.scorecards import contract_supplier_flag, supplier_scorecards
from sitesel.services.site_economics import site_economics

from .conftest import today

pytestmark = pytest.mark.django_db

EARLY = 10  # open promises land this many days before the line is required on site
LATE = 30  # the cooling supplier's record: every closed delivery 30 days late


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def closed_history(site, records: dict) -> None:
    """Closed deliveries on one earlier program: per supplier, one per slip, arriving a week apart."""
    earlier = project_create(site=site, name="Earlier program", target_mw=50.0, block_mw=50.0,
                             planned_first_go_live=today() - timedelta(days=30), actor=None)  # fmt: skip
    start = today() - timedelta(days=300)
    for supplier, slips in records.items():
        contract = contract_create(supplier=supplier, project=earlier, reference=f"OLD-{supplier.pk}",
                                   lines_from_bom=True, unit_values={})  # fmt: skip
        line = contract.lines.order_by("line_no").first()
        for k, slip in enumerate(slips):
            promised = start + timedelta(days=7 * k)
            delivery = delivery_create(line=line, shipment_ref=f"OLD-{supplier.pk}-{k}", quantity=1,
                                       promised_date=promised)  # fmt: skip
            delivery_receive(delivery=delivery, received_quantity=1, actual_date=promised + timedelta(days=slip),
                             inspection="passed", actor=None)  # fmt: skip


@pytest.fixture
def risky(program, site, settings):
    """Every line promised EARLY days ahead of need; the cooling supplier's record is LATE-day slips, the others'
    on time. No shrinkage (prior strength 0): each supplier's own record is its distribution, so the draws are
    exact and comparable with the deterministic forecast's de-rate."""
    settings.ORCHESTRATION_RISK_PRIOR_STRENGTH = 0.0
    for line in ContractLine.objects.filter(contract__project=program.project):
        delivery_create(line=line, shipment_ref=f"P-{line.pk}", quantity=line.quantity,
                        promised_date=line.required_on_site - timedelta(days=EARLY))  # fmt: skip
    records = {s: [0] * 5 for s in program.suppliers.values()}
    records[program.suppliers[Category.COOLING]] = [LATE] * 6
    closed_history(site, records)
    return program


def test_scorecards_count_the_closed_deliveries_of_each_supplier(program, site):
    chips = program.suppliers[Category.CHIPS]
    closed_history(site, {chips: [0, 0, 0, 12, 0, 40, -3, 0]})
    card, empty = supplier_scorecards(suppliers=[chips, program.suppliers[Category.LAND]])
    assert card["n_deliveries"] == 8 and card["on_time_rate"] == pytest.approx(6 / 8)
    assert card["late_slip_p50_days"] == 26.0 and card["slip_p50_days"] == 0.0
    assert card["below_threshold"]  # 0.75 < 0.8 with 8 >= 5 deliveries
    assert [c["category"] for c in card["by_category"]] == ["chips"]
    assert empty["n_deliveries"] == 0 and empty["on_time_rate"] is None and not empty["below_threshold"]


def test_a_supplier_with_a_30_day_record_moves_the_program_by_its_slip_and_tops_the_tornado(risky):
    data = project_risk(project=risky.project, draws=300, seed=1)
    forecast = project_forecast(project=risky.project)
    cooling = risky.suppliers[Category.COOLING]
    # Cooling's slips are its own: always 30 days. That is also its de-rate in the deterministic forecast, so
    # every percentile is the forecast, and the nominal (no slip) is EARLY days early.
    for block, det in zip(data["blocks"], forecast["blocks"], strict=True):
        assert block["p50"] == block["p80"] == block["p90"] == det["forecast_go_live"] == block["forecast_go_live"]
        assert block["nominal_go_live"] == block["planned_go_live"] - timedelta(days=EARLY)
        assert block["prob_late"] == 1.0 and block["expected_days_late"] == LATE - EARLY
    assert data["p80"] == forecast["project_go_live"] == data["planned_go_live"] + timedelta(days=LATE - EARLY)
    top = data["supplier_drivers"][0]
    assert (top["supplier_id"], top["criticality"], top["p80_days"]) == (cooling.pk, 1.0, LATE)
    assert {d["supplier_id"] for d in data["line_drivers"]} == {cooling.pk}
    evidence = {e["supplier_id"]: e for e in data["slip_evidence"]}
    assert evidence[cooling.pk]["own_deliveries"] == 6 and evidence[cooling.pk]["mean_slip_days"] == LATE
    assert len(data["supplier_drivers"]) == 1  # on-time suppliers never set the date


def test_a_supplier_without_history_draws_from_its_categorys_record(program, site):
    chips = program.suppliers[Category.CHIPS]
    other = Supplier.objects.create(name="Another chips supplier", category=Category.CHIPS)
    closed_history(site, {other: [20] * 5, program.suppliers[Category.LAND]: [90] * 5})
    for line in program.lines(Category.CHIPS):
        delivery_create(line=line, shipment_ref=f"P-{line.pk}", quantity=line.quantity,
                        promised_date=line.required_on_site)  # fmt: skip
    data = project_risk(project=program.project, draws=200)
    evidence = {e["supplier_id"]: e for e in data["slip_evidence"]}[chips.pk]
    assert (evidence["own_deliveries"], evidence["own_weight"], evidence["prior"]) == (0, 0.0, "category")
    assert evidence["mean_slip_days"] == 20.0  # its category's record, not land's 90 days
    lines = supplier_line_risk(supplier=chips, draws=200)["lines"]
    assert lines and all(r["arrival_p50"] == r["required_on_site"] + timedelta(days=20) for r in lines)


def test_mw_live_by_quarter_is_a_band_around_the_plan(risky):
    data = project_risk(project=risky.project, draws=200)
    last = data["mw_live_by_quarter"][-1]
    assert last["mw_p10"] == last["mw_p50"] == last["mw_p90"] == 100.0
    assert all(q["mw_p10"] <= q["mw_p50"] <= q["mw_p90"] for q in data["mw_live_by_quarter"])


@pytest.fixture
def supplier_users(risky, django_user_model):
    users = {}
    for category in (Category.COOLING, Category.CHIPS):
        user = django_user_model.objects.create_user(f"{category}-user", password="x")
        user.groups.add(Group.objects.get_or_create(name=SUPPLIER_GROUP)[0])
        SupplierMembership.objects.create(user=user, supplier=risky.suppliers[category])
        users[category] = user
    return users


def test_a_supplier_sees_its_own_scorecard_and_lines_only(risky, supplier_users, planner):
    cooling, chips = risky.suppliers[Category.COOLING], risky.suppliers[Category.CHIPS]
    client = client_for(supplier_users[Category.COOLING])
    listed = client.get("/api/v1/supplier-scorecards/").json()["results"]
    assert [r["supplier_id"] for r in listed] == [cooling.pk] and listed[0]["n_deliveries"] == 6
    assert client.get(f"/api/v1/supplier-scorecards/{cooling.pk}/").status_code == 200
    assert client.get(f"/api/v1/supplier-scorecards/{chips.pk}/").status_code == 404
    assert client.get(f"/api/v1/supplier-line-risk/{chips.pk}/").status_code == 404
    assert client.get(f"/api/v1/program-risk/{risky.project.pk}/").status_code == 403

    response = client.get(f"/api/v1/supplier-line-risk/{cooling.pk}/", {"draws": 200})
    assert response.status_code == 200, response.content
    lines = response.json()["lines"]
    own = ContractLine.objects.filter(contract__supplier=cooling)  # on every program, the earlier one too
    assert {r["line_id"] for r in lines} == set(own.values_list("pk", flat=True))
    for row in (r for r in lines if r["project_id"] == risky.project.pk):  # EARLY days ahead, always LATE late
        required = row["required_on_site"]
        assert row["arrival_p50"] == str(today_plus(required, LATE - EARLY)) and row["prob_late"] == 1.0

    everyone = client_for(planner).get("/api/v1/supplier-scorecards/", {"page_size": 500}).json()["results"]
    assert {r["supplier_id"] for r in everyone} >= {cooling.pk, chips.pk}


def today_plus(iso: str, days: int) -> date:
    return date.fromisoformat(iso) + timedelta(days=days)


def test_program_risk_api_for_planners_and_bad_draws_name_the_field(risky, planner):
    client = client_for(planner)
    response = client.get(f"/api/v1/program-risk/{risky.project.pk}/", {"draws": 200, "seed": 4})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["draws"] == 200 and body["seed"] == 4 and len(body["blocks"]) == 2
    assert body["supplier_drivers"][0]["supplier_id"] == risky.suppliers[Category.COOLING].pk
    for bad in ({"draws": 5}, {"draws": "many"}, {"seed": -1}):
        refused = client.get(f"/api/v1/program-risk/{risky.project.pk}/", bad)
        assert refused.status_code == 400 and refused.json()["field"] == next(iter(bad)), refused.content


def test_the_current_slips_are_priced_at_the_site_models_cost_of_delay(risky, planner):
    cooling = risky.contracts[Category.COOLING]
    cooling.late_penalty_per_day = Decimal("2500.00")
    cooling.save(update_fields=["late_penalty_per_day"])
    econ = site_economics(risky.project.site, risky.project.target_mw, None)
    data = project_delay_costs(project=risky.project)
    months = (LATE - EARLY) / (365.25 / 12)  # both blocks: cooling de-rated 30 days, promised 10 days early
    assert data["prices"]["cost_of_delay_usd_per_mw_month"] == econ.cost_of_delay_usd_per_mw_month
    assert [(b["index"], b["days_late"]) for b in data["blocks"]] == [(1, LATE - EARLY), (2, LATE - EARLY)]
    assert data["mw_months"] == pytest.approx(100.0 * months)
    assert data["gpu_months"] == pytest.approx(sum(b.gpus for b in risky.blocks) * months)
    assert data["usd"] == pytest.approx(100.0 * months * econ.cost_of_delay_usd_per_mw_month)
    (penalty,) = data["penalties"]
    assert (penalty["contract_id"], penalty["days"], penalty["amount"]) == (cooling.pk, 20, Decimal("50000.00"))
    assert data["penalties_usd"] == Decimal("50000.00")
    # A block's cooling lines tie, so one alone saves nothing; the whole cooling contract on time (ready by its
    # need date) brings each block back to its plan: 20 days per block.
    assert data["expedite"] == []
    (contract,) = data["expedite_contracts"]
    saved = LATE - EARLY
    assert (contract["contract_id"], contract["days_saved"], contract["mw_days"]) == (cooling.pk, saved, 100.0 * saved)

    response = client_for(planner).get(f"/api/v1/program-delay-cost/{risky.project.pk}/")
    assert response.status_code == 200 and response.json()["penalties"][0]["amount"] == "50000.00"


def test_supplier_accounts_cannot_read_the_programs_cost(risky, supplier_users):
    client = client_for(supplier_users[Category.COOLING])
    assert client.get(f"/api/v1/program-delay-cost/{risky.project.pk}/").status_code == 403


def test_a_new_contract_with_a_supplier_below_the_threshold_raises_one_alert(program, site):
    weak, good = program.suppliers[Category.CHIPS], program.suppliers[Category.LAND]
    closed_history(site, {weak: [0, 0, 0, 20, 25, 30], good: [0] * 6})  # 50 % and 100 % on time
    assert not Alert.objects.filter(kind="weak_supplier").exists()  # no record yet when the first ones were placed
    flagged = contract_create(supplier=weak, project=program.project, reference="NEW-CHIPS")
    contract_create(supplier=good, project=program.project, reference="NEW-LAND")
    (alert,) = Alert.objects.filter(kind="weak_supplier")
    assert alert.supplier == weak and alert.project == program.project and "NEW-CHIPS" in alert.message
    assert alert.data["on_time_rate"] == 0.5 and alert.data["n_deliveries"] == 6
    assert contract_supplier_flag(contract=flagged) is None  # raised once per contract


def test_the_risk_output_says_whether_share_and_prior_strength_were_fitted(program, site, settings, planner):
    settings.ORCHESTRATION_RISK_SUPPLIER_SHARE, settings.ORCHESTRATION_RISK_PRIOR_STRENGTH = 0.6, 4.0
    thin = project_risk(project=program.project, draws=100)
    assert thin["supplier_share"] == 0.6
    for name, default in (("supplier_share", 0.6), ("prior_strength", 4.0)):
        fit = thin["fit"][name]
        assert (fit["value"], fit["fitted"], fit["n"]) == (default, False, 0) and fit["reason"]

    # Six cooling suppliers, eight closed deliveries each a week apart (two or three calendar quarters each).
    rng = np.random.default_rng(2)
    records = {Supplier.objects.create(name=f"Chiller {k}", category=Category.COOLING): rng.integers(0, 40, 8).tolist()
               for k in range(6)}  # fmt: skip
    records = {supplier: [s if rng.random() < 0.6 else 0 for s in slips] for supplier, slips in records.items()}
    closed_history(site, records)
    ids, committed, slips = [], [], []
    start = today() - timedelta(days=300)
    for supplier, record in records.items():
        for k, slip in enumerate(record):
            ids.append(supplier.pk)
            committed.append((start + timedelta(days=7 * k)).toordinal())
            slips.append(slip)
    expected_share = fit_supplier_share(np.array(ids), np.array(committed), np.array(slips), default=0.6)
    cooling = np.full(len(ids), CATEGORY_CODE[Category.COOLING])
    expected_k = fit_prior_strength(np.array(ids), cooling, np.array(slips) > 0, default=4.0)
    data = client_for(planner).get(f"/api/v1/program-risk/{program.project.pk}/", {"draws": 100}).json()
    assert data["fit"]["supplier_share"]["fitted"] == expected_share.fitted
    assert data["fit"]["supplier_share"]["value"] == pytest.approx(expected_share.value)
    assert data["fit"]["supplier_share"]["n"] == expected_share.n >= 30
    assert data["supplier_share"] == pytest.approx(expected_share.value)
    assert data["fit"]["prior_strength"]["fitted"] and data["fit"]["prior_strength"]["n"] == 6 == expected_k.n
    assert data["fit"]["prior_strength"]["value"] == pytest.approx(expected_k.value)
