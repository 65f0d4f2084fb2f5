"""Every list endpoint runs the same number of SQL queries whatever its page size (no N+1), docs/reliability.md §6.

The routes come from the OpenAPI schema, so a new list endpoint fails `test_every_list_endpoint_is_counted` until
it is added here. Each paginated list is read at page_size 1, 10 and 50 over at least 50 rows; each unpaginated
list (a row's events) is read for rows that have 1, 10 and 50 children. Requests carry a knox token, as a real
client's do, so authentication and role queries are counted too.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework_gis.fields import GeometryField

from config.api.roles import PLANNER_GROUP
from orchestration.models import (
    Alert,
    BlockEvent,
    Category,
    DeliveryEvent,
    FeedReview,
    ProgramBaseline,
    PromiseChange,
    Supplier,
    SupplierCheckRun,
)
from orchestration.services.contracts import contract_create
from orchestration.services.deliveries import delivery_create
from orchestration.services.projects import project_create
from sitesel import selectors
from sitesel.api.sites.serializers import SiteGeoSerializer
from sitesel.models import Feature, Layer, LayerVersion, Scenario, ScoringRun, Site, SiteFacts, SiteStatusEvent
from sitesel.services.scoring_runs import scenario_default, scoring_run_create
from tests.orchestration.conftest import make_program, today
from tests.web.conftest import run_inline

ROWS = 55  # more than the largest page read
PAGE_SIZES = (1, 10, 50)
CHILD_COUNTS = (1, 10, 50)

# Paginated lists: path template -> how the test fills its placeholders (see World.path).
PAGINATED = (
    "/api/v1/sites/", "/api/v1/sites/geojson/", "/api/v1/layers/", "/api/v1/layers/{kind}/versions/",
    "/api/v1/layers/{kind}/features/", "/api/v1/scenarios/", "/api/v1/scoring-runs/",
    "/api/v1/scoring-runs/{id}/results/", "/api/v1/projects/", "/api/v1/blocks/", "/api/v1/bom-lines/",
    "/api/v1/suppliers/", "/api/v1/contracts/", "/api/v1/contract-lines/", "/api/v1/deliveries/",
    "/api/v1/alerts/", "/api/v1/feed-reviews/", "/api/v1/supplier-checks/", "/api/v1/supplier-scorecards/",
    "/api/v1/baselines/", "/api/v1/history/",
)  # fmt: skip
# Unpaginated lists of one row's children: path template -> the parent resource whose ids fill {id}.
CHILD_LISTS = {
    "/api/v1/sites/{id}/status-events/": "site",
    "/api/v1/blocks/{id}/events/": "block",
    "/api/v1/deliveries/{id}/events/": "delivery",
    "/api/v1/deliveries/{id}/promise-changes/": "delivery",
}


def _list_routes() -> tuple[set[str], set[str]]:
    """(paginated, unpaginated) GET list paths in the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paginated, unpaginated = set(), set()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        params = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        content = get["responses"].get("200", {}).get("content", {})
        body = next(iter(content.values()), {}).get("schema", {})
        if "page_size" in params:
            paginated.add(path)
        elif body.get("type") == "array":
            unpaginated.add(path)
    return paginated, unpaginated


def test_every_list_endpoint_is_counted():
    paginated, unpaginated = _list_routes()
    assert paginated == set(PAGINATED)
    assert unpaginated == set(CHILD_LISTS)


def _polygon(i: int) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((-120 + i * 0.1, 30, -119.95 + i * 0.1, 30.05)), srid=4326)


def _copies(model, n: int, **fields):
    """n rows of `model`; a callable field value gets the row's index."""
    rows = [model(**{k: (v(i) if callable(v) else v) for k, v in fields.items()}) for i in range(n)]
    return model.objects.bulk_create(rows)


