"""A real Celery worker on the real Redis broker: beat de-duplication, alerts sent after commit, crash recovery.

Beat's DatabaseScheduler sends a PeriodicTask as `send_task(task, args, kwargs)`; firing the stored
schedule twice is what two beat processes (or a re-sent schedule) do.
"""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery_app import app
from orchestration.feeds import parse_json
from orchestration.models import Alert, Category, Delivery, DeliveryEvent, SupplierCheckRun
from orchestration.services.checks import feed_rows_apply, supplier_check_claim, supplier_check_schedule_ensure
from orchestration.services.deliveries import delivery_create
from orchestration.tasks import supplier_check_task

from .conftest import make_program

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def feed_supplier(site, local_server, settings):
    """The chips supplier of a fresh program with a JSON feed that confirms a 30-day slip and ships a lot."""
    settings.ORCHESTRATION_ALERT_WEBHOOK_URL = local_server.route("/hook", b"ok")
    program = make_program(site, name="Worker program", blocks=1)
    supplier = program.suppliers[Category.CHIPS]
    line = program.lines(Category.CHIPS)[0]
    delivery_create(line=line, shipment_ref="W-1", quantity=line.quantity, promised_date=line.required_on_site)
    rows = [
        {
            "shipment_ref": "W-1",
            "contract_ref": line.contract.reference,
            "line_no": line.line_no,
            "quantity": str(line.quantity),
            "status": "in_production",
            "confirmed_date": str(line.required_on_site + timedelta(days=30)),
        },
    ] + [
        {
            "shipment_ref": f"W-{n}",
            "contract_ref": line.contract.reference,
            "line_no": line.line_no,
            "quantity": "0",
            "status": "scheduled",
            "promised_date": str(line.required_on_site),
        }
        for n in range(2, 6)
    ]
    body = json.dumps({"schema_version": 1, "shipments": rows}).encode()
    supplier.feed_kind, supplier.feed_allowed_host = "https_json", "127.0.0.1"
    supplier.feed_url = local_server.route("/feed.json", body)
    supplier.save()
    return supplier, body


def fire(periodic: PeriodicTask):
    """What beat does when the entry is due."""
    return app.send_task(periodic.task, args=json.loads(periodic.args), kwargs=json.loads(periodic.kwargs))


def test_two_firings_of_the_same_schedule_run_the_check_once(worker, feed_supplier, local_server):
    supplier, _ = feed_supplier
    periodic = supplier_check_schedule_ensure(supplier=supplier)
    assert periodic.enabled and json.loads(periodic.kwargs) == {"supplier_id": supplier.pk}

    first, second = fire(periodic), fire(periodic)
    results = sorted([first.get(timeout=60)["status"], second.get(timeout=60)["status"]])

    assert results == ["skipped", "succeeded"]
    assert SupplierCheckRun.objects.filter(supplier=supplier).count() == 1
    assert local_server.hits("/feed.json") == 1
    assert Delivery.objects.filter(supplier=supplier).count() == 5


def test_alerts_raised_by_a_check_are_sent_by_the_worker_after_commit(worker, feed_supplier, local_server):
    supplier, _ = feed_supplier
    result = supplier_check_task.delay(supplier.pk).get(timeout=60)
    assert result["status"] == "succeeded" and result["counts"]["slips"] == 1

    deadline = time.monotonic() + 60
    while Alert.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    kinds = set(Alert.objects.values_list("kind", flat=True))
    assert kinds == {"new_slip", "forecast_past_plan"}
    assert not Alert.objects.filter(sent_at__isnull=True).exists()
    assert len(mail.outbox) == Alert.objects.count()
    hooks = [json.loads(body)["key"] for method, path, body in local_server.requests if path == "/hook"]
    assert sorted(hooks) == sorted(Alert.objects.values_list("key", flat=True))


def test_a_check_re_delivered_after_a_worker_crash_neither_loses_nor_duplicates(worker, feed_supplier):
    supplier, body = feed_supplier
    # The crashed worker had claimed the run and applied the first two rows before it died.
    crashed_at = timezone.now() - timedelta(hours=2)
    run = SupplierCheckRun.objects.create(
        supplier=supplier, trigger="manual", status="running", started_at=crashed_at, heartbeat_at=crashed_at
    )
    feed_rows_apply(supplier=supplier, rows=parse_json(body)[:2], run=run)
    assert Delivery.objects.filter(supplier=supplier).count() == 2

    # Redis re-delivers the unacknowledged message (acks_late) after the visibility timeout.
    redelivered = supplier_check_task.delay(supplier.pk, run_id=run.pk).get(timeout=60)
    duplicate = supplier_check_task.delay(supplier.pk, run_id=run.pk).get(timeout=60)

    assert (redelivered["status"], duplicate["status"]) == ("succeeded", "skipped")
    refs = list(Delivery.objects.filter(supplier=supplier).values_list("shipment_ref", flat=True))
    assert sorted(refs) == ["W-1", "W-2", "W-3", "W-4", "W-5"]
    assert DeliveryEvent.objects.filter(delivery__supplier=supplier, kind="created").count() == 5  # one each
    run.refresh_from_db()
    assert run.status == "succeeded"


def test_concurrent_claims_of_one_period_yield_one_run(feed_supplier):
    supplier, _ = feed_supplier
    barrier, claims = threading.Barrier(2, timeout=20), []

    def claim():
        try:
            barrier.wait()
            claims.append(supplier_check_claim(supplier_id=supplier.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sum(run is not None for run in claims) == 1 and len(claims) == 2
    assert SupplierCheckRun.objects.filter(supplier=supplier).count() == 1


def test_changes_a_check_makes_through_the_worker_name_the_task_in_the_change_log(worker, feed_supplier):
    from pghistory.models import Events

    supplier, _ = feed_supplier
    assert supplier_check_task.delay(supplier.pk).get(timeout=60)["status"] == "succeeded"

    rows = list(Events.objects.across(Delivery.pgh_event_models["update"]))
    confirmed = [row for row in rows if "confirmed_date" in (row.pgh_diff or {})]
    assert confirmed, "the feed's confirmed date moved a delivery: the change log must hold it"
    assert {row.pgh_context["task"] for row in confirmed} == {supplier_check_task.name}
