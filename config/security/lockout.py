"""What a locked-out sign-in gets (django-axes calls this, AXES_LOCKOUT_CALLABLE): a 429 with Retry-After.

One limiter for every login: the API token login, the planners' /login/ and the admin's, per account and per client
address (docs/decisions.md). Under /api/ the answer is the API's error shape; elsewhere the sign-in page with the
reason, so a person sees why.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from config.api.errors import error_body


def lockout_seconds() -> int:
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = math.ceil(lockout_seconds() / 60)
    return (
        f"Too many failed sign-ins for this account or from this address; try again in {minutes} minutes "
        f"(after {settings.AXES_FAILURE_LIMIT} failures the account and the address are locked for that long)."
    )


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("locked_out", lockout_message()), status=429)
    else:
        response = render(request, "sitesel/web/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response
