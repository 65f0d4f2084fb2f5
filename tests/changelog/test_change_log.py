"""The change log on real PostgreSQL: trigger-written rows, who/why context, the API's filters and scoping."""

from __future__ import annotations

import contextlib
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import transaction
from pghistory.models import Events
from rest_framework.test import APIClient

from changelog.commands import command_context
from config.api.roles import PLANNER_GROUP, SUPPLIER_GROUP
from orchestration.models import Category, Contract, SupplierMembership
from sitesel.models import Site
from tests.orchestration.conftest import make_program

pytestmark = pytest.mark.django_db


def site_rows(site: Site) -> list[Events]:
    return list(Events.objects.tracks(site).order_by("pgh_id"))


@pytest.fixture
def site() -> Site:
    return Site.objects.create(name="Change log test site", point=Point(-97.5, 32.5, srid=4326))


@pytest.fixture
def planner_user(django_user_model):
    user = django_user_model.objects.create_user("erin-planner", password="x")
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def history(client: APIClient, **params) -> list[dict]:
    response = client.get("/api/v1/history/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_an_api_edit_records_who_why_and_before_after(site, planner_user):
    response = client_for(planner_user).patch(
        f"/api/v1/sites/{site.pk}/",
        {"notes": "near the 500 kV line", "land_price_usd_per_acre": "12500.00"},
        format="json",
        HTTP_X_CHANGE_REASON=quote("broker quote, 3 Dec — revised"),
    )
    assert response.status_code == 200, response.content

    entries = history(client_for(planner_user), object_type="site", object_id=site.pk)
    assert [entry["action"] for entry in entries] == ["update", "insert"]
    update = entries[0]
    assert update["actor"] == "erin-planner"
    assert update["reason"] == "broker quote, 3 Dec — revised"
    assert update["via"] == f"/api/v1/sites/{site.pk}/"
    assert update["changes"]["notes"] == ["", "near the 500 kV line"]
    assert update["changes"]["land_price_usd_per_acre"] == [None, 12500.0]
    assert "status" not in update["changes"]  # only what changed


def test_a_rolled_back_write_leaves_no_row(site):
    before = len(site_rows(site))
    with pytest.raises(RuntimeError), transaction.atomic():
        Site.objects.filter(pk=site.pk).update(notes="never committed")
        raise RuntimeError("the service failed after the write")
    assert len(site_rows(site)) == before


def test_bulk_updates_and_deletes_that_bypass_model_save_are_recorded(site):
    Site.objects.filter(pk=site.pk).update(status="shortlisted")  # no save(), no signals
    site_id = site.pk
    Site.objects.filter(pk=site_id).delete()

    rows = list(Events.objects.filter(pgh_obj_model="sitesel.Site", pgh_obj_id=str(site_id)).order_by("pgh_id"))
    assert [row.pgh_label for row in rows] == ["insert", "update", "delete"]
    assert rows[1].pgh_diff["status"] == ["candidate", "shortlisted"]
    assert rows[2].pgh_data["name"] == "Change log test site"  # what was deleted stays readable


def test_derived_columns_do_not_make_noise(site):
    Site.objects.filter(pk=site.pk).update(county_name="Somewhere", state="TX")  # computed from layers
    assert [row.pgh_label for row in site_rows(site)] == ["insert"]


def test_a_bad_reason_header_is_refused_before_anything_is_written(site, planner_user):
    client = client_for(planner_user)
    response = client.patch(
        f"/api/v1/sites/{site.pk}/", {"notes": "x"}, format="json", HTTP_X_CHANGE_REASON="a" * 501
    )
    assert response.status_code == 400
    assert response.json()["field"] == "X-Change-Reason"
    response = client.patch(f"/api/v1/sites/{site.pk}/", {"notes": "x"}, format="json", HTTP_X_CHANGE_REASON="%ff")
    assert response.status_code == 400 and "UTF-8" in response.json()["message"]
    assert [row.pgh_label for row in site_rows(site)] == ["insert"]
    site.refresh_from_db()
    assert site.notes == ""


def test_a_status_move_records_the_services_reason(site, planner_user):
    response = client_for(planner_user).post(
        f"/api/v1/sites/{site.pk}/status/", {"status": "shortlisted", "reason": "grid study came back clean"},
        format="json",
    )
    assert response.status_code == 200, response.content
    update = history(client_for(planner_user), object_type="site", object_id=site.pk, action="update")[0]
    assert update["reason"] == "grid study came back clean"
    assert update["changes"]["status"] == ["candidate", "shortlisted"]


def test_filters_by_actor_time_and_type_and_refuses_bad_ones(site, planner_user):
    client = client_for(planner_user)
    client.patch(f"/api/v1/sites/{site.pk}/", {"notes": "by erin"}, format="json")
    assert {entry["actor"] for entry in history(client, actor="erin-planner")} == {"erin-planner"}
    assert history(client, actor="nobody") == []
    assert history(client, object_type="site", since="2999-01-01T00:00:00Z") == []
    assert history(client, object_type="site", until="2000-01-01T00:00:00Z") == []
    assert {entry["object_type"] for entry in history(client, object_type="site")} == {"site"}

    for params, field in (
        ({"object_type": "sites"}, "object_type"),
        ({"object_id": site.pk}, "object_id"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
    ):
        response = client.get("/api/v1/history/", params)
        assert response.status_code == 400, params
        assert response.json()["field"] == field


def test_a_supplier_sees_only_its_own_objects_history(site, planner_user, django_user_model):
    program = make_program(site, name="Audit program", blocks=1)
    own, other = program.suppliers[Category.CHIPS], program.suppliers[Category.COOLING]
    user = django_user_model.objects.create_user("dave-supplier", password="x")
    user.groups.add(Group.objects.get_or_create(name=SUPPLIER_GROUP)[0])
    SupplierMembership.objects.create(user=user, supplier=own)
    planners = client_for(planner_user)
    for supplier in (own, other):
        contract = Contract.objects.get(supplier=supplier)
        response = planners.patch(f"/api/v1/contracts/{contract.pk}/", {"late_penalty_per_day": "25000.00"},
                                  format="json")
        assert response.status_code == 200, response.content

    seen = history(client_for(user))
    assert seen, "the supplier's own contract, lines and supplier row have history"
    own_contract = str(Contract.objects.get(supplier=own).pk)
    other_contract = str(Contract.objects.get(supplier=other).pk)
    contract_ids = {entry["object_id"] for entry in seen if entry["object_type"] == "contract"}
    assert contract_ids == {own_contract}
    assert other_contract in {e["object_id"] for e in history(planners, object_type="contract")}
    assert {entry["object_type"] for entry in seen} <= {"supplier", "supplier-membership", "contract",
                                                         "contract-line", "delivery"}


def test_a_management_command_names_itself(tmp_path):
    csv = tmp_path / "one.csv"
    csv.write_text("id,name,longitude,latitude\ncmd-1,Command site,-97.1,32.9\n")
    with command_context(["manage.py", "import_sites", str(csv)]):
        call_command("import_sites", str(csv))
    site = Site.objects.get(source_ref="cmd-1")
    assert site_rows(site)[0].pgh_context == {"command": "import_sites"}
    # A server serves many requests, each naming its own user and URL: it gets no command context.
    assert isinstance(command_context(["manage.py", "runserver"]), contextlib.nullcontext)


def test_the_api_root_lists_resources_and_needs_a_sign_in(planner_user):
    assert APIClient().get("/api/v1/").status_code == 401
    response = client_for(planner_user).get("/api/v1/")
    assert response.status_code == 200
    resources = response.json()["resources"]
    for name in ("sites", "scoring-runs", "contracts", "deliveries", "history"):
        assert resources[name].endswith(f"/api/v1/{name}/")
    assert client_for(planner_user).get(resources["history"]).status_code == 200


def test_the_site_page_links_to_a_history_page_that_shows_who_and_why(site, planner_user, client):
    client_for(planner_user).patch(
        f"/api/v1/sites/{site.pk}/", {"notes": "fenced"}, format="json", HTTP_X_CHANGE_REASON="survey done"
    )
    client.force_login(planner_user)
    assert f"/history/site/{site.pk}/" in client.get(f"/sites/{site.pk}/").content.decode()
    page = client.get(f"/history/site/{site.pk}/").content.decode()
    assert "survey done" in page and "erin-planner" in page and "fenced" in page
    assert client.get("/history/not-a-type/1/").status_code == 404


def test_history_pages_are_for_internal_readers_only(site, django_user_model, client):
    outsider = django_user_model.objects.create_user("no-role", password="x")
    client.force_login(outsider)
    assert client.get(f"/history/site/{site.pk}/").status_code == 403


def test_the_admin_change_page_links_to_the_objects_events(site, admin_client):
    page = admin_client.get(f"/admin/sitesel/site/{site.pk}/change/").content.decode()
    assert f"obj=sitesel.Site:{site.pk}" in page
    events = admin_client.get(f"/admin/pghistory/events/?method=tracks&obj=sitesel.Site:{site.pk}")
    assert events.status_code == 200 and "Change log test site" in events.content.decode()


def test_pages_follow_one_newest_first_order_across_change_tables(site, planner_user):
    client = client_for(planner_user)
    earlier = client.get("/api/v1/history/").json()["count"]  # rows other tests' session setup committed
    Scenario = site._meta.apps.get_model("sitesel", "Scenario")
    scenario = Scenario.objects.create(name="Paged scenario", spec={})
    for n in range(3):
        client.patch(f"/api/v1/sites/{site.pk}/", {"notes": f"edit {n}"}, format="json")
        Scenario.objects.filter(pk=scenario.pk).update(description=f"edit {n}")
    everything = history(client)
    assert len(everything) == earlier + 7  # the site's insert was already counted; 3 + scenario 1 + 3 more
    paged = []
    for page in (1, 2, 3, 4):
        response = client.get("/api/v1/history/", {"page_size": 2, "page": page})
        assert response.status_code == 200
        paged += response.json()["results"]
    assert [entry["id"] for entry in paged] == [entry["id"] for entry in everything[:8]]
    assert {entry["object_type"] for entry in paged} == {"site", "scenario"}
    stamps = [entry["at"] for entry in everything]
    assert stamps == sorted(stamps, reverse=True)

