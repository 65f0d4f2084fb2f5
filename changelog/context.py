"""Who and why for every change-log row: the request's user and reason, the command or the Celery task.

django-pghistory keeps a context (a JSON object) for the database session; the triggers attach it to
each change row. We put in it: `user` (the id of the signed-in user, filled by pghistory's middleware,
also when DRF authenticates a token later in the request), `url`, `reason` (the `X-Change-Reason`
header, or `change_reason()` in a service), `command` (a manage.py command) and `task` (a Celery task).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import unquote

import pghistory
from django.http import HttpRequest, JsonResponse
from pghistory.middleware import HistoryMiddleware

from config.api.errors import error_body

REASON_HEADER = "X-Change-Reason"
REASON_MAX_CHARS = 500


class ReasonError(ValueError):
    pass


def reason_from_header(raw: str | None) -> str | None:
    """The reason a client gave in `X-Change-Reason`: percent-encoded UTF-8 (headers are Latin-1), at most
    REASON_MAX_CHARS characters once decoded, no control characters. None when absent or blank."""
    if raw is None or not raw.strip():
        return None
    try:
        text = unquote(raw, encoding="utf-8", errors="strict").strip()
    except UnicodeDecodeError as exc:
        raise ReasonError(f"{REASON_HEADER} is not percent-encoded UTF-8.") from exc
    if len(text) > REASON_MAX_CHARS:
        raise ReasonError(f"{REASON_HEADER} is {len(text)} characters; at most {REASON_MAX_CHARS} are kept.")
    if any(ord(ch) < 32 and ch not in "\t" for ch in text):
        raise ReasonError(f"{REASON_HEADER} contains control characters.")
    return text


class ChangeContextMiddleware(HistoryMiddleware):
    """pghistory's middleware (user and url) plus the client's reason; a bad reason is refused with 400
    before anything is written."""

    def get_context(self, request: HttpRequest) -> dict:
        context = super().get_context(request)
        reason = getattr(request, "change_reason", None)
        if reason:
            context["reason"] = reason
        return context

    def __call__(self, request: HttpRequest):
        try:
            request.change_reason = reason_from_header(request.headers.get(REASON_HEADER))
        except ReasonError as exc:
            errors = [{"field": REASON_HEADER, "code": "invalid", "message": str(exc)}]
            return JsonResponse(error_body("invalid", str(exc), errors), status=400)
        return super().__call__(request)


@contextlib.contextmanager
def change_reason(reason: str | None) -> Iterator[None]:
    """Record `reason` on every change made inside the block (a service's own why, e.g. a status move)."""
    if not reason or not reason.strip():
        yield
        return
    with pghistory.context(reason=reason.strip()[:REASON_MAX_CHARS]):
        yield


_task_contexts: dict[str, contextlib.AbstractContextManager] = {}


def _task_started(task_id: str | None = None, task=None, **_: object) -> None:
    if task_id is None or task is None:
        return
    ctx = pghistory.context(task=task.name, task_id=task_id)
    ctx.__enter__()
    _task_contexts[task_id] = ctx


def _task_finished(task_id: str | None = None, **_: object) -> None:
    ctx = _task_contexts.pop(task_id, None) if task_id else None
    if ctx is not None:
        ctx.__exit__(None, None, None)


def connect_task_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, weak=False, dispatch_uid="changelog-task-started")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="changelog-task-finished")
