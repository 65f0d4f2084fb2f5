"""Hardened outbound HTTP for supplier feeds and alert webhooks (OWASP API7 SSRF, API10).

Built on requests-hardened (Saleor), which resolves the host once, refuses private and loopback
addresses, connects to the resolved IP (pinned: no DNS rebinding between check and connect) and can
switch redirects off. On top of it, this module adds what the library leaves to the caller:

- only `https` (plain `http` only to a loopback address, and only with SUPPLIER_FEED_ALLOW_PRIVATE);
  no credentials in the URL; https only on SUPPLIER_FEED_ALLOWED_PORTS;
- the host must equal the supplier's allowed host *and* be on SUPPLIER_FEED_ALLOWED_HOSTS;
- legacy IPv4 spellings (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are refused outright; literal
  addresses and `localhost` names are judged without DNS, so a supplier cannot even be saved with them;
- every resolved address must be global unicast (`ipaddress.is_global`, not multicast), and the
  pinned address is checked again at connect time; SUPPLIER_FEED_ALLOW_PRIVATE admits loopback
  (127.0.0.0/8, ::1) only, never other private, link-local or metadata ranges;
- connect/read timeouts plus a total deadline per attempt (a watchdog shuts the sockets down when it
  passes: drip-fed headers or bodies stop there), a response size cap (streamed, stops at the cap),
  no proxies from the environment;
- retries with exponential backoff and full jitter (tenacity) on transient errors only:
  connection errors, timeouts, 429/502/503/504. Refusals, redirects, 4xx and oversize never retry.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from django.conf import settings
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
USER_AGENT = "sitesel-orchestration/1.0"


class OutboundError(Exception):
    """An outbound request failed; `code` is stable (it ends up in SupplierCheckRun.error)."""

    code = "outbound_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class FeedUrlRefused(OutboundError):
    """The URL, host or address is not allowed. Never retried."""

    code = "refused"


class RedirectRefused(OutboundError):
    code = "redirect_refused"


class ResponseTooLarge(OutboundError):
    code = "response_too_large"


class HTTPStatusError(OutboundError):
    code = "http_status"


class TransientError(OutboundError):
    """Connection error, timeout or 429/5xx gateway status: retried with backoff."""

    code = "transient"


@dataclass(frozen=True)
class Fetched:
    status: int
    content_type: str
    body: bytes


# --- URL and address checks ----------------------------------------------------------------------


def _host_allowed(host: str, allow_list: list[str]) -> bool:
    for entry in allow_list:
        entry = entry.strip().lower()
        if entry.startswith(".") and host.endswith(entry):
            return True
        if host == entry:
            return True
    return False


def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_loopback: bool) -> str | None:
    """Why connecting to `ip` is refused (None = allowed). Mapped IPv6 forms are judged as IPv4."""
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip.ipv4_mapped or ip
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    if ip.is_link_local:
        return "link_local"  # includes 169.254.169.254, the cloud metadata service
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not_global"  # e.g. 100.64.0.0/10 (carrier-grade NAT)
    return None


def _literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:
        socket.inet_aton(host)
    except OSError:
        return None
    # inet_aton accepts it but ipaddress does not: a legacy spelling used to slip past filters.
    raise FeedUrlRefused(f"host {host!r} is a non-canonical IP address", code="non_canonical_ip")


def check_feed_url(
    url: str, *, allowed_host: str, allow_list: list[str] | None = None, resolve: bool = True
) -> tuple[str, str]:
    """Validate `url`; return (scheme, host). With `resolve`, every address the host resolves to is checked."""
    allow_private = settings.SUPPLIER_FEED_ALLOW_PRIVATE
    try:
        parsed = parse_url(url)
    except LocationParseError:
        raise FeedUrlRefused(f"cannot parse URL {url!r}", code="bad_url") from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in ("https", "http"):
        raise FeedUrlRefused(f"scheme {scheme or 'none'!r} is not allowed (https only)", code="scheme_not_allowed")
    if parsed.auth:
        raise FeedUrlRefused("credentials in the URL are not allowed", code="credentials_in_url")
    host = (parsed.host or "").lower().strip("[]")
    if not host:
        raise FeedUrlRefused("the URL has no host", code="bad_url")
    if not allowed_host or host != allowed_host.lower().strip("[]"):
        raise FeedUrlRefused(f"host {host!r} is not the supplier's allowed host", code="host_not_allowed")
    allow_list = settings.SUPPLIER_FEED_ALLOWED_HOSTS if allow_list is None else allow_list
    if not _host_allowed(host, allow_list):
        raise FeedUrlRefused(f"host {host!r} is not on the allow-list", code="host_not_allowed")
    literal = _literal_ip(host)
    local_test = allow_private and literal is not None and literal.is_loopback
    if scheme == "https" and (parsed.port or 443) not in settings.SUPPLIER_FEED_ALLOWED_PORTS and not local_test:
        raise FeedUrlRefused(f"port {parsed.port} is not allowed", code="port_not_allowed")
    if scheme == "http" and not allow_private:
        raise FeedUrlRefused("plain http is not allowed (https only)", code="scheme_not_allowed")
    if literal is not None:  # judged without DNS, so also when saving a supplier (resolve=False)
        addresses = [literal]
    elif host == "localhost" or host.endswith(".localhost"):
        addresses = [ipaddress.ip_address("127.0.0.1")]  # RFC 6761: loopback, whatever a resolver says
    elif not resolve:
        return scheme, host
    else:
        addresses = _resolve(host, parsed.port or (443 if scheme == "https" else 80))
    for ip in addresses:
        _check_address(ip, scheme=scheme, host=host)
    return scheme, host


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TransientError(f"cannot resolve {host!r}: {exc}", code="dns_failed") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _check_address(ip, *, scheme: str, host: str) -> None:
    allow_private = settings.SUPPLIER_FEED_ALLOW_PRIVATE
    reason = address_refusal(ip, allow_loopback=allow_private)
    if reason:
        raise FeedUrlRefused(f"{host!r} resolves to a {reason} address ({ip})", code=f"address_{reason}")
    if scheme == "http" and not ip.is_loopback:
        raise FeedUrlRefused("plain http is allowed only to loopback addresses", code="scheme_not_allowed")


class _Deadline:
    """The total timeout of one attempt, enforced by shutting its sockets down when it passes.

    Connect and read timeouts bound each socket operation, not their sum: a server that sends its headers or
    body a byte at a time, each byte within the read timeout, would otherwise hold the worker indefinitely.
    """

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def watch(self, sock: socket.socket) -> None:
        self._sockets.append(sock)
        if self.passed():
            self._expire()

    def _expire(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)  # a blocked recv returns at once

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()


class _WatchedConnection:
    """Mixed into urllib3's connection class: each new socket is handed to the attempt's deadline."""

    deadline: _Deadline

    def connect(self) -> None:
        super().connect()
        self.deadline.watch(self.sock)


class _PinnedAddressAdapter(IPFilterAdapter):
    """requests-hardened's adapter (resolve once, refuse private, pin the IP) plus our stricter address rule,
    with connections watched by the attempt's deadline."""

    def __init__(self, *, deadline: _Deadline, **kwargs) -> None:
        super().__init__(**kwargs)
        self.deadline = deadline

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        pool = super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
        if not issubclass(pool.ConnectionCls, _WatchedConnection):
            base = pool.ConnectionCls
            pool.ConnectionCls = type(
                f"Watched{base.__name__}", (_WatchedConnection, base), {"deadline": self.deadline}
            )
        return pool

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        try:
            host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        except InvalidIPAddress as exc:
            raise FeedUrlRefused(f"address refused at connect time: {exc}", code="address_refused") from None
        pinned = ipaddress.ip_address(host_params["host"].strip("[]"))
        _check_address(pinned, scheme=host_params["scheme"], host=str(pinned))
        return host_params, pool_kwargs


