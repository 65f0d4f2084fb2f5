"""Authorization matrix, generated from the OpenAPI schema: every operation × every role × (own row, other
tenant's row), checked against one policy table (docs/reliability.md §1).

Allowed: 2xx, or 400/409 for a write whose input or state the service refuses. Denied: 401 (anonymous),
403 or 404, never 2xx, and a denied write leaves every row of both apps as it was. Each case runs in a
savepoint that is rolled back, so every case sees the same data. A schema operation missing from the
policy table fails the test: a new route needs a policy before it ships.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.contrib.auth.models import User
from drf_spectacular.generators import SchemaGenerator
from rest_framework.settings import api_settings

from orchestration.models import Category, Supplier
from tests.security.authz_world import (
    OTHER,
    ROLES,
    SUPPLIER_ROLES,
    World,
    build_world,
    domain_fingerprint,
    rolled_back,
    today,
    tomorrow,
)

pytestmark = pytest.mark.django_db

# Policies. INTERNAL: planning data (sites, layers, scenarios, runs, projects, blocks, BOM, alerts).
# OWNED: rows that belong to one supplier (suppliers, contracts, lines, deliveries, reviews, check runs).
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in user, whatever the role
INTERNAL_READ = "internal_read"  # admin, planner, viewer
INTERNAL_WRITE = "internal_write"  # admin, planner
OWNED_READ = "owned_read"  # admin, planner, viewer; a supplier its own rows only
OWNED_WRITE = "owned_write"  # admin, planner (suppliers never write these)
SHIP_NOTICE = "ship_notice"  # admin, planner; a supplier on its own lines only
SCOPED_READ = "scoped_read"  # admin, planner, viewer; a supplier what concerns it (API root, its own rows' history)
ADMIN_ONLY = "admin_only"  # admin

CRUD = {"get": INTERNAL_READ, "put": INTERNAL_WRITE, "patch": INTERNAL_WRITE, "delete": INTERNAL_WRITE}
OWNED_CRUD = {"get": OWNED_READ, "put": OWNED_WRITE, "patch": OWNED_WRITE, "delete": OWNED_WRITE}
V1 = "/api/v1"
POLICY: dict[str, dict[str, str]] = {
    f"{V1}/": {"get": SCOPED_READ},
    f"{V1}/history/": {"get": SCOPED_READ},
    f"{V1}/auth/login/": {"post": PUBLIC},
    f"{V1}/auth/logout/": {"post": SIGNED_IN},
    f"{V1}/auth/logout-all/": {"post": SIGNED_IN},
    f"{V1}/auth/users/{{user_id}}/revoke-tokens/": {"post": ADMIN_ONLY},
    f"{V1}/sites/": {"get": INTERNAL_READ, "post": INTERNAL_WRITE},
    f"{V1}/sites/geojson/": {"get": INTERNAL_READ},
    f"{V1}/sites/{{id}}/": CRUD,
    f"{V1}/sites/{{id}}/status/": {"post": INTERNAL_WRITE},
    f"{V1}/sites/{{id}}/status-events/": {"get": INTERNAL_READ},
    f"{V1}/sites/{{id}}/economics/": {"get": INTERNAL_READ},
    f"{V1}/sites/{{id}}/scale/": {"get": INTERNAL_READ},
    f"{V1}/layers/": {"get": INTERNAL_READ},
    f"{V1}/layers/{{kind}}/": {"get": INTERNAL_READ},
    f"{V1}/layers/{{kind}}/features/": {"get": INTERNAL_READ},
    f"{V1}/layers/{{kind}}/versions/": {"get": INTERNAL_READ},
    f"{V1}/scenarios/": {"get": INTERNAL_READ, "post": INTERNAL_WRITE},
    f"{V1}/scenarios/{{id}}/": CRUD,
    f"{V1}/scoring-runs/": {"get": INTERNAL_READ, "post": INTERNAL_WRITE},
    f"{V1}/scoring-runs/{{id}}/": {"get": INTERNAL_READ},
    f"{V1}/scoring-runs/{{id}}/results/": {"get": INTERNAL_READ},
    f"{V1}/scoring-runs/{{id}}/results/csv/": {"get": INTERNAL_READ},
    f"{V1}/scoring-runs/{{id}}/spread-vs-campus/": {"get": INTERNAL_READ},
    f"{V1}/scoring-runs/{{id}}/results/{{result_id}}/": {"get": INTERNAL_READ},
    f"{V1}/scoring-runs/{{id}}/results/{{result_id}}/promote/": {"post": INTERNAL_WRITE},
    f"{V1}/scoring-runs/{{id}}/cancel/": {"post": INTERNAL_WRITE},
    f"{V1}/scoring-runs/{{id}}/pin/": {"post": INTERNAL_WRITE},
    f"{V1}/scoring-runs/{{id}}/cell/": {"get": INTERNAL_READ},
    f"{V1}/projects/": {"get": INTERNAL_READ, "post": INTERNAL_WRITE},
    f"{V1}/projects/{{id}}/": {"get": INTERNAL_READ, "put": INTERNAL_WRITE, "patch": INTERNAL_WRITE},
    f"{V1}/projects/{{id}}/forecast/": {"get": INTERNAL_READ},
    f"{V1}/blocks/": {"get": INTERNAL_READ},
    f"{V1}/blocks/{{id}}/": {"get": INTERNAL_READ},
    f"{V1}/blocks/{{id}}/alignment/": {"get": INTERNAL_READ},
    f"{V1}/blocks/{{id}}/events/": {"get": INTERNAL_READ},
    f"{V1}/blocks/{{id}}/facts/": {"post": INTERNAL_WRITE},
    f"{V1}/blocks/{{id}}/plan/": {"post": INTERNAL_WRITE},
    f"{V1}/blocks/{{id}}/transition/": {"post": INTERNAL_WRITE},
    f"{V1}/bom-lines/": {"get": INTERNAL_READ, "post": INTERNAL_WRITE},
    f"{V1}/bom-lines/{{id}}/": CRUD,
    f"{V1}/alerts/": {"get": INTERNAL_READ},
    f"{V1}/alerts/{{id}}/": {"get": INTERNAL_READ},
    f"{V1}/suppliers/": {"get": OWNED_READ, "post": INTERNAL_WRITE},
    f"{V1}/suppliers/{{id}}/": OWNED_CRUD,
    f"{V1}/suppliers/{{id}}/check/": {"post": OWNED_WRITE},
    f"{V1}/contracts/": {"get": OWNED_READ, "post": INTERNAL_WRITE},
    f"{V1}/contracts/{{id}}/": OWNED_CRUD,
    f"{V1}/contract-lines/": {"get": OWNED_READ, "post": INTERNAL_WRITE},
    f"{V1}/contract-lines/{{id}}/": OWNED_CRUD,
    f"{V1}/contract-lines/{{id}}/ship-notices/": {"post": SHIP_NOTICE},
    f"{V1}/deliveries/": {"get": OWNED_READ, "post": INTERNAL_WRITE},
    f"{V1}/deliveries/{{id}}/": {"get": OWNED_READ, "put": OWNED_WRITE, "patch": OWNED_WRITE},
    f"{V1}/deliveries/{{id}}/events/": {"get": OWNED_READ},
    f"{V1}/deliveries/{{id}}/promise-changes/": {"get": OWNED_READ},
    f"{V1}/deliveries/{{id}}/install/": {"post": OWNED_WRITE},
    f"{V1}/deliveries/{{id}}/receipt/": {"post": OWNED_WRITE},
    f"{V1}/feed-reviews/": {"get": OWNED_READ},
    f"{V1}/feed-reviews/{{id}}/": {"get": OWNED_READ},
    f"{V1}/feed-reviews/{{id}}/resolve/": {"post": OWNED_WRITE},
    f"{V1}/supplier-checks/": {"get": OWNED_READ},
    f"{V1}/supplier-checks/{{id}}/": {"get": OWNED_READ},
    # Program risk: scorecards and line risk are a supplier's own; the rest is planning data.
    f"{V1}/supplier-scorecards/": {"get": OWNED_READ},
    f"{V1}/supplier-scorecards/{{id}}/": {"get": OWNED_READ},
    f"{V1}/supplier-line-risk/{{id}}/": {"get": OWNED_READ},
    f"{V1}/program-risk/{{id}}/": {"get": INTERNAL_READ},
    f"{V1}/program-delay-cost/{{id}}/": {"get": INTERNAL_READ},
    f"{V1}/portfolio/": {"get": INTERNAL_READ},
    f"{V1}/baselines/": {"get": INTERNAL_READ, "post": INTERNAL_WRITE},
    f"{V1}/baselines/{{id}}/": {"get": INTERNAL_READ},
    f"{V1}/baselines/{{id}}/variance/": {"get": INTERNAL_READ},
}

# GETs that need a query; and those whose answer to an allowed role on the world's rows is a 409 (a cell lookup
# is for national runs; the world's run scores sites): the role passed authorization, the row does not fit.
QUERIES = {f"{V1}/scoring-runs/{{id}}/cell/": {"lon": -77.5, "lat": 39.0}}
CONFLICT_ON_WORLD_ROWS = {f"{V1}/scoring-runs/{{id}}/cell/"}

# List filters a supplier might use to reach the other tenant's rows: each gets the other tenant's id.
TENANT_FILTERS = {
    "supplier": "suppliers",
    "contract": "contracts",
    "line": "contract-lines",
    "run": "supplier-checks",
}


def schema_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    methods = ("get", "post", "put", "patch", "delete")
    return sorted((path, method) for path, ops in schema["paths"].items() for method in ops if method in methods)


def resource(path: str) -> str:
    return path.removeprefix(f"{V1}/").split("/")[0]


def bodies(w: World, tenant: str | None) -> dict[tuple[str, str], dict]:
    """A valid body for each write (as a planner would send it); `tenant` picks the supplier's rows."""
    t = w.tenants[tenant or "a"]
    supplier, line = t.supplier, t.detail["contract-lines"]
    block = w.program.blocks[0].pk
    spec = w.scenario.spec
    site_body = {"name": "Renamed site", "longitude": -97.2, "latitude": 32.8}
    contract_body = {"supplier": supplier.pk, "project": w.program.project.pk, "reference": "NEW-1", "value": "5"}
    line_body = {"contract": t.detail["contracts"], "line_no": 99, "item": "Spare", "category": supplier.category,
                 "quantity": "1", "unit": "ea"}  # fmt: skip
    bom_body = {"block": block, "category": "chips", "item": "Spare GPU", "quantity": "1", "unit": "ea",
                "lead_time_days": 30, "install_days": 1}  # fmt: skip
    delivery_update = {"quantity": "1", "promised_date": tomorrow(), "reason": "re-planned"}
    return {
        (f"{V1}/auth/login/", "post"): {"username": "nobody", "password": "wrong"},
        (f"{V1}/auth/logout/", "post"): {},
        (f"{V1}/sites/", "post"): {**site_body, "name": "New site"},
        (f"{V1}/sites/{{id}}/", "put"): site_body,
        (f"{V1}/sites/{{id}}/", "patch"): {"name": "Renamed site"},
        (f"{V1}/sites/{{id}}/", "delete"): {},
        (f"{V1}/sites/{{id}}/status/", "post"): {"status": "shortlisted", "reason": "good grid"},
        (f"{V1}/scenarios/", "post"): {"name": "New scenario", "spec": spec},
        (f"{V1}/scenarios/{{id}}/", "put"): {"name": "Renamed scenario", "spec": spec},
        (f"{V1}/scenarios/{{id}}/", "patch"): {"description": "edited"},
        (f"{V1}/scenarios/{{id}}/", "delete"): {},
        (f"{V1}/scoring-runs/", "post"): {},
        (f"{V1}/scoring-runs/{{id}}/results/{{result_id}}/promote/", "post"): {"name": "Promoted cell"},
        (f"{V1}/scoring-runs/{{id}}/cancel/", "post"): {},
        (f"{V1}/scoring-runs/{{id}}/pin/", "post"): {"pinned": True},
        (f"{V1}/projects/", "post"): {
            "site": w.site.pk,
            "name": "New project",
            "target_mw": 100,
            "block_mw": 50,
            "planned_first_go_live": str(today()),
        },
        (f"{V1}/projects/{{id}}/", "put"): {"name": "Renamed project", "grid_power_date": None},
        (f"{V1}/projects/{{id}}/", "patch"): {"name": "Renamed project"},
        (f"{V1}/blocks/{{id}}/facts/", "post"): {"power_available": True, "reason": "energised"},
        (f"{V1}/blocks/{{id}}/plan/", "post"): {"planned_go_live": tomorrow(), "reason": "re-planned"},
        (f"{V1}/blocks/{{id}}/transition/", "post"): {"to_state": "site_ready", "reason": "handed over"},
        (f"{V1}/bom-lines/", "post"): bom_body,
        (f"{V1}/bom-lines/{{id}}/", "put"): bom_body,
        (f"{V1}/bom-lines/{{id}}/", "patch"): {"quantity": "2"},
        (f"{V1}/bom-lines/{{id}}/", "delete"): {},
        (f"{V1}/suppliers/", "post"): {"name": "New supplier", "category": "chips"},
        (f"{V1}/suppliers/{{id}}/", "put"): {"name": "Renamed supplier", "category": supplier.category},
        (f"{V1}/suppliers/{{id}}/", "patch"): {"contact_name": "Mallory"},
        (f"{V1}/suppliers/{{id}}/", "delete"): {},
        (f"{V1}/suppliers/{{id}}/check/", "post"): {},
        (f"{V1}/contracts/", "post"): contract_body,
        (f"{V1}/contracts/{{id}}/", "put"): {**contract_body, "reference": "EDITED-1"},
        (f"{V1}/contracts/{{id}}/", "patch"): {"value": "1.00"},
        (f"{V1}/contracts/{{id}}/", "delete"): {},
        (f"{V1}/contract-lines/", "post"): line_body,
        (f"{V1}/contract-lines/{{id}}/", "put"): {**line_body, "line_no": 98},
        (f"{V1}/contract-lines/{{id}}/", "patch"): {"unit_value": "0.01"},
        (f"{V1}/contract-lines/{{id}}/", "delete"): {},
        (f"{V1}/contract-lines/{{id}}/ship-notices/", "post"): {
            "shipment_ref": "NEW-SHIP",
            "quantity": "1",
            "status": "scheduled",
            "expected_date": tomorrow(),
        },
        (f"{V1}/deliveries/", "post"): {
            "line": line,
            "shipment_ref": "NEW-D",
            "quantity": "1",
            "promised_date": tomorrow(),
        },
        (f"{V1}/deliveries/{{id}}/", "put"): delivery_update,
        (f"{V1}/deliveries/{{id}}/", "patch"): delivery_update,
        (f"{V1}/deliveries/{{id}}/install/", "post"): {"installed_on": str(today())},
        (f"{V1}/deliveries/{{id}}/receipt/", "post"): {
            "received_quantity": "1",
            "actual_date": str(today()),
            "inspection": "passed",
        },
        (f"{V1}/feed-reviews/{{id}}/resolve/", "post"): {"status": "dismissed"},
        (f"{V1}/baselines/", "post"): {"project": w.program.project.pk, "name": "New baseline"},
    }


