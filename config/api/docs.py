"""The API's two documentation pages, for signed-in users only (like the schema they read).

SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] makes them refuse anonymous requests; a person who is not signed in is
sent to the sign-in page and back rather than shown a bare 401. Swagger UI is drf-spectacular's split view: its
script is a file of its own, not inline, for the Content-Security-Policy.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated


class _SignInFirst:
    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated | AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


class SwaggerDocsView(_SignInFirst, SpectacularSwaggerSplitView):
    pass


class RedocDocsView(_SignInFirst, SpectacularRedocView):
    pass
