"""Proxy headers count only when a trusted proxy sent them (settings.TRUSTED_PROXIES, empty by default).

Django reads `X-Forwarded-Proto` for `request.is_secure()` (SECURE_PROXY_SSL_HEADER); other code may read
`X-Forwarded-Host` or `-For`. From any other peer these headers are the client's own words, so they are dropped
before anything reads them.
"""

from __future__ import annotations

from config.security.client_ip import is_trusted_proxy

FORWARDED_HEADERS = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_REAL_IP")  # fmt: skip


class UntrustedProxyHeadersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for name in FORWARDED_HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)
