"""Fuzz every operation of the OpenAPI schema with schemathesis (docs/reliability.md, "fuzzing").

The schema is read from /api/schema/ and every operation is called in-process through the WSGI app, on
the real PostGIS test database, as a planner (knox token), so writes run too. Half the generated cases
put the id of a real row in the path, so detail routes reach the database rather than a 404.

Each case runs in a savepoint that is rolled back: every case sees the same seeded rows, and a case that
deletes or breaks something cannot hide a failure in the next one. Scoring runs and supplier checks are
enqueued on commit, which never comes, so no Celery worker is needed.

Checks: no 5xx, and the response conforms to the schema (status code, content type, headers, body).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from sitesel.models import Site
from tests.security.authz_world import build_world, rolled_back

CASES_PER_OPERATION = 100
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.pytest.from_fixture("api_schema")


@contextmanager
def _connection_kept_across_requests():
    # Django's handler closes "old" connections around each request, which inside a test's transaction marks
    # it for rollback; its own test client disconnects the same two receivers for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_path_values(world) -> dict[str, dict[str, int | str]]:
    """Path template prefix -> path parameters naming a seeded row."""
    tenant = world.tenants["a"].detail
    values: dict[str, dict[str, int | str]] = {
        f"/api/v1/{resource}/": {"id": pk} for resource, pk in {**world.internal, **tenant}.items()
    }
    values["/api/v1/layers/"] = {"kind": world.internal["layers"]}
    values["/api/v1/scoring-runs/{id}/results/{result_id}/"] = {"id": world.run.pk, "result_id": world.result.pk}
    return values


@pytest.fixture
def fuzz_report(capsys):
    """Cases per operation (all phases, and the fuzzing phase's generated ones), 5xx and schema violations;
    printed and asserted when the fuzzing ends."""
    report = {
        "cases": Counter(), "generated": Counter(), "seconds": Counter(), "server_errors": Counter(),
        "violations": Counter(),
    }  # fmt: skip
    yield report
    cases, generated = report["cases"], report["generated"]
    line = (
        f"schemathesis: {len(cases)} operations, {sum(cases.values())} cases of which {sum(generated.values())} "
        f"generated (min {min(generated.values(), default=0)} per operation), "
        f"5xx: {sum(report['server_errors'].values())}, schema violations: {sum(report['violations'].values())}"
    )
    slowest = ", ".join(f"{label} {seconds:.0f} s" for label, seconds in report["seconds"].most_common(5))
    with capsys.disabled():
        print(f"\n{line}\nslowest (time in requests): {slowest}")
    short = {label: generated[label] for label in cases if generated[label] < CASES_PER_OPERATION}
    assert not short, f"operations with fewer than {CASES_PER_OPERATION} generated cases: {short}"


@pytest.fixture
def world(db):
    with _connection_kept_across_requests():
        yield build_world()


@pytest.fixture
def planner_headers(world) -> dict[str, str]:
    return {"Authorization": f"Token {AuthToken.objects.create(world.users['planner'])[1]}"}


@pytest.fixture
def api_schema(world, planner_headers):
    # The schema needs a signed-in user, like every endpoint (README); the planner's token reads it.
    loaded = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=planner_headers)
    # schemathesis' coverage phase (boundary and invalid values derived from the schema) doubles the cases and
    # the run time; CI runs without it to stay within its time budget, FUZZ_COVERAGE_PHASE=1 adds it.
    loaded.config.phases.coverage.enabled = os.environ.get("FUZZ_COVERAGE_PHASE") == "1"
    real = _real_path_values(world)

    @loaded.hook
    def flatmap_path_parameters(context, path_parameters):
        path = context.operation.path
        prefix = max((p for p in real if path.startswith(p)), key=len, default=None)
        if prefix is None or not path_parameters:
            return st.just(path_parameters)
        seeded = {name: value for name, value in real[prefix].items() if name in path_parameters}
        return st.sampled_from([path_parameters, {**path_parameters, **seeded}])

    return loaded


@schema.parametrize()
@settings(
    max_examples=CASES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_every_operation_survives_fuzzing_and_matches_the_schema(case, planner_headers, fuzz_report):
    label = case.operation.label
    with rolled_back():
        started = time.perf_counter()
        response = case.call(headers=planner_headers)
        fuzz_report["seconds"][label] += time.perf_counter() - started
        fuzz_report["cases"][label] += 1
        if case.meta is not None and case.meta.phase.name == TestPhase.FUZZING:
            fuzz_report["generated"][label] += 1
        if response.status_code >= 500:
            fuzz_report["server_errors"][label] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=planner_headers)
        except FailureGroup as failures:
            schema_failures = [f for f in failures.exceptions if not isinstance(f, ServerError)]
            fuzz_report["violations"][label] += len(schema_failures)
            raise


# --- the bugs the fuzzing found, each pinned by a direct request ---------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/sites/1.5/", "/api/v1/sites/null,null/status-events/"])
def test_a_non_integer_id_is_a_json_404(world, path):
    response = world.clients["planner"].get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Not found.", "field": None, "errors": []}


def test_deleting_a_site_a_project_uses_is_a_409_naming_it(world):
    response = world.clients["planner"].delete(f"/api/v1/sites/{world.site.pk}/")
    assert response.status_code == 409 and response.json()["code"] == "protected"
    assert "build projects" in response.json()["message"]
    assert Site.objects.filter(pk=world.site.pk).exists()


def test_a_point_with_an_elevation_is_stored_in_2d(world):
    body = {"name": "Hill site", "point": {"type": "Point", "coordinates": [-97.2, 32.7, 210.0]}}
    response = world.clients["planner"].post("/api/v1/sites/", body, format="json")
    assert response.status_code == 201, response.json()
    assert not Site.objects.get(pk=response.json()["id"]).point.hasz


def test_a_layer_feature_may_be_any_geojson_geometry_or_null():
    feature = SchemaGenerator().get_schema(public=True)["components"]["schemas"]["FeatureGeo"]
    geometry = feature["properties"]["geometry"]
    types = {option["properties"]["type"]["enum"][0] for option in geometry["oneOf"]}
    assert geometry["nullable"] and {"MultiPolygon", "MultiLineString", "Point"} <= types