def expected(policy: str, role: str, tenant: str | None) -> bool:
    """True when the role may do this; `tenant` is whose row the route acts on (None: a list or a create)."""
    if policy == PUBLIC:
        return True
    if role == "anonymous":
        return False
    if policy == ADMIN_ONLY:
        return role == "admin"
    if policy == SIGNED_IN or role in ("admin", "planner"):
        return True
    if role == "viewer":
        return policy in (INTERNAL_READ, OWNED_READ, SCOPED_READ)
    if role in SUPPLIER_ROLES and policy in (OWNED_READ, SHIP_NOTICE, SCOPED_READ):
        return tenant is None or tenant == SUPPLIER_ROLES[role]
    return False


def targets(w: World, path: str, policy: str) -> list[tuple[str | None, str]]:
    """(tenant, concrete path) for each row the operation is tried on."""
    name = resource(path)
    if "{" not in path:
        return [(None, path)]
    if "{user_id}" in path:  # revoking tokens: the viewer's, so the clients of the other roles keep theirs
        return [(None, path.replace("{user_id}", str(w.users["viewer"].pk)))]
    if policy in (OWNED_READ, OWNED_WRITE, SHIP_NOTICE):
        return [(key, path.replace("{id}", str(w.tenants[key].detail[name]))) for key in ("a", "b")]
    concrete = path.replace("{id}", str(w.internal[name])).replace("{kind}", str(w.internal[name]))
    return [(None, concrete.replace("{result_id}", str(w.result.pk)))]


