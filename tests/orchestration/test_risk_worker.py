"""The weak-supplier flag reaches people: raised when the contract is placed through the API, sent by a real
Celery worker on the real Redis broker after the transaction commits (email and webhook)."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail
from rest_framework.test import APIClient

from orchestration.models import Alert, Category

from .conftest import make_program
from .test_risk import closed_history

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("worker")
def test_a_contract_with_a_weak_supplier_is_flagged_and_the_worker_sends_it(site, planner, local_server, settings):
    settings.ORCHESTRATION_ALERT_WEBHOOK_URL = local_server.route("/hook", b"ok")
    program = make_program(site, name="Flag program", blocks=1)
    weak = program.suppliers[Category.COOLING]
    closed_history(site, {weak: [0, 30, 30, 30, 0, 45]})  # 2 of 6 on time
    client = APIClient()
    client.force_authenticate(planner)
    body = {"supplier": weak.pk, "project": program.project.pk, "reference": "COOL-2", "value": "1000000.00"}
    response = client.post("/api/v1/contracts/", body, format="json")
    assert response.status_code == 201, response.content

    deadline = time.monotonic() + 60
    while not Alert.objects.filter(kind="weak_supplier", sent_at__isnull=False).exists():
        assert time.monotonic() < deadline, "the worker did not send the alert"
        time.sleep(0.2)
    alert = Alert.objects.get(kind="weak_supplier")
    assert "COOL-2" in alert.message and "33%" in alert.message
    assert [m.subject for m in mail.outbox if "COOL-2" in m.body or "COOL-2" in m.subject]
    hooks = [json.loads(body)["key"] for method, path, body in local_server.requests if path == "/hook"]
    assert alert.key in hooks
