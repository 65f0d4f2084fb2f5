"""Supplier feed checks against a real local HTTP server / a real drop directory: idempotent ingestion,
slips, reviews for unknown values and references, alerts (email + webhook)."""

import json
from datetime import timedelta

import pytest
from django.core import mail

from orchestration.models import (
    Alert,
    Category,
    Delivery,
    DeliveryEvent,
    FeedReview,
    PromiseChange,
    Supplier,
    SupplierCheckRun,
)
from orchestration.services.alerts import alert_send
from orchestration.services.checks import supplier_check_request, supplier_check_run
from orchestration.services.deliveries import delivery_create
from orchestration.services.forecast import project_forecast

from .conftest import today

pytestmark = pytest.mark.django_db
SLIP = 21


@pytest.fixture
def chips(program):
    """The chips supplier with one open delivery per line, promised 30 days before required on site."""
    supplier = program.suppliers[Category.CHIPS]
    for number, line in enumerate(program.lines(Category.CHIPS), start=1):
        delivery_create(
            line=line,
            shipment_ref=f"NV-{number}",
            quantity=line.quantity,
            promised_date=line.required_on_site - timedelta(days=30),
        )
    line = program.lines(Category.CHIPS)[0]
    delivery_create(line=line, shipment_ref="NV-1C", quantity=0, promised_date=line.required_on_site)
    for category, contract in program.contracts.items():  # every other input promised 10 days early
        if category != Category.CHIPS:
            for line in contract.lines.all():
                delivery_create(
                    line=line,
                    shipment_ref=f"P-{line.pk}",
                    quantity=line.quantity,
                    promised_date=line.required_on_site - timedelta(days=10),
                )
    return supplier


def feed_rows(program, supplier) -> list[dict]:
    lines = program.lines(Category.CHIPS)
    first = Delivery.objects.get(shipment_ref="NV-1")
    ref = lines[0].contract.reference
    return [
        # A slip: the supplier confirms NV-1 three weeks after its promise.
        {
            "shipment_ref": "NV-1",
            "contract_ref": ref,
            "line_no": lines[0].line_no,
            "quantity": str(first.quantity),
            "status": "in_production",
            "promised_date": str(first.promised_date),
            "confirmed_date": str(first.promised_date + timedelta(days=SLIP)),
        },
        # Shipped, with a carrier ETA.
        {
            "shipment_ref": "NV-2",
            "contract_ref": ref,
            "line_no": lines[1].line_no,
            "quantity": "315",
            "status": "shipped",
            "shipped_on": str(today()),
            "expected_date": str(today() + timedelta(days=12)),
        },
        # A new shipment (a split lot) on line 1.
        {
            "shipment_ref": "NV-1B",
            "contract_ref": ref,
            "line_no": lines[0].line_no,
            "quantity": "0",
            "status": "scheduled",
            "promised_date": str(today() + timedelta(days=90)),
        },
        # Unknown status value: held for review, never applied.
        {
            "shipment_ref": "NV-2",
            "contract_ref": ref,
            "line_no": lines[1].line_no,
            "quantity": "315",
            "status": "lost_at_sea",
        },
        # Unknown reference.
        {"shipment_ref": "NV-9", "contract_ref": ref, "line_no": 999, "quantity": "1", "status": "scheduled"},
        # Unknown field.
        {
            "shipment_ref": "NV-1",
            "contract_ref": ref,
            "line_no": lines[0].line_no,
            "quantity": "1",
            "status": "scheduled",
            "priority": "urgent",
        },
        # A changed contractual promise: a conflict, held for review.
        {
            "shipment_ref": "NV-1C",
            "contract_ref": ref,
            "line_no": lines[0].line_no,
            "quantity": "0",
            "status": "scheduled",
            "promised_date": str(lines[0].required_on_site + timedelta(days=1)),
        },
        # Not an object at all.
        "garbage",
    ]


def as_json(rows) -> bytes:
    return json.dumps(
        {"schema_version": 1, "supplier": "NV", "generated_at": "2026-11-26T00:00:00Z", "shipments": rows}
    ).encode()


def snapshot():
    return {
        model.__name__: model.objects.count() for model in (Delivery, DeliveryEvent, PromiseChange, Alert, FeedReview)
    }


