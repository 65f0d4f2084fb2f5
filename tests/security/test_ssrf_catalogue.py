"""SSRF catalogue: hostile supplier feed URLs set through the API and run by the check.

Production-like settings: SUPPLIER_FEED_ALLOW_PRIVATE off, https on port 443 only, and each hostile host
put on the allow-list *by mistake*, so the address rules themselves are what refuses it. Every URL is
refused by the API (400 naming feed_url, no supplier written) when the URL alone shows the problem, and
by the check (the run fails with the refusal code) for a name that only resolves to a private address;
a supplier row that bypassed the API (admin, old data) is refused by the check too. No connection is
ever attempted. Redirects, drip-fed and huge responses are served by a real server on loopback (the only
address ALLOW_PRIVATE admits) and must be refused or cut off within the total timeout and the byte cap.

    DATABASE_URL=... TEST_REDIS_URL=... .venv/bin/pytest tests/security/test_ssrf_catalogue.py -q -s
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import time
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient
from urllib3.util import parse_url

from orchestration.loopback import QuietHandler, serve_in_thread
from orchestration.models import Supplier, SupplierCheckRun
from orchestration.services.checks import supplier_check_request, supplier_check_run

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"


@dataclass(frozen=True)
class Hostile:
    id: str
    url: str
    code: str  # the refusal code (SupplierCheckRun.error starts with it)
    resolves_to: tuple[str, ...] = ()  # stubbed DNS answer for a name; empty: the URL alone is refused

    @property
    def host(self) -> str:
        try:
            return (parse_url(self.url).host or "").strip("[]").lower() or "none"
        except ValueError:
            return "none"


HOSTILE = [
    # loopback, and the spellings filters miss
    Hostile("loopback-plain-http", "http://127.0.0.1/feed", "scheme_not_allowed"),
    Hostile("loopback-ipv4", "https://127.0.0.1/feed", "address_loopback"),
    Hostile("loopback-ipv4-other", "https://127.9.9.9/feed", "address_loopback"),
    Hostile("loopback-short-127.1", "https://127.1/feed", "non_canonical_ip"),
    Hostile("loopback-decimal", "https://2130706433/feed", "non_canonical_ip"),
    Hostile("loopback-hex", "https://0x7f000001/feed", "non_canonical_ip"),
    Hostile("loopback-octal", "https://0177.0.0.1/feed", "non_canonical_ip"),
    Hostile("zero-short", "https://0/feed", "non_canonical_ip"),
    Hostile("loopback-ipv6", "https://[::1]/feed", "address_loopback"),
    Hostile("loopback-ipv4-mapped-ipv6", "https://[::ffff:127.0.0.1]/feed", "address_loopback"),
    Hostile("localhost-name", "https://localhost/feed", "address_loopback"),
    Hostile("localhost-subdomain", "https://feeds.localhost/feed", "address_loopback"),
    Hostile("unspecified-ipv4", "https://0.0.0.0/feed", "address_unspecified"),
    Hostile("unspecified-ipv6", "https://[::]/feed", "address_unspecified"),
    # private ranges
    Hostile("private-10", "https://10.0.0.5/feed", "address_private"),
    Hostile("private-172.16", "https://172.16.0.1/feed", "address_private"),
    Hostile("private-172.31", "https://172.31.255.254/feed", "address_private"),
    Hostile("private-192.168", "https://192.168.1.10/feed", "address_private"),
    Hostile("cgnat-100.64", "https://100.64.0.1/feed", "address_not_global"),
    Hostile("ula-fc00", "https://[fc00::1]/feed", "address_private"),
    Hostile("ula-fd12", "https://[fd12:3456::1]/feed", "address_private"),
    Hostile("link-local-fe80", "https://[fe80::1]/feed", "address_link_local"),
    Hostile("multicast", "https://224.0.0.1/feed", "address_multicast"),
    # the cloud metadata service
    Hostile("metadata-ipv4", "https://169.254.169.254/latest/meta-data/", "address_link_local"),
    Hostile("metadata-ipv6-aws", "https://[fd00:ec2::254]/latest/meta-data/", "address_private"),
    Hostile("metadata-ipv4-mapped", "https://[::ffff:169.254.169.254]/latest/meta-data/", "address_link_local"),
    Hostile("metadata-ipv4-mapped-hex", "https://[::ffff:a9fe:a9fe]/latest/meta-data/", "address_link_local"),
    # other schemes, userinfo tricks, ports
    Hostile("scheme-file", "file:///etc/passwd", "scheme_not_allowed"),
    Hostile("scheme-gopher", "gopher://127.0.0.1:70/_INFO", "scheme_not_allowed"),
    Hostile("scheme-ftp", "ftp://feeds.example.com/feed", "scheme_not_allowed"),
    Hostile("scheme-dict", "dict://127.0.0.1:11211/stat", "scheme_not_allowed"),
    Hostile("scheme-plain-http-public", "http://feeds.example.com/feed", "scheme_not_allowed"),
    Hostile("userinfo-allowed-host-at-loopback", "https://feeds.example.com@127.0.0.1/feed", "credentials_in_url"),
    Hostile("userinfo-host-port-at-metadata", "https://feeds.example.com:443@169.254.169.254/", "credentials_in_url"),
    Hostile("port-8443", "https://feeds.example.com:8443/feed", "port_not_allowed"),
    Hostile("port-22", "https://feeds.example.com:22/feed", "port_not_allowed"),
    # names that resolve to internal addresses (DNS stubbed at socket.getaddrinfo)
    Hostile("dns-private", "https://internal.feeds.example.com/feed", "address_private", ("10.1.2.3",)),
    Hostile("dns-metadata", "https://meta.feeds.example.com/feed", "address_link_local", ("169.254.169.254",)),
    Hostile("dns-loopback-localtest-style", "https://127-0-0-1.feeds.example.com/feed", "address_loopback",
            ("127.0.0.1",)),
    Hostile("dns-public-and-private", "https://mixed.feeds.example.com/feed", "address_private", (PUBLIC, "10.0.0.1")),
    Hostile("dns-ipv6-metadata", "https://v6.feeds.example.com/feed", "address_private", ("fd00:ec2::254",)),
    Hostile("dns-ipv4-mapped-private", "https://mapped.feeds.example.com/feed", "address_private",
            ("::ffff:10.0.0.1",)),
]  # fmt: skip


def _resolving(monkeypatch, *answers: tuple[str, ...]) -> None:
    """Stub DNS (the third-party boundary): successive lookups get successive answers, the last one repeats."""
    queue = list(answers)

    def getaddrinfo(host, port, *args, **kwargs):
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
        return [(family(a), socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def production_like(settings):
    settings.SUPPLIER_FEED_ALLOW_PRIVATE = False
    settings.SUPPLIER_FEED_ALLOWED_PORTS = [443]
    settings.SUPPLIER_FEED_ALLOWED_HOSTS = [".feeds.example.com", "feeds.example.com"]
    return settings


def _check(supplier: Supplier) -> SupplierCheckRun:
    run = supplier_check_request(supplier=supplier, enqueue=False)
    supplier_check_run(supplier_id=supplier.pk, run_id=run.pk)
    return SupplierCheckRun.objects.get(pk=run.pk)


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.id for h in HOSTILE])
def test_hostile_feed_url_is_refused_by_the_api_or_the_check(
    hostile, production_like, planner, no_connections, monkeypatch
):
    production_like.SUPPLIER_FEED_ALLOWED_HOSTS += [hostile.host]  # allow-listed by mistake
    client = APIClient()
    client.force_authenticate(planner)
    body = {"name": f"Hostile {hostile.id}", "category": "chips", "feed_kind": "https_json",
            "feed_url": hostile.url, "feed_allowed_host": hostile.host}  # fmt: skip
    response = client.post("/api/v1/suppliers/", body, format="json")
    if hostile.resolves_to:  # only DNS shows the problem: accepted here, refused when the check resolves it
        assert response.status_code == 201, response.json()
        supplier = Supplier.objects.get(pk=response.json()["id"])
        _resolving(monkeypatch, hostile.resolves_to)
    else:
        assert response.status_code == 400, response.json()
        assert response.json()["field"] == "feed_url", response.json()
        assert not Supplier.objects.filter(name=body["name"]).exists()
        # The same URL on a row that never went through the API (admin, older data): the check refuses it.
        supplier = Supplier.objects.create(**{k: v for k, v in body.items()})
    run = _check(supplier)
    assert run.status == SupplierCheckRun.Status.FAILED
    assert run.error.startswith(hostile.code + ":"), run.error
    assert no_connections == []


def test_dns_rebinding_between_check_and_connect_is_refused(production_like, no_connections, monkeypatch):
    _resolving(monkeypatch, (PUBLIC,), ("169.254.169.254",))  # public when checked, metadata when connecting
    supplier = Supplier.objects.create(name="Rebinder", category="chips", feed_kind="https_json",
                                       feed_url="https://rebind.feeds.example.com/feed",
                                       feed_allowed_host="rebind.feeds.example.com")  # fmt: skip
    run = _check(supplier)
    assert run.status == SupplierCheckRun.Status.FAILED and run.error.startswith("address_"), run.error
    assert no_connections == []


def test_the_catalogue_has_at_least_30_hostile_urls():
    print(f"SSRF catalogue: {len(HOSTILE)} hostile URLs + {len(SERVED)} served responses")
    assert len(HOSTILE) >= 30
    assert len({h.id for h in HOSTILE} | {s for s in SERVED}) == len(HOSTILE) + len(SERVED)


# --- responses from a real server on loopback: redirects, drip feed, huge bodies ---------------------------------


class HostileServer:
    """127.0.0.1 server playing a hostile feed; records each path it served."""

    def __init__(self, cap: int) -> None:
        self.hits: list[str] = []
        self.sent: dict[str, int] = {}
        server = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                server.hits.append(self.path)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up: fine
                    getattr(self, "_" + self.path.strip("/").replace("-", "_"))()

            def _redirect(self, location: str, status: int = 302) -> None:
                self.send_response(status)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _redirect_metadata(self) -> None:
                self._redirect("http://169.254.169.254/latest/meta-data/iam/security-credentials/")

            def _redirect_loopback(self) -> None:
                self._redirect(f"http://127.0.0.1:{server.port}/secret", 307)

            def _redirect_file(self) -> None:
                self._redirect("file:///etc/passwd", 301)

            def _secret(self) -> None:
                self._body(b'{"secret": true}')

            def _body(self, payload: bytes, **headers: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(payload)
                server.sent[self.path] = len(payload)

            def _drip(self) -> None:
                """Valid headers, then one byte every 0.1 s: each read is fast enough for the read timeout."""
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")  # under the size cap: only the clock can stop it
                self.end_headers()
                for sent in range(1000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    server.sent[self.path] = sent + 1
                    time.sleep(0.1)

            def _drip_headers(self) -> None:
                """A status line, then a header one byte every 0.1 s (30 s in all): the body is never reached."""
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for sent in range(300):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    server.sent[self.path] = sent + 1
                    time.sleep(0.1)
                self.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")

            def _huge_declared(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(cap * 100))
                self.end_headers()
                for _ in range(100):
                    self.wfile.write(b"x" * cap)
                    server.sent[self.path] = server.sent.get(self.path, 0) + cap

            def _huge_chunked(self) -> None:
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for _ in range(400):
                    chunk = b"x" * 16384
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    server.sent[self.path] = server.sent.get(self.path, 0) + len(chunk)
                self.wfile.write(b"0\r\n\r\n")

            def _gzip_bomb(self) -> None:
                self._body(gzip.compress(b" " * (cap * 200)), Content_Encoding="gzip")

        self.httpd = serve_in_thread(Handler)
        self.port = self.httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def hostile_server(settings):
    settings.SUPPLIER_FEED_ALLOW_PRIVATE = True  # the first hop is this loopback server; nothing else is admitted
    server = HostileServer(settings.SUPPLIER_FEED_MAX_BYTES)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


# path -> refusal code
SERVED = {
    "/redirect-metadata": "redirect_refused",
    "/redirect-loopback": "redirect_refused",
    "/redirect-file": "redirect_refused",
    "/drip": "timeout",
    "/drip-headers": "timeout",
    "/huge-declared": "response_too_large",
    "/huge-chunked": "response_too_large",
    "/gzip-bomb": "response_too_large",
}


@pytest.mark.parametrize("path", list(SERVED))
def test_hostile_response_is_refused_or_cut_off_within_the_timeout(path, hostile_server, settings, no_connections):
    supplier = Supplier.objects.create(name=f"Served {path}", category="chips", feed_kind="https_json",
                                       feed_url=hostile_server.url(path), feed_allowed_host="127.0.0.1")  # fmt: skip
    started = time.monotonic()
    run = _check(supplier)
    elapsed = time.monotonic() - started
    print(f"{path}: {run.error[:60]!r} after {elapsed:.2f} s; server wrote {hostile_server.sent.get(path, 0)} bytes")
    assert run.status == SupplierCheckRun.Status.FAILED
    assert run.error.startswith(SERVED[path] + ":"), run.error
    assert hostile_server.hits.count("/secret") == 0  # a redirect target is never fetched
    assert all(address[0] == "127.0.0.1" for address in no_connections)
    attempts = settings.SUPPLIER_FEED_ATTEMPTS if SERVED[path] == "timeout" else 1  # only a timeout is retried
    assert hostile_server.hits.count(path) == attempts
    # Each attempt stops at the total deadline (plus one read timeout); retries add their capped backoff.
    budget = attempts * (settings.SUPPLIER_FEED_TOTAL_TIMEOUT + settings.SUPPLIER_FEED_READ_TIMEOUT + 0.5)
    assert elapsed < budget