def result_rows(response) -> list[dict]:
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def served_formats() -> list[str | None]:
    """The renderers the API serves here: JSON (the default, None) and, where it is on (development, and these
    tests), the browsable HTML API (`?format=api`). Every GET case is checked in each."""
    formats = [renderer.format for renderer in api_settings.DEFAULT_RENDERER_CLASSES]
    return [None] + [name for name in formats if name != "json"]


def foreign_leaks(w: World, role: str, text: str) -> list[str]:
    """The other tenant's names, contract references and contract-line items that a supplier's response shows,
    and any row id of a filter form's choices (browsable API) that is not the supplier's own."""
    if role not in SUPPLIER_ROLES:
        return []
    mine, other = w.tenants[SUPPLIER_ROLES[role]], w.tenants[OTHER[SUPPLIER_ROLES[role]]]
    leaks = [marker for marker in other.markers if marker in text]
    for name, options in SELECT.findall(text):
        ids = {int(value) for value in OPTION.findall(options)}
        own = mine.owned.get(TENANT_FILTERS.get(name, ""), set())
        if ids - own:
            leaks.append(f"<select name={name}> offers ids {sorted(ids - own)}")
    return leaks


SELECT = re.compile(r'<select name="(\w+)"[^>]*>(.*?)</select>', re.DOTALL)
OPTION = re.compile(r'<option value="(\d+)"')


