"""Outbound HTTP hardening (SSRF): refusals happen before any connection; redirects, size, slowness."""

import socket

import pytest
from urllib3.util import parse_url

from orchestration import outbound

PUBLIC = "93.184.215.14"  # a global unicast address (documentation of the resolver stub below)


@pytest.fixture
def no_connections(monkeypatch):
    """Record every outbound connect; the refusal tests assert there were none."""
    attempts = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        attempts.append(address)
        if address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"connection attempted to {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.fixture
def strict(settings):
    settings.SUPPLIER_FEED_ALLOW_PRIVATE = False
    return settings


def resolving_to(monkeypatch, *addresses):
    """Stub DNS (the third-party boundary): the host resolves to `addresses`."""

    def getaddrinfo(host, port, *args, **kwargs):
        family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
        return [(family(a), socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


HOSTILE = [
    ("http://127.0.0.1/feed", "scheme_not_allowed"),
    ("https://127.0.0.1/feed", "address_loopback"),
    ("https://10.0.0.5/feed", "address_private"),
    ("https://172.16.0.1/feed", "address_private"),
    ("https://192.168.1.10/feed", "address_private"),
    ("https://169.254.169.254/latest/meta-data/", "address_link_local"),
    ("https://100.64.0.1/feed", "address_not_global"),
    ("https://0.0.0.0/feed", "address_unspecified"),
    ("https://224.0.0.1/feed", "address_multicast"),
    ("https://2130706433/feed", "non_canonical_ip"),
    ("https://0x7f000001/feed", "non_canonical_ip"),
    ("https://0177.0.0.1/feed", "non_canonical_ip"),
    ("https://127.1/feed", "non_canonical_ip"),
    ("https://[::1]/feed", "address_loopback"),
    ("https://[::ffff:127.0.0.1]/feed", "address_loopback"),
    ("https://[fd00:ec2::254]/feed", "address_private"),
    ("https://[fe80::1]/feed", "address_link_local"),
    ("file:///etc/passwd", "scheme_not_allowed"),
    ("gopher://127.0.0.1:70/_INFO", "scheme_not_allowed"),
    ("ftp://feeds.example.com/feed", "scheme_not_allowed"),
    ("https://user:secret@feeds.example.com/feed", "credentials_in_url"),
    ("https://feeds.example.com:8443/feed", "port_not_allowed"),
]


@pytest.mark.parametrize(("url", "code"), HOSTILE)
def test_hostile_urls_are_refused_before_connecting(url, code, strict, no_connections):
    host = (parse_url(url).host or "none").strip("[]")
    strict.SUPPLIER_FEED_ALLOWED_HOSTS = [host]  # even allow-listed by mistake, the address is refused
    with pytest.raises(outbound.FeedUrlRefused) as refused:
        outbound.get(url, allowed_host=host)
    assert refused.value.code == code
    assert no_connections == []


def test_a_host_off_the_allow_lists_is_refused(strict, no_connections):
    with pytest.raises(outbound.FeedUrlRefused) as refused:
        outbound.get("https://evil.example.net/feed", allowed_host="feeds.example.com")
    assert refused.value.code == "host_not_allowed"
    with pytest.raises(outbound.FeedUrlRefused) as refused:  # the supplier's host must also be on the global list
        outbound.get("https://other.example.org/feed", allowed_host="other.example.org")
    assert refused.value.code == "host_not_allowed"
    assert no_connections == []


@pytest.mark.parametrize("addresses", [("10.1.2.3",), (PUBLIC, "169.254.169.254"), ("::1",), ("fd12::1",)])
def test_a_name_resolving_to_any_internal_address_is_refused(addresses, strict, monkeypatch, no_connections):
    resolving_to(monkeypatch, *addresses)
    with pytest.raises(outbound.FeedUrlRefused) as refused:
        outbound.get("https://feeds.example.com/feed", allowed_host="feeds.example.com")
    assert refused.value.code.startswith("address_")
    assert no_connections == []


def test_the_pinned_address_is_checked_again_at_connect_time(strict, monkeypatch, no_connections):
    """DNS rebinding: public when checked, loopback when the adapter resolves to connect -> refused."""
    answers = iter([(PUBLIC,), ("127.0.0.1",)])

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(outbound.FeedUrlRefused):
        outbound.get("https://feeds.example.com/feed", allowed_host="feeds.example.com")
    assert no_connections == []


def test_loopback_is_allowed_only_with_the_setting(local_server):
    url = local_server.route("/ok.json", b'{"ok": true}')
    assert outbound.get(url, allowed_host="127.0.0.1").body == b'{"ok": true}'


def test_a_redirect_is_not_followed(local_server):
    target = local_server.route("/target", b"secret")
    url = local_server.route("/redirect", b"", status=302, headers={"Location": target})
    with pytest.raises(outbound.RedirectRefused):
        outbound.get(url, allowed_host="127.0.0.1")
    assert local_server.hits("/redirect") == 1 and local_server.hits("/target") == 0


@pytest.mark.parametrize("declared", [True, False])
def test_an_oversized_body_is_cut_off(local_server, settings, declared):
    body = b"x" * (settings.SUPPLIER_FEED_MAX_BYTES * 4)
    url = local_server.route("/big", body, headers={} if declared else {"Content-Length": ""})
    with pytest.raises(outbound.ResponseTooLarge):
        outbound.get(url, allowed_host="127.0.0.1")
    assert local_server.hits("/big") == 1  # not retried


def test_a_slow_server_times_out_and_is_retried_with_backoff(local_server, settings):
    url = local_server.route("/slow", b"{}", delay=settings.SUPPLIER_FEED_READ_TIMEOUT * 4)
    with pytest.raises(outbound.TransientError) as failed:
        outbound.get(url, allowed_host="127.0.0.1")
    assert failed.value.code == "timeout"
    assert local_server.hits("/slow") == settings.SUPPLIER_FEED_ATTEMPTS


def test_only_transient_statuses_are_retried(local_server, settings):
    busy = local_server.route("/busy", b"", status=503)
    missing = local_server.route("/missing", b"", status=404)
    with pytest.raises(outbound.TransientError):
        outbound.get(busy, allowed_host="127.0.0.1")
    with pytest.raises(outbound.HTTPStatusError):
        outbound.get(missing, allowed_host="127.0.0.1")
    assert local_server.hits("/busy") == settings.SUPPLIER_FEED_ATTEMPTS
    assert local_server.hits("/missing") == 1
