"""The demo program and its stand-in feeds: loaded once, checked through the real services, idempotent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from orchestration.demo.program import PROJECT_NAME, demo_feeds_build, demo_program_load
from orchestration.models import Alert, BuildProject, ContractLine, Delivery, FeedReview, PromiseChange, Supplier
from orchestration.services.blocks import block_plan_update
from orchestration.services.checks import supplier_check_request, supplier_check_run
from orchestration.services.risk import portfolio_band, project_risk
from orchestration.site_selection import site_pick

pytestmark = pytest.mark.django_db


def test_the_demo_program_loads_once_and_its_feeds_apply_once(site, local_server, settings, tmp_path):
    settings.SUPPLIER_CSV_DROP_ROOT = tmp_path
    picked, why, run = site_pick()
    assert picked == site and "generation capacity" in why and run is None
    project, created = demo_program_load(site=site, feed_base_url=local_server.url(""))
    again, created_again = demo_program_load(site=site, feed_base_url=local_server.url(""))
    assert (created, created_again, again) == (True, False, project)
    assert project.blocks.count() == 20 and sum(project.blocks.values_list("gpus", flat=True)) == 453_600
    # Planned from the site model: every block at its P50, the utility's date at the grid energised P50.
    assert project.planned_from_model and project.model_decision_date == timezone.localdate()
    assert all(b.planned_go_live == b.model_p50 and not b.before_model_p10 for b in project.blocks.all())
    assert project.grid_power_date == project.model_grid_energised_p50 is not None
    assert sorted(Supplier.objects.values_list("category", flat=True)) == sorted(
        ["chips", "memory", "networking", "power_equipment", "cooling", "buildings", "onsite_generation",
         "power_distribution", "land"]
    )  # fmt: skip
    assert ContractLine.objects.filter(contract__project=project, blocks__isnull=False).count() == 20 * 19
    assert PromiseChange.objects.filter(days__gt=0).exists()
    assert (tmp_path / "steelframe" / "ship-notices.csv").exists()

    for path, body in demo_feeds_build(project=project).items():
        local_server.route(path, body)
    for supplier in Supplier.objects.order_by("name"):
        assert supplier_check_run(supplier_id=supplier.pk)["status"] == "succeeded", supplier
    reviews = set(FeedReview.objects.values_list("supplier__name", "reason"))
    assert reviews == {("Helios Accelerators", "unknown_value"), ("Lumen Optics & Switching", "unknown_reference")}
    gridline_slip = Alert.objects.filter(
        kind="new_slip", supplier__name="Gridline Transformers", message__contains="B03"
    )
    assert gridline_slip.count() == 2
    assert Alert.objects.filter(kind="forecast_past_plan", block__index=3).exists()
    assert Delivery.objects.filter(supplier__name="Steelframe Builders", status="shipped").count() == 2

    counts = (
        Delivery.objects.count(),
        PromiseChange.objects.count(),
        Alert.objects.count(),
        FeedReview.objects.count(),
    )
    for supplier in Supplier.objects.all():
        run = supplier_check_request(supplier=supplier, enqueue=False)
        supplier_check_run(supplier_id=supplier.pk, run_id=run.pk)
    assert counts == (Delivery.objects.count(), PromiseChange.objects.count(), Alert.objects.count(),
                      FeedReview.objects.count())  # fmt: skip

    out = StringIO()
    call_command("orchestration_demo_report", stdout=out)
    report = out.getvalue()
    assert PROJECT_NAME in report and "MW live by quarter" in report and "2 " in report
    assert report.count("power_equipment") >= 1 and BuildProject.objects.count() == 1
    assert f"site model {project.model_version}" in report
    assert "Blocks planned before the site model's P10: 0 of 20" in report and "FLAG" not in report
    for block in project.blocks.all():
        assert f"{block.model_p10} – {block.model_p90}" in report
    risk = project_risk(project=project)  # the report's draws and seed
    assert f"go-live P50 {risk['p50']}, P80 {risk['p80']}, P90 {risk['p90']}" in report, report
    top = risk["supplier_drivers"][0]
    assert f"  1. {top['supplier']} ({top['category']}): +{top['p80_days']} d on P80" in report
    assert "Cost of the current slips" in report and "GPU-months not delivered" in report
    share = risk["fit"]["supplier_share"]
    assert f"within-supplier share {share['value']:.2f} (" in report
    band = portfolio_band(projects=[project])  # one program: the band is its own MW band
    assert [q["mw_p50"] for q in band["quarters"]] == [q["mw_p50"] for q in risk["mw_live_by_quarter"]]
    last = next(q for q in band["quarters"] if q["planned_mw_cumulative"] == project.target_mw)
    assert f"MW live P10 {last['mw_p10']:,.0f}, P50 {last['mw_p50']:,.0f}, P90 {last['mw_p90']:,.0f}" in report

    block = project.blocks.get(index=5)
    early = block.model_p10 - timedelta(days=200)
    block_plan_update(block=block, planned_go_live=early, actor=None, reason="pulled forward")
    out = StringIO()
    call_command("orchestration_demo_report", stdout=out)
    report = out.getvalue()
    assert report.count("FLAG") == 1 and "Blocks planned before the site model's P10: 1 of 20" in report
    assert f"block 5: plan {early} is before the site model's P10 {block.model_p10}" in report