def test_every_route_every_role_matches_the_policy_with_no_cross_tenant_success(db, capsys):
    w = build_world()
    operations = schema_operations()
    covered = {(path, method) for path, methods in POLICY.items() for method in methods}
    assert set(operations) - covered == set(), "schema operations with no policy: add them to POLICY"
    assert covered - set(operations) == set(), "POLICY lists operations the schema no longer has"
    formats = served_formats()
    assert "api" in formats, "the browsable API is served in development: the matrix must cover it"

    failures: list[str] = []
    counts: Counter[str] = Counter()
    for path, method in operations:
        policy = POLICY[path][method]
        for tenant, url in targets(w, path, policy):
            body = bodies(w, tenant).get((path, method), {})
            for role, fmt in [(role, fmt) for role in ROLES for fmt in (formats if method == "get" else [None])]:
                allowed = expected(policy, role, tenant)
                cross_tenant = role in SUPPLIER_ROLES and tenant == OTHER[SUPPLIER_ROLES[role]]
                with rolled_back():
                    before = domain_fingerprint() if method != "get" and not allowed else None
                    client = w.clients[role]
                    if method == "get":
                        response = client.get(url, {**QUERIES.get(path, {}), **({"format": fmt} if fmt else {})})
                    else:
                        response = getattr(client, method)(url, body, format="json")
                    status = response.status_code
                    counts["cases"] += 1
                    counts["html_cases"] += fmt == "api"
                    counts["cross_tenant_attempts"] += cross_tenant
                    label = f"{method.upper()} {url}{f'?format={fmt}' if fmt else ''} as {role}: {status}"
                    if allowed:
                        ok = (
                            status in (200, 409 if path in CONFLICT_ON_WORLD_ROWS else 200)
                            if method == "get"
                            else (200 <= status < 300 or status in (400, 409))
                        )
                        counts["allowed_2xx"] += 200 <= status < 300
                    else:
                        ok = status in ((401,) if role == "anonymous" else (403, 404))
                        counts["cross_tenant_successes"] += cross_tenant and 200 <= status < 300
                        if before is not None and domain_fingerprint() != before:
                            failures.append(f"{label}: a denied write changed the database")
                    if not ok:
                        failures.append(f"{label}: expected {'allowed' if allowed else 'denied'} ({policy})")
                    if not getattr(response, "streaming", False):
                        leaks = foreign_leaks(w, role, response.content.decode())
                        counts["foreign_leaks"] += len(leaks)
                        failures += [f"{label}: shows {leak}" for leak in leaks]
    with capsys.disabled():
        print(f"\nauthorization matrix: {counts['cases']} (route, method, role, row, renderer) cases over "
              f"{len(operations)} operations x {len(ROLES)} roles, {counts['html_cases']} of them in the browsable "
              f"API; {counts['allowed_2xx']} allowed cases answered 2xx; {counts['cross_tenant_attempts']} "
              f"cross-tenant attempts, {counts['cross_tenant_successes']} cross-tenant successes; "
              f"{counts['foreign_leaks']} foreign names or ids shown to a supplier")  # fmt: skip
    assert counts["cross_tenant_successes"] == 0
    assert failures == [], "\n".join(failures)