def json_feed(supplier: Supplier, url: str) -> Supplier:
    supplier.feed_kind, supplier.feed_url, supplier.feed_allowed_host = "https_json", url, "127.0.0.1"
    supplier.save()
    return supplier


def rerun(supplier) -> SupplierCheckRun:
    run = supplier_check_request(supplier=supplier, enqueue=False)
    supplier_check_run(supplier_id=supplier.pk, run_id=run.pk)
    run.refresh_from_db()
    return run


def test_a_json_feed_is_applied_strictly_and_re_running_it_writes_nothing_new(program, chips, local_server):
    json_feed(chips, local_server.route("/feed.json", as_json(feed_rows(program, chips))))
    forecast_before = project_forecast(project=program.project)["blocks"][0]["forecast_go_live"]

    result = supplier_check_run(supplier_id=chips.pk)

    run = SupplierCheckRun.objects.get(pk=result["run_id"])
    assert run.status == "succeeded", run.error
    assert run.trigger == "scheduled" and run.finished_at is not None
    assert {k: run.counts[k] for k in ("rows", "created", "updated", "held", "slips")} == {
        "rows": 8,
        "created": 1,
        "updated": 2,
        "held": 5,
        "slips": 1,
    }
    nv1, nv2 = Delivery.objects.get(shipment_ref="NV-1"), Delivery.objects.get(shipment_ref="NV-2")
    assert nv1.confirmed_date == nv1.promised_date + timedelta(days=SLIP)
    assert (nv2.status, nv2.shipped_on, nv2.expected_date) == ("shipped", today(), today() + timedelta(days=12))
    slip = PromiseChange.objects.get(delivery=nv1)
    assert (slip.days, slip.source, slip.run_id) == (SLIP, "feed", run.pk)
    assert Alert.objects.filter(kind="new_slip", delivery=nv1).count() == 1
    reasons = sorted(FeedReview.objects.values_list("reason", flat=True))
    assert reasons == ["conflict", "invalid", "invalid", "unknown_reference", "unknown_value"]
    unknown = FeedReview.objects.get(reason="unknown_value")
    assert (unknown.field, unknown.value, unknown.shipment_ref) == ("status", "lost_at_sea", "NV-2")
    assert Delivery.objects.filter(shipment_ref="NV-9").count() == 0
    # The check re-forecast the project: the slipped chips line now binds block 1.
    block = program.blocks[0]
    block.refresh_from_db()
    assert block.forecast_go_live == forecast_before + timedelta(days=1)  # 30 days early, slipped 21: 9 early
    assert block.forecast_binding["category"] == "chips" and block.forecast_binding["line_ref"] == "Test progr-chips/1"

    before = snapshot()
    again = rerun(chips)
    assert again.status == "succeeded"
    assert snapshot() == before
    assert again.counts.get("created", 0) == again.counts.get("updated", 0) == again.counts.get("reviews_new", 0) == 0


def test_a_document_that_is_not_a_feed_applies_nothing(program, chips, local_server):
    body = json.dumps({"schema_version": 2, "shipments": []}).encode()
    json_feed(chips, local_server.route("/v2.json", body))
    before = snapshot()
    run = SupplierCheckRun.objects.get(pk=supplier_check_run(supplier_id=chips.pk)["run_id"])
    assert run.status == "failed" and run.error.startswith("feed_invalid: schema_version")
    assert snapshot() == before


def test_a_refused_feed_url_fails_the_run_without_a_request(program, chips, settings, local_server):
    json_feed(chips, local_server.route("/feed.json", as_json([])))
    settings.SUPPLIER_FEED_ALLOW_PRIVATE = False
    run = SupplierCheckRun.objects.get(pk=supplier_check_run(supplier_id=chips.pk)["run_id"])
    assert run.status == "failed" and run.error.startswith("scheme_not_allowed")
    assert local_server.hits("/feed.json") == 0


CSV_HEADER = "shipment_ref,contract_ref,line_no,quantity,status,promised_date,confirmed_date,expected_date,shipped_on\n"


def csv_supplier(program, chips, settings, tmp_path, text: str, directory: str = "nvidia") -> Supplier:
    settings.SUPPLIER_CSV_DROP_ROOT = tmp_path
    (tmp_path / "nvidia").mkdir(parents=True, exist_ok=True)
    (tmp_path / "nvidia" / "2026-11-26-notices.csv").write_text(text)
    chips.feed_kind, chips.feed_csv_dir = "csv_drop", directory
    chips.save()
    return chips


