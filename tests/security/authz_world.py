"""The authorization tests' world: two suppliers' data, the planner's data, one API client per role.

See docs/reliability.md §1.

Supplier A (chips) and supplier B (cooling) each have a contract with lines, a delivery, a feed review
and a check run; the planner's data is a site, a project with blocks and BOM, a scenario, a finished
scoring run and a layer. Every role signs in with its own knox token, as a real client does.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection, transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

from config.api.roles import PLANNER_GROUP, SUPPLIER_GROUP, VIEWER_GROUP
from orchestration.models import (
    Alert,
    Category,
    Contract,
    ContractLine,
    Delivery,
    FeedReview,
    Supplier,
    SupplierCheckRun,
    SupplierMembership,
)
from orchestration.services.baselines import baseline_freeze
from orchestration.services.deliveries import delivery_create
from sitesel.models import Feature, Layer, LayerVersion, Scenario, ScoringResult, ScoringRun, Site
from sitesel.services.scoring_runs import scenario_default, scoring_run_create
from tests.orchestration.conftest import make_program, today
from tests.web.conftest import run_inline

ROLES = ("anonymous", "no_role", "viewer", "planner", "supplier_a", "supplier_b", "admin")
SUPPLIER_ROLES = {"supplier_a": "a", "supplier_b": "b"}
OTHER = {"a": "b", "b": "a"}


@dataclass
class Tenant:
    """One supplier's rows, by API resource: the row used for detail routes, and every id it owns."""

    supplier: Supplier
    detail: dict[str, int] = field(default_factory=dict)
    owned: dict[str, set[int]] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)  # its name, contract references and line items: text only it has


@dataclass
class World:
    tenants: dict[str, Tenant]
    internal: dict[str, int | str]  # resource -> id of a planner-data row for detail routes
    program: object
    site: Site
    run: ScoringRun
    result: ScoringResult
    scenario: Scenario
    users: dict[str, User]
    clients: dict[str, APIClient]


def _tenant(program, category: str, name: str) -> Tenant:
    supplier = program.suppliers[category]
    line = program.lines(category)[0]
    delivery = delivery_create(line=line, shipment_ref=f"{name}-1", quantity=line.quantity, promised_date=today())
    run = SupplierCheckRun.objects.create(supplier=supplier, trigger="manual", status="succeeded")
    review = FeedReview.objects.create(
        supplier=supplier, run=run, reason="unknown_value", message="x", fingerprint=name
    )
    tenant = Tenant(supplier)
    tenant.detail = {
        "suppliers": supplier.pk,
        "contracts": program.contracts[category].pk,
        "contract-lines": line.pk,
        "deliveries": delivery.pk,
        "feed-reviews": review.pk,
        "supplier-checks": run.pk,
        "supplier-scorecards": supplier.pk,
        "supplier-line-risk": supplier.pk,
    }
    tenant.owned = {
        "suppliers": {supplier.pk},
        "contracts": set(Contract.objects.filter(supplier=supplier).values_list("pk", flat=True)),
        "contract-lines": set(ContractLine.objects.filter(contract__supplier=supplier).values_list("pk", flat=True)),
        "deliveries": set(Delivery.objects.filter(supplier=supplier).values_list("pk", flat=True)),
        "feed-reviews": set(FeedReview.objects.filter(supplier=supplier).values_list("pk", flat=True)),
        "supplier-checks": set(SupplierCheckRun.objects.filter(supplier=supplier).values_list("pk", flat=True)),
        "supplier-scorecards": {supplier.pk},
    }
    lines = ContractLine.objects.filter(contract__supplier=supplier)
    tenant.markers = {supplier.name, *Contract.objects.filter(supplier=supplier).values_list("reference", flat=True),
                      *lines.values_list("item", flat=True)}  # fmt: skip
    return tenant


def _user(username: str, *, group: str | None = None, superuser: bool = False) -> User:
    user = User.objects.create_user(username, is_superuser=superuser, is_staff=superuser)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def _client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    return client


def build_world() -> World:
    """Every row the authorization tests act on (call inside a test with database access)."""
    site = Site.objects.create(name="Planner site", point=Point(-97.5, 32.5, srid=4326))
    Site.objects.create(name="Second site", point=Point(-97.0, 33.0, srid=4326))
    program = make_program(site, name="Tenant program")
    tenants = {"a": _tenant(program, Category.CHIPS, "A"), "b": _tenant(program, Category.COOLING, "B")}
    for key, other in (("a", "b"), ("b", "a")):  # only text that is the tenant's alone tells a leak
        tenants[key].markers = {m for m in tenants[key].markers
                                if not any(m in theirs for theirs in tenants[other].markers)}  # fmt: skip
    alert = Alert.objects.create(kind="new_slip", key="k1", message="m", supplier=tenants["b"].supplier)
    scenario = Scenario.objects.create(name="Unused scenario", spec=scenario_default().spec)
    run = run_inline(scoring_run_create(scenario=scenario_default(), draws=50))
    assert run.status == ScoringRun.Status.SUCCEEDED, run.error
    result = ScoringResult.objects.filter(run=run).order_by("pk").first()
    layer = Layer.objects.create(kind="test-lines", family="power", title="Test lines")
    layer.current_version = LayerVersion.objects.create(
        layer=layer, number=1, source_file="t.geojson", publisher="t", licence="t", checksum_sha256="0", row_count=1
    )
    layer.save(update_fields=["current_version"])
    Feature.objects.create(layer=layer, source_fid="1", valid_from=1, content_hash="t", name="f",
                           geom=MultiPolygon(Polygon.from_bbox((-141, 29, -139, 31)), srid=4326))  # fmt: skip
    users = {
        "no_role": _user("nobody"),
        "viewer": _user("vera", group=VIEWER_GROUP),
        "planner": _user("paula", group=PLANNER_GROUP),
        "supplier_a": _user("alfred", group=SUPPLIER_GROUP),
        "supplier_b": _user("berta", group=SUPPLIER_GROUP),
        "admin": _user("root", superuser=True),
    }
    for role, key in SUPPLIER_ROLES.items():
        SupplierMembership.objects.create(user=users[role], supplier=tenants[key].supplier)
    internal = {
        "sites": Site.objects.get(name="Second site").pk,
        "layers": layer.kind,
        "scenarios": scenario.pk,
        "scoring-runs": run.pk,
        "projects": program.project.pk,
        "blocks": program.blocks[0].pk,
        "bom-lines": program.blocks[0].bom_lines.order_by("pk").first().pk,
        "alerts": alert.pk,
        "program-risk": program.project.pk,
        "program-delay-cost": program.project.pk,
        "baselines": baseline_freeze(project=program.project, name="Plan of record").pk,
    }
    clients = {role: _client(users.get(role)) for role in ROLES}
    return World(tenants, internal, program, site, run, result, scenario, users, clients)


def domain_fingerprint() -> str:
    """A digest of every row of the two apps' tables: equal before and after means nothing was written."""
    tables = [m._meta.db_table for name in ("sitesel", "orchestration") for m in apps.get_app_config(name).get_models()]
    parts = " || ".join(
        f"(SELECT count(*)::text || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t)"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        return cursor.fetchone()[0]


@contextmanager
def rolled_back():
    """Run one request and undo whatever it wrote, so every case sees the same data.

    Marked like django.test.TestCase's own atomic blocks so that services may still open their durable
    transactions inside (they would refuse to nest in an ordinary one).
    """
    atomic = transaction.atomic()
    atomic._from_testcase = True
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def tomorrow() -> str:
    return str(today() + timedelta(days=1))