def _build() -> dict:
    """At least ROWS rows behind every list, and parents with 1, 10 and 50 children. Returns the ids the paths use."""
    sites = _copies(Site, ROWS, name=lambda i: f"Site {i:02d}", point=lambda i: Point(-100 + i * 0.1, 35, srid=4326),
                    parcel=_polygon, tags=["river"])  # fmt: skip
    _copies(SiteFacts, ROWS, site=lambda i: sites[i], distance_hv_230_km=1.5, layer_versions={"hv_lines": 1})
    run = run_inline(scoring_run_create(scenario=scenario_default(), draws=20))
    assert run.status == ScoringRun.Status.SUCCEEDED and run.results_count >= ROWS, run.error
    scenario = scenario_default()
    _copies(Scenario, ROWS, name=lambda i: f"Scenario {i:02d}", spec=scenario.spec)
    _copies(ScoringRun, ROWS, scenario=scenario, scenario_spec=scenario.spec)

    layers = _copies(Layer, ROWS, kind=lambda i: f"test-layer-{i:02d}", family="power", title=lambda i: f"Layer {i}")
    provenance = {"source_file": "t.geojson", "publisher": "t", "licence": "t", "checksum_sha256": "0", "row_count": 1}
    versions = _copies(LayerVersion, ROWS, layer=lambda i: layers[i], number=1, **provenance)
    for layer, version in zip(layers, versions, strict=True):
        layer.current_version = version
    Layer.objects.bulk_update(layers, ["current_version"])
    # The first layer also gets ROWS more versions and ROWS current features.
    _copies(LayerVersion, ROWS, layer=layers[0], number=lambda i: i + 2, **provenance)
    _copies(Feature, ROWS, layer=layers[0], source_fid=lambda i: str(i), valid_from=1, content_hash="t",
            name=lambda i: f"feature {i}", properties={"a": 1}, geom=_polygon)  # fmt: skip

    program = make_program(sites[0], name="Counted program", blocks=ROWS)
    for i in range(ROWS):
        project_create(site=sites[1], name=f"Project {i:02d}", target_mw=50.0, block_mw=50.0,
                       planned_first_go_live=today() + timedelta(days=400), actor=None)  # fmt: skip
    suppliers = _copies(Supplier, ROWS, name=lambda i: f"Supplier {i:02d}", category=Category.CHIPS)
    for i, supplier in enumerate(suppliers):
        contract_create(supplier=supplier, project=program.project, reference=f"C-{i:02d}", lines_from_bom=False,
                        unit_values={})  # fmt: skip
    lines = program.lines(Category.CHIPS) + program.lines(Category.COOLING)
    deliveries = [
        delivery_create(line=line, shipment_ref=f"S-{i:02d}", quantity=line.quantity, promised_date=today())
        for i, line in enumerate(lines[:ROWS])
    ]  # fmt: skip
    checks = _copies(SupplierCheckRun, ROWS, supplier=suppliers[0], trigger="manual", status="succeeded")
    _copies(FeedReview, ROWS, supplier=suppliers[0], run=checks[0], reason="unknown_value", message="m",
            fingerprint=lambda i: f"fp-{i}", resolved_by=User.objects.first())  # fmt: skip
    _copies(ProgramBaseline, ROWS, project=program.project, name=lambda i: f"Baseline {i:02d}", as_of=today(),
            created_by=User.objects.first())  # fmt: skip
    _copies(Alert, ROWS, kind="new_slip", key=lambda i: f"alert-{i}", message="m", project=program.project,
            supplier=suppliers[0], delivery=deliveries[0])  # fmt: skip

    parents = {"site": sites[:3], "block": program.blocks[:3], "delivery": deliveries[:3]}
    for n, site, block, delivery in zip(CHILD_COUNTS, *parents.values(), strict=True):
        actor = User.objects.first()
        _copies(SiteStatusEvent, n, site=site, from_status="candidate", to_status="shortlisted", actor=actor,
                reason="r")  # fmt: skip
        _copies(BlockEvent, n, block=block, kind="facts", from_state="planned", to_state="planned", actor=actor,
                reason="r")  # fmt: skip
        _copies(DeliveryEvent, n, delivery=delivery, kind="updated", source="api", actor=actor)
        _copies(PromiseChange, n, delivery=delivery, field="expected_date", old_date=lambda i: today(),
                new_date=lambda i: today() + timedelta(days=i + 1), days=1, source="api", actor=actor)  # fmt: skip
    return {"kind": layers[0].kind, "id": run.pk, "parents": {k: [p.pk for p in v] for k, v in parents.items()}}


