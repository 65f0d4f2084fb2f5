"""The client's address, trusting proxy headers only from the proxies listed in settings.TRUSTED_PROXIES.

A client can put anything in `X-Forwarded-For`. Only a proxy we run appends the real peer to it, so the header is
read only when the request comes from a trusted proxy, and then from the right: the first address that is not one
of our proxies is the client. With no trusted proxy (the default) the client is the TCP peer, REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str | None) -> bool:
    ip = _parse(address or "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return ip is not None and any(ip in network for network in networks)


def client_ip(request) -> str:
    """The client's IP address (axes, throttles and logs all use this one)."""
    meta = request.META
    peer = meta.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if _parse(hop) is not None and not is_trusted_proxy(hop):
            return hop.strip()
    return peer
