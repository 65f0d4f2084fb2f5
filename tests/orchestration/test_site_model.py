"""A program created at a site starts from the site model's block dates, and a plan earlier than the model's
P10 is flagged in the API, the forecast, the dashboard and the admin, before and after plan edits."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import ApplicationError
from orchestration.models import BlockEvent, BuildProject, CapacityBlock, State
from orchestration.services.projects import project_create
from sitesel.models import ScoringRun
from sitesel.services.scoring_runs import scenario_default
from sitesel.services.site_economics import site_economics, site_phased_schedule

pytestmark = pytest.mark.django_db

DECISION = date(2026, 1, 15)


def months_later(months: float) -> date:
    """The model's months from the decision as a date (average months of 365.25 / 12 days)."""
    return DECISION + timedelta(days=round(months * 365.25 / 12))


def create(site, name="Model program", **kwargs) -> BuildProject:
    args = {"target_mw": 1000.0, "block_mw": 50.0, "decision_date": DECISION, **kwargs}
    return project_create(site=site, name=name, actor=None, **args)


def bands(project: BuildProject) -> list[tuple]:
    return list(project.blocks.order_by("index").values_list("model_block", "model_p10", "model_p50", "model_p90"))


@pytest.fixture
def api(planner) -> APIClient:
    client = APIClient()
    client.force_authenticate(planner)
    return client


def test_without_a_first_go_live_every_block_is_planned_at_the_model_p50(site):
    project = create(site)

    schedule = site_phased_schedule(site, 1000.0)
    economics = site_economics(site, 1000.0)
    blocks = list(project.blocks.order_by("index"))
    assert len(blocks) == len(schedule.blocks) == 20
    for block, model in zip(blocks, schedule.blocks, strict=True):
        assert block.planned_go_live == block.model_p50 == months_later(model.live_months_p50)
        assert (block.model_p10, block.model_p90) == (
            months_later(model.live_months_p10),
            months_later(model.live_months_p90),
        )
        assert block.model_block == model.index and not block.before_model_p10
    assert project.planned_from_model and project.planned_first_go_live == blocks[0].planned_go_live
    assert (project.model_version, project.model_decision_date, project.model_run) == (
        economics.model_version,
        DECISION,
        None,
    )
    assert (project.model_seed, project.model_draws) == (0, 500)
    assert project.model_grid_energised_p50 == months_later(economics.grid_energised_months_p50)
    assert project.model_on_site_power == economics.bridge_power_used
    # The test site has no facts: the model still dates it, and says what it filled in.
    assert project.model_missing_inputs == list(economics.missing_inputs) and "iso_region" in economics.missing_inputs
    assert project.grid_power_date is None  # the utility date is tracked only when asked for


def test_blocks_of_another_size_take_the_band_of_the_model_block_that_completes_their_mw(site):
    model = bands(create(site, name="50 MW blocks"))
    double = bands(create(site, name="100 MW blocks", block_mw=100.0))
    assert [b[0] for b in double] == list(range(2, 21, 2))
    assert [b[1:] for b in double] == [model[k][1:] for k in range(1, 20, 2)]
    # 130 MW in 30 MW blocks against model blocks of 50, 50 and 30 MW.
    uneven = create(site, name="30 MW blocks", target_mw=130.0, block_mw=30.0)
    schedule = site_phased_schedule(site, 130.0)
    assert [b.mw for b in schedule.blocks] == [50.0, 50.0, 30.0]
    assert [b[0] for b in bands(uneven)] == [1, 2, 2, 3, 3]
    assert [b[2] for b in bands(uneven)] == [months_later(schedule.blocks[k - 1].live_months_p50)
                                            for k in (1, 2, 2, 3, 3)]  # fmt: skip


def test_the_run_given_supplies_the_model_seed_and_draws(site):
    run = ScoringRun.objects.create(scenario=scenario_default(), scenario_spec={}, seed=7, draws=200)
    project = create(site, model_run=run)
    schedule = site_phased_schedule(site, 1000.0, run)
    assert (project.model_run, project.model_seed, project.model_draws) == (run, 7, 200)
    assert [b[2] for b in bands(project)] == [months_later(b.live_months_p50) for b in schedule.blocks]
    assert bands(project) != bands(create(site, name="Default draws"))  # the run's draws, not the defaults


