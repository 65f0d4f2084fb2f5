"""The server `make demo` runs (scripts/serve.sh), started for real: production settings under gunicorn.

DEBUG is off (no technical 404 or 500 pages), static files come from WhiteNoise, every page carries the security
headers and the Content-Security-Policy, and however many clients connect, the web server holds at most
workers x threads = 8 database connections (the development server opened one per client connection and ran
the database out of connections at about 34 requests a second).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from knox.models import AuthToken

from tests.web.conftest import make_planner

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 48
REQUESTS_PER_CLIENT = 10
MAX_WEB_CONNECTIONS = 2 * 4  # config/gunicorn.conf.py: workers x threads


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    static = tmp_path_factory.mktemp("static")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DJANGO_STATIC_ROOT": str(static)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return static


@pytest.fixture
def server(transactional_db, collected_static):
    """scripts/serve.sh on a free port, on the test database (committed rows only: transactional_db)."""
    db = connection.settings_dict
    port = free_port()
    app_name = f"sitesel-web-test-{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DATABASE_URL=f"postgis://{quote(db['USER'])}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SECRET_KEY="a-long-random-test-key-" + "q8Zr" * 10,
        DJANGO_STATIC_ROOT=str(collected_static),
        DJANGO_DB_APPLICATION_NAME=app_name,
        DJANGO_LOG_LEVEL="WARNING",
        SITESEL_BIND=f"127.0.0.1:{port}",
    )
    process = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, "scripts/serve.sh exited"
                time.sleep(0.2)
        yield {"port": port, "app_name": app_name}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_the_demo_serves_production_settings_under_gunicorn(server):
    port = server["port"]
    status, headers, body = get(port, "/no-such-page/")
    assert status == 404 and "URLconf" not in body and "DEBUG = True" not in body  # no technical 404
    assert headers["server"].startswith("gunicorn")
    status, _, body = get(port, "/api/v1/no-such-route/")
    assert status == 404 and '"code":"not_found"' in body.replace(" ", "")
    status, headers, body = get(port, "/static/sitesel/web/web.css")
    assert status == 200 and "Planner pages" in body and "max-age" in headers["cache-control"]  # WhiteNoise
    status, headers, body = get(port, "/login/")
    assert status == 200 and 'id="login-form"' in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert get(port, "/api/schema/")[0] == 401
    assert get(port, "/api/docs/")[0] == 302


def test_many_clients_never_hold_more_than_eight_database_connections(server, capsys):
    token = AuthToken.objects.create(make_planner())[1]
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    statuses: list[int] = []
    peak = 0
    done = threading.Event()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=60)  # keep-alive, as browsers do
        for _ in range(REQUESTS_PER_CLIENT):
            conn.request("GET", "/api/v1/sites/", headers=headers)
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
        conn.close()

    def watch():
        nonlocal peak
        with connection.cursor() as cursor:
            while not done.is_set():
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                               [server["app_name"]])  # fmt: skip
                peak = max(peak, cursor.fetchone()[0])
                time.sleep(0.02)
        connection.close()  # this thread's own connection, or the test database could not be dropped

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    with capsys.disabled():
        print(f"\nproduction server: {CLIENTS} keep-alive clients x {REQUESTS_PER_CLIENT} requests in {seconds:.1f} s, "
              f"statuses {sorted(set(statuses))}, peak web database connections {peak}")  # fmt: skip
    assert statuses == [200] * CLIENTS * REQUESTS_PER_CLIENT
    assert 0 < peak <= MAX_WEB_CONNECTIONS
