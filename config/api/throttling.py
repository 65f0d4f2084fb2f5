"""Per-user limits on reads that cost seconds of server time (429 with Retry-After, in the API's error shape).

DRF's throttle, keyed by the user's id (the client address for an anonymous caller, which the views refuse
anyway), with the rate of settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["expensive"]. The web pages that do
the same work (the program dashboard) share the same bucket through `expensive_page`.
"""

from __future__ import annotations

import math
from functools import wraps

from django.http import HttpResponse
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle

from config.security.client_ip import client_ip


class ExpensiveReadThrottle(SimpleRateThrottle):
    """`throttle_classes=[ExpensiveReadThrottle]` on an action; one bucket per user across all of them."""

    scope = "expensive"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = user.pk if user is not None and user.is_authenticated else client_ip(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def expensive_page(view):
    """The same limit for a web page: a 429 page with Retry-After when the user's bucket is empty."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        throttle = ExpensiveReadThrottle()
        if not throttle.allow_request(request, None):
            seconds = math.ceil(throttle.wait() or 1)
            message = f"Too many heavy pages in a short time; wait {seconds} s and reload."
            response: HttpResponse = render(request, "sitesel/web/throttled.html", {"message": message}, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return view(request, *args, **kwargs)

    return wrapped