@pytest.fixture
def planner_client(db) -> APIClient:
    user = User.objects.create_user("quinn-planner")
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    return client


def _count(client: APIClient, path: str, params: dict) -> tuple[int, dict | list]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.content[:500])
    return len(queries), response.json()


def _rows(body: dict | list) -> int:
    if isinstance(body, list):
        return len(body)
    return len(body["features"] if "features" in body else body["results"])


def test_list_endpoints_run_the_same_queries_at_every_page_size(planner_client):
    ids = _build()
    counts, short = {}, {}
    for template in PAGINATED:
        path = template.format(kind=ids["kind"], id=ids["id"])
        _count(planner_client, path, {"page_size": max(PAGE_SIZES)})  # warm per-process caches first
        for size in PAGE_SIZES:
            queries, body = _count(planner_client, path, {"page_size": size})
            counts.setdefault(template, []).append(queries)
            if _rows(body) != size:
                short[template] = (size, _rows(body))
    for template, parent in CHILD_LISTS.items():
        for n, pk in zip(CHILD_COUNTS, ids["parents"][parent], strict=True):
            queries, body = _count(planner_client, template.format(id=pk), {})
            counts.setdefault(template, []).append(queries)
            if _rows(body) < n:
                short[template] = (n, _rows(body))

    assert short == {}, "not enough rows to compare page sizes"
    print("\nqueries per request:", ", ".join(f"{path} {sorted(set(n))}" for path, n in counts.items()))
    varying = {path: n for path, n in counts.items() if len(set(n)) != 1}
    assert varying == {}, f"queries per request at page sizes / child counts {PAGE_SIZES}: {varying}"


def test_the_map_page_is_what_drf_gis_would_write(db):
    """The fast point field and the map's column subset change the cost of the GeoJSON page, not its content."""
    sites = _copies(Site, 5, name=lambda i: f"Site {i}", point=lambda i: Point(-80.43 + i / 7, 40.62, srid=4326),
                    parcel=_polygon, tags=["river"], land_price_usd_per_acre="45000.50")  # fmt: skip
    _copies(SiteFacts, 4, site=lambda i: sites[i], distance_hv_230_km=lambda i: i / 3, balancing_authority="PJM")

    class DrfGisSiteGeoSerializer(SiteGeoSerializer):
        point = GeometryField(read_only=True)

    fast = SiteGeoSerializer(selectors.site_map_list(), many=True).data
    reference = DrfGisSiteGeoSerializer(selectors.site_list(), many=True).data
    assert json.loads(json.dumps(fast)) == json.loads(json.dumps(reference))
    assert len(fast["features"]) == 5 and fast["features"][0]["geometry"]["type"] == "Point"


# --- token authentication: one query per request ------------------------------------------------------------


def _token_queries(client: APIClient, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, sum("knox_authtoken" in q["sql"] for q in queries.captured_queries)


def test_a_token_is_checked_in_one_query_however_many_the_user_holds(planner_client):
    user = User.objects.get(username="quinn-planner")
    for _ in range(20):
        AuthToken.objects.create(user)
    AuthToken.objects.create(user, expiry=timedelta(seconds=-1))
    assert _token_queries(planner_client, "/api/v1/layers/") == (200, 1)


def test_an_expired_token_is_refused_and_deleted_and_login_deletes_the_others(db):
    user = User.objects.create_user("rita", password="a long password 1")
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    first, expired = (AuthToken.objects.create(user, expiry=timedelta(seconds=-1)) for _ in range(2))
    live, _ = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {expired[1]}")
    assert client.get("/api/v1/layers/").status_code == 401
    assert not AuthToken.objects.filter(pk=expired[0].pk).exists()
    assert AuthToken.objects.filter(pk=first[0].pk).exists()  # not swept on someone's request any more

    response = APIClient().post("/api/v1/auth/login/", {"username": "rita", "password": "a long password 1"})
    assert response.status_code == 200
    assert not AuthToken.objects.filter(pk=first[0].pk).exists()  # swept at login
    assert AuthToken.objects.filter(pk=live.pk).exists() and AuthToken.objects.filter(user=user).count() == 2
