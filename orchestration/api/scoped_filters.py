"""Filter choices scoped to the requesting user (a supplier's user picks among its own rows only)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.db.models import QuerySet

from config.api.filters import IdChoiceFilter
from orchestration import selectors


@lru_cache(maxsize=1024)
def _rows(selector: Callable[..., QuerySet], scope: selectors.Scope) -> QuerySet:
    # Built once per (resource, scope): the filter form is made on every list request, and building the lists'
    # querysets (joins, sums) costs every request. The form field clones it (`.all()`); this one is never run.
    return selector(scope=scope)


def scoped(selector: Callable[..., QuerySet]) -> Callable:
    """The rows of `selector` this request's user sees (none when there is no request, e.g. for the schema)."""

    def choices(request) -> QuerySet:
        scope = selectors.Scope(restricted=True) if request is None else selectors.user_scope(request.user)
        return _rows(selector, scope)

    return choices


def scoped_choice_filter(selector, field_name: str | None = None, **kwargs) -> IdChoiceFilter:
    return IdChoiceFilter(queryset=scoped(selector), **({"field_name": field_name} if field_name else {}), **kwargs)
