"""Fixtures for the orchestration tests: real PostGIS and Redis; no sitesel layers are loaded.

`program` builds a small but complete program through the services: a site, a project of two
50 MW blocks with their BOM, and one supplier + contract per input drawn from the BOM.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point
from django.utils import timezone

from config.api.permissions import PLANNER_GROUP
from orchestration.loopback import QuietHandler, serve_in_thread
from orchestration.models import BuildProject, CapacityBlock, Category, Contract, ContractLine, Delivery, Supplier
from orchestration.services.contracts import contract_create
from orchestration.services.deliveries import delivery_create, delivery_install, delivery_receive
from orchestration.services.projects import project_create
from sitesel.models import Site


@dataclass
class Program:
    project: BuildProject
    blocks: list[CapacityBlock]
    suppliers: dict[str, Supplier] = field(default_factory=dict)
    contracts: dict[str, Contract] = field(default_factory=dict)

    def lines(self, category: str, block: CapacityBlock | None = None):
        lines = ContractLine.objects.filter(contract=self.contracts[category]).select_related("contract__supplier")
        return list(lines.filter(blocks=block) if block else lines)


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def worker():
    """A real Celery worker on the real Redis broker, in this process (solo pool)."""
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    app.control.purge()  # messages left by an earlier, interrupted run must not reach this worker
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
        yield running


@pytest.fixture
def site(db) -> Site:
    return Site.objects.create(name="Orchestration test site", point=Point(-97.5, 32.5, srid=4326))


@pytest.fixture
def planner(db, django_user_model):
    user = django_user_model.objects.create_user("alice-planner", password="x")
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    return user


def make_program(site: Site, *, name: str = "Test program", blocks: int = 2, first_go_live: date | None = None):
    project = project_create(
        site=site,
        name=name,
        target_mw=50.0 * blocks,
        block_mw=50.0,
        planned_first_go_live=first_go_live or today() + timedelta(days=400),
        blocks_interval_days=60,
        actor=None,
    )
    program = Program(project, list(project.blocks.order_by("index")))
    for category in Category.values:
        if category == Category.ONSITE_GENERATION:
            continue  # grid-fed blocks: no on-site generation lines (optional input)
        supplier = Supplier.objects.create(name=f"{name} {category} supplier", category=category)
        program.suppliers[category] = supplier
        program.contracts[category] = contract_create(
            supplier=supplier,
            project=project,
            reference=f"{name[:10]}-{category}",
            lines_from_bom=True,
            unit_values={},
            value=Decimal("1000000.00"),
        )
    return program


@pytest.fixture
def program(site) -> Program:
    return make_program(site)


def deliver(line: ContractLine, *, ref: str | None = None, promised: date | None = None, install: bool = True):
    """One delivery for the whole line, received (and installed) today."""
    delivery = delivery_create(
        line=line, shipment_ref=ref or f"SHIP-{line.pk}", quantity=line.quantity, promised_date=promised or today()
    )
    delivery = delivery_receive(
        delivery=delivery, received_quantity=line.quantity, actual_date=today(), inspection="passed", actor=None
    )
    if install:
        delivery = delivery_install(delivery=delivery, installed_on=today(), actor=None)
    return delivery


def complete(program: Program, categories, block: CapacityBlock) -> None:
    """Every line of these categories gating the block: received in full and installed today."""
    for category in categories:
        for line in program.lines(category, block):
            open_deliveries = Delivery.objects.filter(line=line, installed=False)
            if not Delivery.objects.filter(line=line).exists():
                deliver(line)
            for delivery in open_deliveries:
                delivery = delivery_receive(
                    delivery=delivery,
                    received_quantity=delivery.quantity,
                    actual_date=today(),
                    inspection="passed",
                    actor=None,
                )
                delivery_install(delivery=delivery, installed_on=today(), actor=None)


# --- a real HTTP server on loopback (supplier feeds, webhooks) ------------------------------------------


class LocalServer:
    """An HTTP server on 127.0.0.1 whose responses the test sets per path; records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
        self.requests: list[tuple[str, str, bytes]] = []
        server = self

        class Handler(QuietHandler):
            def _respond(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append((self.command, self.path, body))
                status, headers, payload, delay = server.routes.get(self.path, (404, {}, b"not found", 0.0))
                if delay:
                    threading.Event().wait(delay)
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        if value:
                            self.send_header(key, value)
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(payload)))
                    elif not headers["Content-Length"]:
                        self.close_connection = True  # no length: the body runs until the connection closes
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _respond  # noqa: N815

        self.httpd = serve_in_thread(Handler)
        self.port = self.httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, body: bytes, *, status: int = 200, headers=None, delay: float = 0.0) -> str:
        self.routes[path] = (status, {"Content-Type": "application/json", **(headers or {})}, body, delay)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)


@pytest.fixture
def local_server():
    server = LocalServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
