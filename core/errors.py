"""The one error base of the project: pure Python, translated to HTTP once (config/api/errors.py).

Domain packages subclass `DomainError` for rule failures; services raise `ApplicationError` (400) and `Conflict`
(409) for requests they refuse. Every error carries a stable `code` clients branch on, the `http_status` the API
answers with, a `message`, the `field` at fault (or None) and `reasons`: objects with a `to_dict()` that the API
lists in `errors`, one per failed rule (a refused block transition names each input and contract line).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class ErrorReason(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


class DomainError(Exception):
    """A failure the caller can act on."""

    code = "domain_error"
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        reasons: Iterable[ErrorReason] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.reasons: tuple[Any, ...] = tuple(reasons)
        if code:
            self.code = code

    def as_error_list(self) -> list[dict[str, Any]]:
        """Rows for the API's `errors` list: {field, code, message}, or one row per reason with its own detail."""
        if not self.reasons:
            return [{"field": self.field, "code": self.code, "message": self.message}]
        return [{"field": self.field, **reason.to_dict()} for reason in self.reasons]


class ApplicationError(DomainError):
    """A request a service refuses: bad input (400) naming the field."""

    code = "invalid"


class Conflict(ApplicationError):
    """A request that is well formed but not allowed in the current state (409)."""

    code = "conflict"
    http_status = 409