def test_a_hand_set_plan_keeps_the_band_and_is_flagged_only_where_earlier_than_p10(site):
    early = create(site, name="Early", planned_first_go_live=DECISION + timedelta(days=450), blocks_interval_days=45)
    assert not early.planned_from_model
    assert bands(early) == bands(create(site, name="From the model"))  # the band does not depend on the plan
    assert all(block.before_model_p10 for block in early.blocks.all())

    first_p50 = early.blocks.get(index=1).model_p50
    inside = create(site, name="Inside", planned_first_go_live=first_p50, blocks_interval_days=30)
    for block in inside.blocks.all():
        assert block.model_p10 <= block.planned_go_live, block.index
        assert not block.before_model_p10


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"blocks_interval_days": 45}, "blocks_interval_days"),  # spacing without a first date
        ({"decision_date": date(1999, 12, 31)}, "decision_date"),
        ({"decision_date": date(2190, 1, 1)}, "decision_date"),  # the P90 falls past 2200
        ({"decision_date": date(9999, 12, 1)}, "decision_date"),  # off the calendar
        ({"grid_power_date": date(2030, 1, 1), "grid_power_from_model": True}, "grid_power_date"),
    ],
)
def test_bad_model_inputs_are_refused_naming_the_field(site, kwargs, field):
    with pytest.raises(ApplicationError) as refused:
        create(site, **kwargs)
    assert refused.value.field == field
    assert not BuildProject.objects.exists() and not CapacityBlock.objects.exists()


def test_the_api_creates_from_the_model_and_shows_band_flag_and_missing_inputs(api, site):
    body = {"site": site.pk, "name": "API program", "target_mw": 200, "block_mw": 50, "decision_date": "2026-01-15"}
    response = api.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["blocks_before_model_p10"] == 0
    assert body["site_model"]["planned_from_model"] and body["site_model"]["decision_date"] == "2026-01-15"
    assert "iso_region" in body["site_model"]["missing_inputs"] and body["site_model"]["model_version"]
    for block in body["blocks"]:
        assert block["planned_go_live"] == block["model_p50"] and block["before_model_p10"] is False
        assert block["model_p10"] <= block["model_p50"] <= block["model_p90"]

    early = api.post("/api/v1/projects/", {"site": site.pk, "name": "API early", "target_mw": 200, "block_mw": 50,
                                           "planned_first_go_live": "2027-01-01"}, format="json")  # fmt: skip
    assert early.status_code == 201 and early.json()["blocks_before_model_p10"] == 4
    forecast = api.get(f"/api/v1/projects/{early.json()['id']}/forecast/").json()
    assert forecast["blocks_before_model_p10"] == 4
    assert all(b["before_model_p10"] and b["model_p10"] > b["planned_go_live"] for b in forecast["blocks"])

    refused = api.post("/api/v1/projects/", {"site": site.pk, "name": "API bad", "target_mw": 200, "block_mw": 50,
                                             "blocks_interval_days": 30}, format="json")  # fmt: skip
    assert refused.status_code == 400 and refused.json()["field"] == "blocks_interval_days"
    refused = api.post("/api/v1/projects/", {"site": site.pk, "name": "API bad", "target_mw": 200, "block_mw": 50,
                                             "decision_date": "9999-12-01"}, format="json")  # fmt: skip
    assert refused.status_code == 400 and refused.json()["field"] == "decision_date"


