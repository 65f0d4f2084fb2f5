"""One error shape for every API failure: {"code", "message", "field", "errors": [...]}.

`code` is stable for clients to branch on; `field` names the first input at fault (or null);
`errors` lists every problem found, each with its own field, code and message.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError

logger = logging.getLogger(__name__)
# Seconds a client should wait before retrying while the database is away (a restart takes a few seconds).
DATABASE_RETRY_AFTER_SECONDS = 5


def _flatten(detail: Any, prefix: str | None = None) -> list[dict[str, str | None]]:
    """Turn DRF's nested error detail into a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        out: list[dict[str, str | None]] = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else str(key)
            field = f"{prefix}.{name}" if prefix and name else (name or prefix)
            out.extend(_flatten(value, field))
        return out
    if isinstance(detail, list):
        out = []
        for index, item in enumerate(detail):
            # Lists of dicts are nested serializers (one entry per item); keep the index.
            field = f"{prefix}[{index}]" if isinstance(item, dict) and prefix else prefix
            out.extend(_flatten(item, field))
        return out
    code = getattr(detail, "code", None) or "invalid"
    return [{"field": prefix, "code": str(code), "message": str(detail)}]


def error_body(code: str, message: str, errors: list[dict[str, str | None]] | None = None) -> dict[str, Any]:
    errors = errors or []
    field = next((e["field"] for e in errors if e.get("field")), None)
    return {"code": code, "message": message, "field": field, "errors": errors}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):  # every domain and service error of both apps, translated here only
        return Response(error_body(exc.code, exc.message, exc.as_error_list()), status=exc.http_status)
    if isinstance(exc, RequestDataTooBig):  # Django would answer with a 400 HTML page
        message = f"The request body is too large (over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."
        return Response(error_body("too_large", message), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, ProtectedError | RestrictedError):  # a delete blocked by on_delete=PROTECT or RESTRICT
        blocking = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        names = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
        message = f"Still referenced by {', '.join(names)}; remove or reassign those first."
        return Response(error_body("protected", message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is down, restarting or refused the connection: nothing was written (every write is one
        # transaction), so the client may retry. Django drops the broken connection when the request ends.
        logger.warning("database unavailable: %s", exc)
        body = error_body("unavailable", "The database is unavailable; retry shortly.")
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=getattr(exc, "message_dict", None) or exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = errors[0]["message"] if errors else "Invalid input."
        message = f"{errors[0]['field']}: {first}" if errors and errors[0]["field"] else first
        response.data = error_body("invalid", message, errors)
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = error_body(code, str(exc.detail))
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception) -> HttpResponse:
    """handler404: a URL no route matches (e.g. /api/v1/sites/1.5/) answers in our shape under /api/."""
    if _is_api(request):
        return JsonResponse(error_body("not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request) -> HttpResponse:
    """handler500: an unhandled exception still answers in our shape under /api/ (the cause is logged)."""
    if _is_api(request):
        body = error_body("server_error", "Server error.")
        return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