def test_lists_and_their_filters_never_show_a_supplier_the_other_tenants_rows(db, capsys):
    w = build_world()
    operations = schema_operations()
    lists = [path for path, method in operations if method == "get" and POLICY[path][method] == OWNED_READ
             and "{" not in path]  # fmt: skip
    params = {path: _query_params(path) for path in lists}
    checked = 0
    for path in lists:
        name = resource(path)
        both = w.tenants["a"].owned[name] | w.tenants["b"].owned[name]
        for role in ("planner", "viewer", "admin"):
            seen = {row["id"] for row in result_rows(w.clients[role].get(path, {"page_size": 500}))}
            assert both <= seen, (path, role)  # the data is there to leak
        for role, mine in SUPPLIER_ROLES.items():
            own, foreign = w.tenants[mine].owned[name], w.tenants[OTHER[mine]].owned[name]
            probes = [{}] + [
                {param: next(iter(w.tenants[OTHER[mine]].owned[target]))}
                for param, target in TENANT_FILTERS.items()
                if param in params[path]
            ]
            for query in probes:
                response = w.clients[role].get(path, {**query, "page_size": 500})
                checked += 1
                if query:  # another tenant's id is refused exactly like an id that does not exist: no oracle
                    missing = w.clients[role].get(path, {name: 2**62 for name in query} | {"page_size": 500})
                    assert response.status_code == missing.status_code == 400, (path, role, query)
                    assert response.json() == missing.json(), (path, role, query)
                    assert response.json()["field"] == next(iter(query)), response.json()
                if response.status_code == 200:
                    ids = {row["id"] for row in result_rows(response)}
                    assert not ids & foreign, (path, role, query)
                    if not query:
                        assert ids and ids <= own, (path, role)
                    if name == "contracts":  # lines are nested in contracts
                        nested = {line["id"] for row in result_rows(response) for line in row["lines"]}
                        assert not nested & w.tenants[OTHER[mine]].owned["contract-lines"], (path, role, query)
    with capsys.disabled():
        print(f"\ncross-tenant list probes: {checked} (list, supplier, filter), foreign rows seen: 0; every foreign id "
              "refused like a missing one")  # fmt: skip