def test_the_flag_follows_plan_edits_in_the_api(api, site):
    project = create(site, target_mw=100.0)
    block = project.blocks.get(index=1)
    url = f"/api/v1/blocks/{block.pk}/plan/"
    before_p10 = block.model_p10 - timedelta(days=1)

    moved = api.post(url, {"planned_go_live": str(before_p10), "reason": "crews available early"}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["planned_go_live"] == str(before_p10) and moved.json()["before_model_p10"] is True
    assert api.get(f"/api/v1/projects/{project.pk}/").json()["blocks_before_model_p10"] == 1
    forecast = api.get(f"/api/v1/projects/{project.pk}/forecast/").json()
    assert [b["before_model_p10"] for b in forecast["blocks"]] == [True, False]
    assert forecast["blocks_before_model_p10"] == 1
    flagged = api.get("/api/v1/blocks/", {"project": project.pk, "before_model_p10": "true"}).json()["results"]
    assert [b["id"] for b in flagged] == [block.pk]

    back = api.post(url, {"planned_go_live": str(block.model_p10), "reason": "back to the model"}, format="json")
    assert back.status_code == 200 and back.json()["before_model_p10"] is False
    assert api.get(f"/api/v1/projects/{project.pk}/forecast/").json()["blocks_before_model_p10"] == 0
    assert api.get("/api/v1/blocks/", {"project": project.pk, "before_model_p10": "true"}).json()["results"] == []
    unflagged = api.get("/api/v1/blocks/", {"project": project.pk, "before_model_p10": "false"}).json()["results"]
    assert len(unflagged) == 2

    events = BlockEvent.objects.filter(block=block, kind=BlockEvent.Kind.PLAN).order_by("at", "pk")
    assert [e.data["before_model_p10"] for e in events] == [[False, True], [True, False]]
    assert events[0].data["planned_go_live"] == [str(block.model_p50), str(before_p10)]
    assert events[0].reason == "crews available early" and events[0].source == "api"


def test_plan_edits_refuse_bad_input_and_live_blocks(api, site):
    project = create(site, target_mw=50.0)
    block = project.blocks.get()
    url = f"/api/v1/blocks/{block.pk}/plan/"
    for body, field in (
        ({"planned_go_live": "2030-01-01"}, "reason"),
        ({"planned_go_live": "2200-01-01", "reason": "r"}, "planned_go_live"),
        ({"planned_go_live": "1999-12-31", "reason": "r"}, "planned_go_live"),
        ({"planned_go_live": "soon", "reason": "r"}, "planned_go_live"),
    ):
        response = api.post(url, body, format="json")
        assert response.status_code == 400 and response.json()["field"] == field, (body, response.content)
    CapacityBlock.objects.filter(pk=block.pk).update(state=State.LIVE, live_on=DECISION)
    response = api.post(url, {"planned_go_live": "2030-01-01", "reason": "r"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "block_live"
    block.refresh_from_db()
    assert block.planned_go_live == block.model_p50 and not BlockEvent.objects.exists()


def test_the_dashboard_shows_the_band_and_a_labelled_flag_with_both_dates(client, planner, site):
    project = create(site, target_mw=100.0)
    block = project.blocks.get(index=1)
    client.force_login(planner)
    page = client.get(f"/programs/{project.pk}/").content.decode()
    assert "No block is planned before the site model's P10." in page
    assert f"{block.model_p10:%Y-%m-%d} – {block.model_p90:%Y-%m-%d}" in page
    assert project.model_version in page and "site facts missing, filled in conservatively" in page

    CapacityBlock.objects.filter(pk=block.pk).update(planned_go_live=date(2028, 2, 29))
    page = client.get(f"/programs/{project.pk}/").content.decode()
    text = f"plan 2028-02-29 is before the site model&#x27;s P10 {block.model_p10:%Y-%m-%d}"
    assert f'<li class="model-flag">Block 1: {text}</li>' in page
    assert page.count('<span class="model-flag"') == 1
    assert "1 of 2 blocks" in page

    BuildProject.objects.filter(pk=project.pk).update(model_version="")
    CapacityBlock.objects.filter(project=project).update(model_p10=None, model_p50=None, model_p90=None)
    page = client.get(f"/programs/{project.pk}/").content.decode()
    assert "created before blocks stored the site model" in page and "model-flag" not in page


@pytest.fixture
def admin_client_(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_the_admin_shows_band_and_flag_read_only_and_records_plan_edits(admin_client_, site):
    project = create(site, target_mw=100.0)
    block = project.blocks.get(index=1)
    url = reverse("admin:orchestration_capacityblock_change", args=[block.pk])
    form = {"phase": 1, "mw": 50, "gpus": block.gpus, "planned_go_live": "2028-02-29", "commissioning_days": 45,
            "bom_lines-TOTAL_FORMS": 0, "bom_lines-INITIAL_FORMS": 0, "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
            # read-only in the admin: a posted band is ignored
            "model_p10": "2000-01-01"}  # fmt: skip
    assert admin_client_.post(url, form).status_code == 302
    block.refresh_from_db()
    assert block.planned_go_live == date(2028, 2, 29) and block.model_p10 > date(2028, 2, 29)
    event = BlockEvent.objects.get(block=block)
    assert event.kind == "plan" and event.source == "admin" and event.data["before_model_p10"] == [False, True]

    page = admin_client_.get(url).content.decode()
    assert f"plan 2028-02-29 is before the site model&#x27;s P10 {block.model_p10:%Y-%m-%d}" in page
    assert 'name="model_p10"' not in page  # shown, not editable
    project_page = admin_client_.get(reverse("admin:orchestration_buildproject_change", args=[project.pk]))
    assert project.model_version in project_page.content.decode()

    refused = admin_client_.post(url, {**form, "planned_go_live": "1999-01-01"})
    assert refused.status_code == 200 and "must be on or after 2000-01-01" in refused.content.decode()
    assert BlockEvent.objects.filter(block=block).count() == 1
