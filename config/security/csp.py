"""The Content-Security-Policy of each page (django-csp's middleware, settings.CONTENT_SECURITY_POLICY).

The planner pages and the API pass the strict policy of the settings. Two sets of pages are third-party code that
needs more, and get only that, on their own paths:

- the admin (Django's and django-leaflet's templates carry inline scripts and styles);
- Swagger UI and Redoc (their React components inject <style> elements; Redoc runs its search in a blob: worker).
  Their scripts stay 'self' only. Redoc's footer asks for the Redocly logo from cdn.redoc.ly; a script of ours
  loaded before Redoc's bundle (sitesel/static/sitesel/redoc/local-logo.js) points it at a local copy, and the
  browser test fails on any refusal.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts

PATH_ADDITIONS: dict[str, dict[str, list[str]]] = {
    "/admin/": {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]},
    "/api/docs/": {"style-src": ["'unsafe-inline'"]},
    "/api/redoc/": {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]},
}


class PageCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.update is None:
            for prefix, additions in PATH_ADDITIONS.items():
                if request.path_info.startswith(prefix):
                    parts.update = additions
                    break
        return parts
