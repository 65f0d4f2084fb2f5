"""Mass assignment: no write route stores a field its input does not accept (docs/reliability.md §1).

Generated from the OpenAPI schema: for every create, update and action route, the fields the route accepts
are its request body's properties; every other column of the model it writes (ids, statuses, states,
scores, forecasts, receipts, timestamps, the supplier of a delivery, ...) gets a hostile value. Each route
is sent twice, in rolled-back savepoints: with a valid body, then with the same body plus the hostile
fields. The second must store exactly what the first stored (or be refused with a 4xx that writes
nothing), and no hostile value may appear in the row. Planners write every route; supplier A posts ship
notices (and tries to name supplier B, receipts, installs and statuses in them).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.gis.db.models import GeometryField
from django.db import models
from drf_spectacular.generators import SchemaGenerator

from orchestration.models import (
    BomLine,
    BuildProject,
    CapacityBlock,
    Contract,
    ContractLine,
    Delivery,
    FeedReview,
    ProgramBaseline,
    Supplier,
)
from sitesel.models import Scenario, ScoringRun, Site
from tests.security.authz_world import World, build_world, domain_fingerprint, rolled_back
from tests.security.test_authz_matrix import INTERNAL_WRITE, OWNED_WRITE, POLICY, SHIP_NOTICE, V1, bodies, targets

pytestmark = pytest.mark.django_db

# The model each write route stores (the row its response's `id` names).
MODEL = {
    f"{V1}/sites/": Site,
    f"{V1}/sites/{{id}}/": Site,
    f"{V1}/sites/{{id}}/status/": Site,
    f"{V1}/scenarios/": Scenario,
    f"{V1}/scenarios/{{id}}/": Scenario,
    f"{V1}/scoring-runs/": ScoringRun,
    f"{V1}/scoring-runs/{{id}}/results/{{result_id}}/promote/": Site,
    f"{V1}/scoring-runs/{{id}}/cancel/": ScoringRun,
    f"{V1}/scoring-runs/{{id}}/pin/": ScoringRun,
    f"{V1}/projects/": BuildProject,
    f"{V1}/projects/{{id}}/": BuildProject,
    f"{V1}/blocks/{{id}}/facts/": CapacityBlock,
    f"{V1}/blocks/{{id}}/plan/": CapacityBlock,
    f"{V1}/blocks/{{id}}/transition/": CapacityBlock,
    f"{V1}/bom-lines/": BomLine,
    f"{V1}/bom-lines/{{id}}/": BomLine,
    f"{V1}/suppliers/": Supplier,
    f"{V1}/suppliers/{{id}}/": Supplier,
    f"{V1}/suppliers/{{id}}/check/": Supplier,
    f"{V1}/contracts/": Contract,
    f"{V1}/contracts/{{id}}/": Contract,
    f"{V1}/contract-lines/": ContractLine,
    f"{V1}/contract-lines/{{id}}/": ContractLine,
    f"{V1}/contract-lines/{{id}}/ship-notices/": Delivery,
    f"{V1}/deliveries/": Delivery,
    f"{V1}/deliveries/{{id}}/": Delivery,
    f"{V1}/deliveries/{{id}}/install/": Delivery,
    f"{V1}/deliveries/{{id}}/receipt/": Delivery,
    f"{V1}/feed-reviews/{{id}}/resolve/": FeedReview,
    f"{V1}/baselines/": ProgramBaseline,
}
# Columns no generic write may accept, besides ids, timestamps and `editable=False` columns: statuses, receipts,
# the supplier of a delivery, a run's progress and results.
PROTECTED = {
    ProgramBaseline: {"as_of", "planned_go_live", "forecast_go_live", "created_by"},  # frozen by the service
    Site: {"status", "source_ref"},
    ScoringRun: {
        "status",
        "scenario_spec",
        "items_total",
        "chunks_total",
        "chunks_done",
        "items_done",
        "results_count",
        "eligible_count",
        "layer_versions",
        "timings",
        "error",
        "started_at",
        "finished_at",
    },
    Delivery: {
        "supplier",
        "status",
        "shipped_on",
        "actual_date",
        "received_quantity",
        "inspection",
        "installed",
        "installed_on",
    },
    FeedReview: {"status", "resolved_by", "resolved_at"},
}
# ...except on the transition routes that exist to set them (each through its service, with its guard).
SETS = {
    (f"{V1}/sites/{{id}}/status/", "post"): {"status"},
    (f"{V1}/projects/", "post"): {"model_run"},  # the scoring run whose scenario dates the blocks (project_create)
    (f"{V1}/contract-lines/{{id}}/ship-notices/", "post"): {"status", "shipped_on"},  # scheduled..shipped only
    (f"{V1}/deliveries/{{id}}/receipt/", "post"): {"actual_date", "received_quantity", "inspection"},
    (f"{V1}/deliveries/{{id}}/install/", "post"): {"installed_on"},
    (f"{V1}/feed-reviews/{{id}}/resolve/", "post"): {"status"},
}
SKIPPED_TYPES = (GeometryField, models.BinaryField)  # writable geometry, and run archives no API field maps to


def _accepted(schema: dict, operation: dict) -> set[str]:
    """The request body's property names (the schema's request components hold only writable fields)."""
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return set(body.get("properties", {}))


def _write_routes() -> list[tuple[str, str, set[str]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes = (INTERNAL_WRITE, OWNED_WRITE, SHIP_NOTICE)
    return sorted(
        (path, method, _accepted(schema, schema["paths"][path][method]))
        for path, methods in POLICY.items()
        for method, policy in methods.items()
        if policy in writes and method in ("post", "put", "patch")
    )


def _protected(model) -> set[str]:
    fields = model._meta.concrete_fields
    automatic = {f.name for f in fields if f.primary_key or not f.editable or getattr(f, "auto_now", False)
                 or getattr(f, "auto_now_add", False)}  # fmt: skip
    return automatic | PROTECTED.get(model, set())


def test_no_write_route_accepts_a_protected_field_it_does_not_exist_to_set():
    offenders = {
        (path, method): sorted((accepted & _protected(MODEL[path])) - SETS.get((path, method), set()))
        for path, method, accepted in _write_routes()
    }
    assert {route: names for route, names in offenders.items() if names} == {}


def _columns(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not isinstance(f, SKIPPED_TYPES) and not f.generated]


def _hostile(field: models.Field, clean):
    """A value the column does not hold after the clean request: a valid one where there is a choice."""
    if field.is_relation:
        other = field.related_model.objects.exclude(pk=clean).values_list("pk", flat=True).first()
        return other if other is not None else 999_999
    if field.choices:
        return next(value for value, _ in field.choices if value != clean)
    if isinstance(field, models.BooleanField):
        return not clean
    if isinstance(field, models.DateTimeField):
        return "1999-01-02T03:04:05Z"
    if isinstance(field, models.DateField):
        return "1999-01-02"
    if isinstance(field, models.JSONField):
        return {"hostile": True}
    if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField | models.AutoField):
        return 424_242
    return "HOSTILE"


def _same(stored, hostile) -> bool:
    if isinstance(stored, datetime):
        return stored.isoformat().startswith("1999-01-02")
    if isinstance(stored, date):
        return stored.isoformat() == hostile
    if isinstance(stored, Decimal | float | int) and not isinstance(stored, bool):
        return isinstance(hostile, int | float) and not isinstance(hostile, bool) and float(stored) == float(hostile)
    return stored == hostile


def _send(client, method: str, url: str, body: dict):
    return getattr(client, method)(url, body, format="json")


def _row(model, response, columns) -> dict | None:
    if not 200 <= response.status_code < 300:
        return None
    return model.objects.filter(pk=response.json()["id"]).values(*[c.attname for c in columns]).get()


def _cases(w: World):
    for path, method, accepted in _write_routes():
        policy = POLICY[path][method]
        roles = ("planner", "supplier_a") if policy == SHIP_NOTICE else ("planner",)
        for tenant, url in targets(w, path, policy):
            if tenant == "b":
                continue  # tenant A's rows stand for both; the matrix covers the other tenant
            for role in roles:
                yield path, method, accepted, url, role, bodies(w, tenant)[(path, method)]


def test_no_write_route_stores_a_field_it_does_not_accept(db, capsys):
    w = build_world()
    routes = {path for path, _, _ in _write_routes()}
    assert routes - set(MODEL) == set(), "write routes with no model: add them to MODEL"
    failures, checked, fields_tried = [], 0, 0
    for path, method, accepted, url, role, body in _cases(w):
        model = MODEL[path]
        columns = _columns(model)
        client = w.clients[role]
        with rolled_back():
            clean_response = _send(client, method, url, body)
            clean = _row(model, clean_response, columns)
            target = clean or {}
            hostile = {
                c.name: _hostile(c, target.get(c.attname))
                for c in columns
                if c.name not in accepted and c.attname not in accepted
            }
        with rolled_back():
            before = domain_fingerprint()
            response = _send(client, method, url, {**hostile, **body})
            label = f"{method.upper()} {url} as {role}"
            checked += 1
            fields_tried += len(hostile)
            if response.status_code >= 500:
                failures.append(f"{label}: {response.status_code}")
                continue
            stored = _row(model, response, columns)
            if stored is None:
                if domain_fingerprint() != before:
                    failures.append(f"{label}: refused with {response.status_code} but wrote to the database")
                continue
            # Ids and times differ between the two requests by themselves; they only must not be the hostile ones.
            auto = {c.attname for c in columns if c.primary_key or isinstance(c, models.DateTimeField)}
            if clean is None:
                failures.append(f"{label}: the valid body was refused ({clean_response.status_code}), "
                                f"the hostile one accepted ({response.status_code})")  # fmt: skip
                continue
            for column in columns:
                name, value = column.attname, stored[column.attname]
                if column.name in hostile and _same(value, hostile[column.name]):
                    failures.append(f"{label}: stored hostile {column.name}={value!r}")
                if name not in auto and value != clean[name]:
                    failures.append(f"{label}: {column.name} is {value!r} with hostile fields, {clean[name]!r} without")
    with capsys.disabled():
        print(f"\nmass assignment: {checked} (route, role) writes, {fields_tried} hostile fields sent, "
              f"{len(failures)} stored")  # fmt: skip
    assert failures == [], "\n".join(failures)
