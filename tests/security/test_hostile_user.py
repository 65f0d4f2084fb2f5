"""The hostile-user review's findings, each pinned by a test that failed before its fix (docs/reliability.md §8).

Numbers in query strings, names, sign-in lockout and proxy headers, token revocation, parcels in lists, CSV
formula injection, per-user limits on expensive reads, the API docs' sign-in, sessions and sign-out, and
supplier drop directories. Bad input that only needs a 400 is in the bad-input catalogue; the production
server (DEBUG, gunicorn, static files, database connections) in test_production_server.py.
"""

from __future__ import annotations

import csv
import io
import os
import time

import django.forms.fields
import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import IntegrityError, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.test import APIClient

from config.api import csv_export, numbers
from config.api.throttling import ExpensiveReadThrottle
from config.security.client_ip import client_ip
from core.validators import validate_plain_name
from orchestration.feeds import FeedInvalid, read_csv_drop
from orchestration.models import BuildProject, Supplier
from sitesel.models import Scenario, Site
from tests.security.authz_world import build_world
from tests.security.test_authz_matrix import POLICY, bodies, schema_operations, targets

pytestmark = pytest.mark.django_db

RTL_NAME = "Invoice\u202egpj.exe"
HUGE = "-1E+300000"


@pytest.fixture
def world(db):
    return build_world()


# --- 1. numbers in query strings ---------------------------------------------------------------------------------


