"""Errors that services raise and the API maps to one JSON shape (config/api/errors.py)."""

from __future__ import annotations


class ApplicationError(Exception):
    """A failure the caller can act on: a stable code, a message and the field at fault."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class Conflict(ApplicationError):
    code = "conflict"
    http_status = 409