def _session(deadline: _Deadline) -> requests.Session:
    allow_private = settings.SUPPLIER_FEED_ALLOW_PRIVATE
    config = Config(
        ip_filter_enable=True,
        ip_filter_allow_loopback_ips=allow_private,
        never_redirect=True,
        default_timeout=(settings.SUPPLIER_FEED_CONNECT_TIMEOUT, settings.SUPPLIER_FEED_READ_TIMEOUT),
        user_agent_override=USER_AGENT,
    )
    session = HTTPSession(config)
    session.trust_env = False  # no proxies or .netrc from the environment
    for prefix, https in (("http://", False), ("https://", True)):
        session.mount(
            prefix, _PinnedAddressAdapter(is_https_proto=https, allow_loopback=allow_private, deadline=deadline)
        )
    return session


# --- requests --------------------------------------------------------------------------------------


def _once(method: str, url: str, *, json: Any, max_bytes: int, headers: dict[str, str]) -> Fetched:
    timeout = (settings.SUPPLIER_FEED_CONNECT_TIMEOUT, settings.SUPPLIER_FEED_READ_TIMEOUT)
    deadline = _Deadline(settings.SUPPLIER_FEED_TOTAL_TIMEOUT)
    try:
        with deadline, _session(deadline) as session:
            response = session.request(
                method, url, json=json, headers=headers, stream=True, allow_redirects=False, timeout=timeout
            )
            with response:
                if response.is_redirect or 300 <= response.status_code < 400:
                    raise RedirectRefused(f"redirect ({response.status_code}) refused", code="redirect_refused")
                if response.status_code in TRANSIENT_STATUS:
                    raise TransientError(f"HTTP {response.status_code}", code=f"http_{response.status_code}")
                if response.status_code >= 400:
                    raise HTTPStatusError(f"HTTP {response.status_code}", code=f"http_{response.status_code}")
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise ResponseTooLarge(f"response declares {declared} bytes (cap {max_bytes})")
                body = bytearray()
                # read1 returns whatever has arrived (iter_content waits for a whole chunk), so the size cap
                # and the deadline are checked after every read.
                while chunk := response.raw.read1(64 * 1024, decode_content=True):
                    body += chunk
                    if len(body) > max_bytes:
                        raise ResponseTooLarge(f"response exceeds the cap of {max_bytes} bytes")
                    if deadline.passed():
                        break
                if deadline.passed():  # the watchdog's shutdown also reads as the end of a body without a length
                    raise TransientError("response took longer than the total timeout", code="timeout")
                return Fetched(response.status_code, response.headers.get("Content-Type", ""), bytes(body))
    except requests.exceptions.SSLError as exc:
        raise OutboundError(f"TLS error: {exc}", code="tls_error") from None
    except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
        timed_out = isinstance(exc, requests.exceptions.Timeout) or deadline.passed()
        raise TransientError(
            f"{type(exc).__name__}: {exc}", code="timeout" if timed_out else "connection_error"
        ) from None
    # ProtocolError and ReadTimeoutError come from response.raw (urllib3): requests wraps only its own iterators.
    except (requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError) as exc:
        code = "timeout" if deadline.passed() else "connection_error"
        raise TransientError(f"broken response: {exc}", code=code) from None
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise TransientError(f"ReadTimeoutError: {exc}", code="timeout") from None
    except urllib3.exceptions.DecodeError as exc:
        raise OutboundError(f"cannot decode the response: {exc}", code="request_error") from None
    except requests.exceptions.RequestException as exc:  # invalid URL and the like: not transient
        raise OutboundError(f"{type(exc).__name__}: {exc}", code="request_error") from None