def _query_params(path: str) -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {p["name"] for p in schema["paths"][path]["get"].get("parameters", []) if p["in"] == "query"}


WEB_PAGES = ("/", "/map/", "/map/boundaries.json", "/map/overlays/hv_lines.json", "/map/context/places.json",
             "/runs/", "/sites/{site}/", "/runs/{run}/", "/programs/", "/programs/{project}/", "/sites/", "/layers/",
             "/alerts/", "/compare/")  # fmt: skip


def test_web_pages_admit_admins_planners_and_viewers_only(db, client, capsys):
    w = build_world()
    checked = 0
    for page in WEB_PAGES:
        url = page.format(site=w.site.pk, run=w.run.pk, project=w.program.project.pk)
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(w.users[role])
            status = client.get(url).status_code
            expected_status = {"anonymous": 302, "no_role": 403, "supplier_a": 403, "supplier_b": 403}.get(role, 200)
            assert status == expected_status, (url, role, status)
            checked += 1
    client.force_login(w.users["viewer"])
    assert client.post("/runs/", {"mode": "sites"}).status_code == 403
    assert client.post(f"/runs/{w.run.pk}/cancel/").status_code == 403  # the Cancel button is the planners'
    for role in ("no_role", "supplier_a"):
        client.force_login(w.users[role])
        assert client.post(f"/runs/{w.run.pk}/cancel/").status_code == 403
    with capsys.disabled():
        print(f"\nweb pages: {checked} (page, role) cases")


def test_the_demo_accounts_have_one_role_each(db, tmp_path):
    from config.api.roles import Role, user_role
    from config.demo_accounts import demo_users_ensure
    from orchestration.demo.program import SUPPLIERS, demo_supplier_account_ensure

    chips = Supplier.objects.create(name=SUPPLIERS[Category.CHIPS].name, category=Category.CHIPS)
    accounts = demo_users_ensure(secrets_dir=tmp_path)
    name, password = demo_supplier_account_ensure(secrets_dir=tmp_path)
    again = demo_users_ensure(secrets_dir=tmp_path)  # re-runs keep the passwords
    roles = {user.username: user_role(user) for user in User.objects.filter(username__in=[*accounts, "supplier"])}
    assert roles == {"admin": Role.ADMIN, "planner": Role.PLANNER, "viewer": Role.VIEWER, "supplier": Role.SUPPLIER}
    assert again == accounts and (tmp_path / "supplier-password").read_text() == password
    assert name == chips.name and User.objects.get(username="supplier").supplier_membership.supplier == chips