def numeric_query_parameters() -> list[tuple[str, str]]:
    """(path, parameter) for every integer or number query parameter of every GET in the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (path, p["name"])
        for path, operations in schema["paths"].items()
        for p in operations.get("get", {}).get("parameters", [])
        if p["in"] == "query" and p.get("schema", {}).get("type") in ("integer", "number")
    )


def test_every_numeric_query_parameter_refuses_a_huge_exponent_before_converting_it(world, monkeypatch, capsys):
    seen: list[str] = []
    real_convert = numbers._convert

    def convert_spy(text: str, integer: bool):
        seen.append(text)
        return real_convert(text, integer)

    def no_decimal(*args, **kwargs):
        raise AssertionError("a query parameter reached Decimal()")

    monkeypatch.setattr(numbers, "_convert", convert_spy)
    monkeypatch.setattr(django.forms.fields, "Decimal", no_decimal)
    params = numeric_query_parameters()
    assert len(params) >= 30, params
    for path, name in params:
        (_, url), *_ = targets(world, path, POLICY[path]["get"])
        for hostile in (HUGE, "9" * 100_000, "1e5"):
            response = world.clients["admin"].get(url, {name: hostile})
            assert response.status_code == 400, (url, name, hostile[:12], response.status_code)
            assert response.json()["field"] == name, response.json()
    assert seen == [], "a refused number was converted"
    # A plain number still works, and is the only thing ever converted (at most MAX_CHARS characters).
    assert world.clients["admin"].get("/api/v1/deliveries/", {"contract": "7"}).status_code in (200, 400)
    assert world.clients["admin"].get("/api/v1/blocks/", {"phase": "2"}).status_code == 200
    assert seen and max(len(text) for text in seen) <= numbers.MAX_CHARS
    with capsys.disabled():
        print(f"\nnumeric query parameters refused before conversion: {len(params)} (x 3 hostile values)")


# --- 9. one name rule wherever names are written ------------------------------------------------------------------


def test_every_api_write_of_a_name_refuses_control_and_bidi_characters(world, capsys):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    checked = []
    for path, method in schema_operations():
        operation = schema["paths"][path][method]
        ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        properties = components.get(ref.get("$ref", "").rsplit("/", 1)[-1], {}).get("properties", {})
        if "name" not in properties or properties["name"].get("readOnly"):
            continue
        (_, url), *_ = targets(world, path, POLICY[path][method])
        body = {**bodies(world, None).get((path, method), {}), "name": RTL_NAME}
        response = getattr(world.clients["admin"], method)(url, body, format="json")
        assert response.status_code == 400, (method, url, response.status_code)
        assert response.json()["field"] == "name" and "U+202E" in response.json()["message"], response.json()
        checked.append(f"{method.upper()} {path}")
    assert "POST /api/v1/scoring-runs/{id}/results/{result_id}/promote/" in checked
    assert len(checked) >= 13, checked
    # The admin and services write through the models: the same validator is on each model's name.
    for model in (Site, Scenario, BuildProject, Supplier):
        assert validate_plain_name in model._meta.get_field("name").validators, model
    with capsys.disabled():
        print(f"\nname writes refused with U+202E: {len(checked)} operations")


# --- 4, 5. one limiter for every login, per account and per client; proxy headers -------------------------------

PASSWORD = "right-horse-battery"
LOGINS = {
    "api": ("/api/v1/auth/login/", 200, 400),
    "web": ("/login/", 302, 200),
    "admin": ("/admin/login/", 302, 200),
}


def sign_in(kind: str, username: str, password: str, address: str = "198.51.100.7", **headers):
    path, _, _ = LOGINS[kind]
    client = Client(REMOTE_ADDR=address, **headers)
    body = {"username": username, "password": password}
    if kind == "api":
        return client.post(path, body, content_type="application/json")
    return client.post(path, {**body, "next": "/admin/" if kind == "admin" else "/"})


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("ops-admin", password=PASSWORD, is_staff=True, is_superuser=True)


def assert_locked(response) -> None:
    assert response.status_code == 429, response.status_code
    assert int(response["Retry-After"]) >= 60
    assert "Too many failed sign-ins" in response.content.decode()


# The fifth failure locks (LOGIN_FAILURE_LIMIT = 5): its own answer is already the 429.


@pytest.mark.parametrize("kind", LOGINS)
def test_an_account_is_locked_at_the_fifth_failure_from_any_addresses(kind, staff):
    _, ok, refused = LOGINS[kind]
    for attempt in range(4):
        assert sign_in(kind, staff.username, "wrong", address=f"203.0.113.{attempt}").status_code == refused
    assert_locked(sign_in(kind, staff.username, "wrong", address="203.0.113.4"))
    assert_locked(sign_in(kind, staff.username, PASSWORD, address="203.0.113.99"))  # even the right password


@pytest.mark.parametrize("kind", LOGINS)
def test_a_client_is_locked_at_the_fifth_failure_on_any_accounts(kind, staff):
    _, ok, refused = LOGINS[kind]
    for attempt in range(4):
        assert sign_in(kind, f"guess-{attempt}", "wrong").status_code == refused
    assert_locked(sign_in(kind, "guess-4", "wrong"))
    assert_locked(sign_in(kind, staff.username, PASSWORD))
    assert sign_in(kind, staff.username, PASSWORD, address="192.0.2.50").status_code == ok  # another client


def test_21_rapid_tries_at_the_web_login_are_4_refusals_then_429s(staff, capsys):
    codes = [sign_in("web", staff.username, f"guess-{i}").status_code for i in range(21)]
    assert codes == [200] * 4 + [429] * 17
    with capsys.disabled():
        print(f"\n21 wrong passwords at /login/: {codes.count(200)} form errors, {codes.count(429)} x 429")


def test_a_forged_forwarded_for_does_not_make_a_new_client(staff):
    for attempt in range(4):
        response = sign_in("api", f"guess-{attempt}", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}")
        assert response.status_code == 400
    assert_locked(sign_in("api", "guess-4", "wrong", HTTP_X_FORWARDED_FOR="10.9.9.4"))
    assert_locked(sign_in("api", staff.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.200"))


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(staff, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for attempt in range(5):  # left-most entries are the client's own words: only the right-most one counts
        forwarded = f"6.6.6.{attempt}, 198.51.100.20"
        sign_in("api", f"guess-{attempt}", "wrong", address="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert_locked(sign_in("api", staff.username, PASSWORD, address="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20"))
    other = sign_in("api", staff.username, PASSWORD, address="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert other.status_code == 200


def test_client_ip_believes_forwarded_headers_only_from_trusted_proxies(rf, settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.9", "HTTP_X_FORWARDED_PROTO": "https"}
    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.1", **forwarded)) == "203.0.113.1"
    settings.TRUSTED_PROXIES = ["203.0.113.1"]
    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.1", **forwarded)) == "198.51.100.9"
    settings.TRUSTED_PROXIES = ["203.0.113.1", "198.51.100.9"]  # two proxies: the next hop out is the client
    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.1", **forwarded)) == "1.2.3.4"


def test_an_untrusted_peer_cannot_claim_https(settings, client):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 301  # dropped: still http
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


# --- 6. tokens end with the password, the account, or on request -------------------------------------------------


def token_for(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    return client


def test_a_password_change_or_deactivation_revokes_every_token(world):
    viewer = world.users["viewer"]
    clients = [token_for(viewer) for _ in range(2)]
    assert all(c.get("/api/v1/sites/").status_code == 200 for c in clients)
    viewer.first_name = "Vera"
    viewer.save()  # other changes keep them
    assert AuthToken.objects.filter(user=viewer).count() == 3
    viewer.set_password("a-new-long-password")
    viewer.save()
    assert AuthToken.objects.filter(user=viewer).count() == 0
    assert all(c.get("/api/v1/sites/").status_code == 401 for c in clients)
    fresh = token_for(viewer)
    viewer.is_active = False
    viewer.save(update_fields=["is_active"])
    assert AuthToken.objects.filter(user=viewer).count() == 0
    assert fresh.get("/api/v1/sites/").status_code == 401


def test_sign_out_everywhere_revokes_the_users_own_tokens_only(world):
    planner, viewer = world.users["planner"], world.users["viewer"]
    others = [token_for(planner) for _ in range(2)]
    response = world.clients["planner"].post("/api/v1/auth/logout-all/")
    assert response.status_code == 200 and response.json() == {"revoked": 3}
    assert all(c.get("/api/v1/sites/").status_code == 401 for c in [world.clients["planner"], *others])
    assert world.clients["viewer"].get("/api/v1/sites/").status_code == 200
    refused = world.clients["viewer"].post(f"/api/v1/auth/users/{planner.pk}/revoke-tokens/")
    assert refused.status_code == 403
    revoked = world.clients["admin"].post(f"/api/v1/auth/users/{viewer.pk}/revoke-tokens/")
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 1}
    assert world.clients["viewer"].get("/api/v1/sites/").status_code == 401


# --- 7. parcels: capped on write, left out of lists ----------------------------------------------------------------


def test_lists_leave_the_parcel_out_and_the_detail_keeps_it(world, capsys):
    import math

    ring = [(-97 + 0.01 * math.cos(i / 1000), 32 + 0.01 * math.sin(i / 1000)) for i in range(6283)]
    # Stored straight in the database, as data from before the cap could be: 200,000 vertices.
    big = [(-96 + 0.01 * math.cos(i / 31831), 33 + 0.01 * math.sin(i / 31831)) for i in range(200_000)]
    Site.objects.filter(pk=world.site.pk).update(parcel=MultiPolygon(Polygon([*ring, ring[0]]), srid=4326))
    Site.objects.create(name="Old huge parcel", point=world.site.point, parcel=MultiPolygon(Polygon([*big, big[0]])))
    started = time.perf_counter()
    listing = world.clients["planner"].get("/api/v1/sites/", {"page_size": 500})
    seconds = time.perf_counter() - started
    assert listing.status_code == 200 and all("parcel" not in row for row in listing.json()["results"])
    assert len(listing.content) < 50_000
    with capsys.disabled():
        print(f"\nsite list with a 200,000-vertex parcel stored: {len(listing.content):,} bytes in {seconds:.3f} s")
    detail = world.clients["planner"].get(f"/api/v1/sites/{world.site.pk}/").json()
    assert len(detail["parcel"]["coordinates"][0][0]) == 6284


# --- 8. CSV: every text cell quoted, formulas neutralised in every separated segment -----------------------------


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Harmless site;=1+1", "Harmless site;'=1+1"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("a,+b|-c\t@d", "a,'+b|'-c\t'@d"),
        ("x; =cmd", "x; '=cmd"),
        ("Beaver Valley", "Beaver Valley"),
        ("net-zero; 5-10 MW", "net-zero; 5-10 MW"),
    ],
)
def test_formula_triggers_are_neutralised_at_the_start_of_every_segment(text, safe):
    assert csv_export.neutralise(text) == safe


def test_the_results_csv_quotes_text_and_neutralises_formulas_and_streams(world, monkeypatch):
    Site.objects.filter(pk=world.site.pk).update(name="Harmless site;=1+1")
    monkeypatch.setattr(csv_export, "ROWS_PER_CHUNK", 1)
    response = world.clients["planner"].get(f"/api/v1/scoring-runs/{world.run.pk}/results/csv/")
    assert response.status_code == 200 and response.streaming
    chunks = [chunk.decode() for chunk in response.streaming_content]
    text = "".join(chunks)
    assert len(chunks) > 2  # row by row here (2,000 rows a chunk by default), never the whole file at once
    assert '"Harmless site;\'=1+1"' in text and '=1+1"' not in text.replace("'=1+1", "")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "rank" and any(row[4] == "Harmless site;'=1+1" for row in rows[1:])
    for line in text.splitlines():  # opened where ";" separates cells, no cell starts a formula either
        assert not any(cell.strip().strip('"').startswith(("=", "+", "@")) for cell in line.split(";")), line


# --- 14. expensive reads are limited per user ------------------------------------------------------------------


def test_expensive_reads_are_limited_per_user_with_429_and_retry_after(world, monkeypatch):
    monkeypatch.setattr(ExpensiveReadThrottle, "THROTTLE_RATES", {"expensive": "2/minute"})
    for user in world.users.values():  # the throttle's history lives in Redis; earlier tests may have used these ids
        ExpensiveReadThrottle.cache.delete(
            ExpensiveReadThrottle.cache_format % {"scope": "expensive", "ident": user.pk}
        )
    csv_url = f"/api/v1/scoring-runs/{world.run.pk}/results/csv/"
    planner = world.clients["planner"]
    assert [planner.get(csv_url).status_code for _ in range(2)] == [200, 200]
    refused = planner.get(f"/api/v1/projects/{world.program.project.pk}/forecast/")  # one bucket for both
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert world.clients["viewer"].get(csv_url).status_code == 200  # per user
    page = Client()
    page.force_login(world.users["planner"])
    response = page.get(f"/programs/{world.program.project.pk}/")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


# --- 11. the schema and its viewers need a signed-in user ------------------------------------------------------


def test_the_schema_and_api_docs_need_a_signed_in_user(world):
    anonymous = APIClient()
    assert anonymous.get("/api/schema/").status_code == 401
    for page in ("/api/docs/", "/api/redoc/"):
        response = anonymous.get(page)
        assert response.status_code == 302 and response["Location"] == f"/login/?next={page}"
    assert world.clients["supplier_a"].get("/api/schema/").status_code == 200
    docs = world.clients["viewer"].get("/api/docs/")
    assert docs.status_code == 200 and b"<script>" not in docs.content  # the split view: no inline script


# --- 12. sessions slide and end after 8 hours idle; sign-out is a POST ----------------------------------------


def test_sessions_end_after_eight_idle_hours_and_each_page_renews_them(world):
    page = Client()
    page.force_login(world.users["viewer"])
    response = page.get("/runs/")
    assert response.status_code == 200 and response.cookies["sessionid"]["max-age"] == 8 * 60 * 60
    assert b'<form method="post" action="/logout/" id="sign-out">' in response.content
    assert page.get("/logout/").status_code == 405
    signed_out = page.post("/logout/")
    assert signed_out.status_code == 302 and signed_out["Location"] == "/login/"
    assert page.get("/runs/").status_code == 302


# --- 13. supplier drop directories ------------------------------------------------------------------------------


def test_two_suppliers_cannot_share_a_drop_directory(world):
    planner = world.clients["planner"]
    first = {"name": "Drop one", "category": "chips", "feed_kind": "csv_drop", "feed_csv_dir": "shared/notices"}
    assert planner.post("/api/v1/suppliers/", first, format="json").status_code == 201
    for spelling in ("shared/notices", "shared/./notices/", "shared//notices"):
        second = {**first, "name": "Drop two", "feed_csv_dir": spelling}
        response = planner.post("/api/v1/suppliers/", second, format="json")
        assert response.status_code == 400 and response.json()["field"] == "feed_csv_dir", response.json()
    with pytest.raises(IntegrityError), transaction.atomic():
        Supplier.objects.create(
            name="Drop three", category="chips", feed_kind="csv_drop", feed_csv_dir="shared/notices"
        )


@pytest.fixture
def drop(world, settings, tmp_path):
    settings.SUPPLIER_CSV_DROP_ROOT = tmp_path / "root"
    (tmp_path / "root" / "acme").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.csv").write_text("shipment_ref\nstolen\n")
    supplier = world.tenants["a"].supplier
    supplier.feed_kind, supplier.feed_csv_dir = "csv_drop", "acme"
    return supplier, tmp_path


def test_a_linked_file_or_directory_in_a_drop_is_refused(drop):
    supplier, tmp = drop
    (tmp / "root" / "acme" / "notices.csv").symlink_to(tmp / "outside" / "secret.csv")
    with pytest.raises(FeedInvalid, match="not a regular file"):
        read_csv_drop(supplier)
    (tmp / "root" / "acme" / "notices.csv").unlink()
    os.mkfifo(tmp / "root" / "acme" / "pipe.csv")  # would block a plain open() for ever
    with pytest.raises(FeedInvalid, match="not a regular file"):
        read_csv_drop(supplier)
    (tmp / "root" / "linked").symlink_to(tmp / "outside")
    supplier.feed_csv_dir = "linked"
    with pytest.raises(FeedInvalid, match="is a link"):
        read_csv_drop(supplier)


def test_a_file_swapped_for_a_link_after_listing_is_still_refused(drop, monkeypatch):
    supplier, tmp = drop
    notices = tmp / "root" / "acme" / "notices.csv"
    notices.write_text("shipment_ref,contract_ref,line_no,quantity,status\n")
    real_scandir = os.scandir

    def scandir_then_swap(fd):
        entries = list(real_scandir(fd))
        notices.unlink()  # the attacker's move between the listing (a check) and the read
        notices.symlink_to(tmp / "outside" / "secret.csv")
        return iter(entries)

    monkeypatch.setattr("orchestration.feeds.os.scandir", scandir_then_swap)
    with pytest.raises(FeedInvalid, match="not a regular file"):
        read_csv_drop(supplier)