def request(
    method: str,
    url: str,
    *,
    allowed_host: str,
    allow_list: list[str] | None = None,
    json: Any = None,
    max_bytes: int | None = None,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """One hardened request with retries on transient errors; raises an `OutboundError` subclass."""
    max_bytes = settings.SUPPLIER_FEED_MAX_BYTES if max_bytes is None else max_bytes
    retrying = Retrying(
        stop=stop_after_attempt(settings.SUPPLIER_FEED_ATTEMPTS),
        wait=wait_random_exponential(multiplier=settings.SUPPLIER_FEED_BACKOFF, max=settings.SUPPLIER_FEED_BACKOFF_MAX),
        retry=retry_if_exception_type(TransientError),
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            # Checked on every attempt: DNS may have changed since the last one.
            check_feed_url(url, allowed_host=allowed_host, allow_list=allow_list)
            return _once(method, url, json=json, max_bytes=max_bytes, headers=headers or {})
    raise AssertionError("unreachable")  # pragma: no cover


def get(url: str, *, allowed_host: str, max_bytes: int | None = None) -> Fetched:
    return request("GET", url, allowed_host=allowed_host, max_bytes=max_bytes, headers={"Accept": "application/json"})


def post_json(url: str, payload: Any, *, allowed_host: str, allow_list: list[str]) -> Fetched:
    return request("POST", url, allowed_host=allowed_host, allow_list=allow_list, json=payload, max_bytes=64 * 1024)