def test_a_csv_ship_notice_drop_is_applied_once(program, chips, settings, tmp_path):
    line = program.lines(Category.CHIPS)[1]
    ref = line.contract.reference
    eta = today() + timedelta(days=40)
    text = CSV_HEADER + (
        f"NV-2,{ref},{line.line_no},{line.quantity},shipped,,,{eta},{today()}\n"
        f"NV-2X,{ref},{line.line_no},5,teleported,,,,\n"
    )
    supplier = csv_supplier(program, chips, settings, tmp_path, text)

    first = SupplierCheckRun.objects.get(pk=supplier_check_run(supplier_id=supplier.pk)["run_id"])
    before = snapshot()
    second = rerun(supplier)

    assert first.status == "succeeded", first.error
    assert (first.counts["updated"], first.counts["held"]) == (1, 1)
    delivery = Delivery.objects.get(shipment_ref="NV-2")
    assert (delivery.status, delivery.expected_date) == ("shipped", eta)
    assert FeedReview.objects.get().reason == "unknown_value"
    assert second.status == "succeeded" and snapshot() == before


@pytest.mark.parametrize("directory", ["../outside", "/etc"])
def test_a_drop_directory_outside_the_root_is_refused(program, chips, settings, tmp_path, directory):
    supplier = csv_supplier(program, chips, settings, tmp_path / "root", CSV_HEADER, directory=directory)
    (tmp_path / "outside").mkdir()
    run = SupplierCheckRun.objects.get(pk=supplier_check_run(supplier_id=supplier.pk)["run_id"])
    assert run.status == "failed" and "outside SUPPLIER_CSV_DROP_ROOT" in run.error


def test_a_csv_with_an_unknown_column_is_rejected_whole(program, chips, settings, tmp_path):
    supplier = csv_supplier(program, chips, settings, tmp_path, "shipment_ref,colour\nNV-1,red\n")
    run = SupplierCheckRun.objects.get(pk=supplier_check_run(supplier_id=supplier.pk)["run_id"])
    assert run.status == "failed" and "unknown column(s): colour" in run.error


def test_overdue_lines_raise_one_alert_each(program, chips, local_server):
    json_feed(chips, local_server.route("/empty.json", as_json([])))
    line = program.lines(Category.CHIPS)[0]
    type(line).objects.filter(pk=line.pk).update(required_on_site=today() - timedelta(days=3))
    supplier_check_run(supplier_id=chips.pk)
    rerun(chips)
    alert = Alert.objects.get(kind="overdue_line")
    assert alert.line_id == line.pk and alert.supplier_id == chips.pk


def test_an_alert_is_sent_by_email_and_webhook_once(program, local_server, settings):
    settings.ORCHESTRATION_ALERT_WEBHOOK_URL = local_server.route("/hook", b"ok")
    alert = Alert.objects.create(kind="new_slip", key="slip:1", message="NV-1 slipped 21 days")

    assert alert_send(alert_id=alert.pk) is True
    assert alert_send(alert_id=alert.pk) is False  # already sent: nothing repeats

    assert len(mail.outbox) == 1 and "NV-1 slipped" in mail.outbox[0].body
    ((method, path, body),) = [r for r in local_server.requests if r[1] == "/hook"]
    assert method == "POST" and json.loads(body)["key"] == "slip:1"
    alert.refresh_from_db()
    assert alert.sent_at and alert.email_sent_at and alert.webhook_sent_at and alert.attempts == 1


def test_a_failed_webhook_is_retried_without_repeating_the_email(program, local_server, settings):
    from orchestration.services.alerts import AlertNotSent

    settings.ORCHESTRATION_ALERT_WEBHOOK_URL = local_server.route("/down", b"", status=500)
    alert = Alert.objects.create(kind="overdue_line", key="overdue:1", message="late")
    with pytest.raises(AlertNotSent):
        alert_send(alert_id=alert.pk)
    local_server.route("/down", b"ok")
    assert alert_send(alert_id=alert.pk) is True
    assert len(mail.outbox) == 1
    alert.refresh_from_db()
    assert alert.attempts == 2 and alert.last_error == "" and alert.sent_at
