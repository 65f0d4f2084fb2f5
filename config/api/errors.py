"""One error shape for every API failure: {"code", "message", "field", "errors": [...]}.

`code` is stable for clients to branch on; `field` names the first input at fault (or null);
`errors` lists every problem found, each with its own field, code and message.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sitesel.domain.errors import DomainError
from sitesel.errors import ApplicationError


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
    if isinstance(exc, ApplicationError | DomainError):
        errors = [{"field": exc.field, "code": exc.code, "message": exc.message}]
        return Response(error_body(exc.code, exc.message, errors), status=exc.http_status)
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
