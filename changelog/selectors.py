"""Reads of the change log: one object's history, or everything filtered by type, actor and time.

Rows come from pghistory's `Events` view over every `<Model>Change` table, with the diff against the
object's previous row computed in SQL. A supplier's user sees only the history of its own supplier's
rows (the `supplier_path` each audited model declares); internal readers see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db.models import CharField, Q, QuerySet, Value
from pghistory.models import Events

from changelog.tracking import AuditedModel, audited_models
from config.api.roles import INTERNAL_READERS, Access

ACTIONS = ("insert", "update", "delete")


@dataclass(frozen=True)
class HistoryFilter:
    object_type: str | None = None
    object_id: int | None = None
    actor: str | None = None  # a username
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _own_ids(entry: AuditedModel, supplier_id: int) -> QuerySet:
    return entry.model.objects.filter(**{entry.supplier_path or "pk": supplier_id}).values("pk")


def _keys(event_model, entry: AuditedModel, access: Access, filters: HistoryFilter, user_ids: list[int] | None):
    """(event model label, pgh_id, created at) of the rows of one change table that pass the filters: plain columns
    only, so a page is chosen without computing any diff."""
    rows = event_model.objects.all()
    if access.role not in INTERNAL_READERS:
        if entry.supplier_path is None or access.supplier_id is None:
            return None
        rows = rows.filter(pgh_obj_id__in=_own_ids(entry, access.supplier_id))
    if filters.object_id is not None:
        rows = rows.filter(pgh_obj_id=filters.object_id)
    if filters.action:
        rows = rows.filter(pgh_label=filters.action)
    if filters.since:
        rows = rows.filter(pgh_created_at__gte=filters.since)
    if filters.until:
        rows = rows.filter(pgh_created_at__lt=filters.until)
    if user_ids is not None:
        rows = rows.filter(pgh_context__user__in=user_ids)
    label = Value(event_model._meta.label, output_field=CharField())
    return rows.annotate(event_model=label).values_list("event_model", "pgh_id", "pgh_created_at")


class HistoryRows:
    """The change-log rows that pass the filters, newest first, as a sequence a paginator can slice: the page's keys
    come from one UNION over the change tables (plain columns), then only that page's rows are read with their diff
    from pghistory's `Events` view (its diff costs ~0.1 ms per row, too much to pay for every row of a large log)."""

    def __init__(self, keys: QuerySet | None) -> None:
        self._keys = keys

    def count(self) -> int:
        return 0 if self._keys is None else self._keys.count()

    def __getitem__(self, index: slice) -> list[Events]:
        if self._keys is None:
            return []
        page = list(self._keys[index])
        if not page:
            return []
        by_model: dict[str, list[int]] = {}
        for label, pgh_id, _ in page:
            by_model.setdefault(label, []).append(pgh_id)
        # One query for the page, whatever tables it spans: each branch of the view keeps only its listed ids.
        wanted = Q(pk__in=[])
        for label, ids in by_model.items():
            wanted |= Q(pgh_model=label, pgh_id__in=ids)
        models = [apps.get_model(label) for label in by_model]
        found = {(row.pgh_model, row.pgh_id): row for row in Events.objects.across(*models).filter(wanted)}
        return [found[(label, pgh_id)] for label, pgh_id, _ in page if (label, pgh_id) in found]


def history_rows(*, access: Access, filters: HistoryFilter) -> HistoryRows:
    """Change-log rows visible to `access`, newest first, narrowed by `filters`. A supplier's user sees only the
    history of its own supplier's rows; internal readers see everything."""
    entries: list[AuditedModel] = list(audited_models().values())
    if filters.object_type:
        entries = [audited_models()[filters.object_type]]
    user_ids = None
    if filters.actor:
        user_ids = list(get_user_model().objects.filter(username=filters.actor).values_list("pk", flat=True))
    parts = []
    for entry in entries:
        for event_model in dict.fromkeys(entry.model.pgh_event_models.values()):
            keys = _keys(event_model, entry, access, filters, user_ids)
            if keys is not None:
                parts.append(keys)
    if not parts:
        return HistoryRows(None)
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return HistoryRows(union.order_by("-pgh_created_at", "-pgh_id", "event_model"))


def _readable(value: Any) -> Any:
    """Geometries are stored as hex EWKB in the change rows; show them as WKT a person can read."""
    if isinstance(value, str) and len(value) > 40 and value[:2] in ("01", "00"):
        try:
            return GEOSGeometry(value).wkt
        except (GEOSException, ValueError, TypeError):
            return value
    return value


def changes_of(row: Events) -> dict[str, list[Any]]:
    """field -> [before, after]. An insert has no before; a delete has no after."""
    data = row.pgh_data or {}
    if row.pgh_label == "insert":
        return {field: [None, _readable(value)] for field, value in data.items()}
    if row.pgh_label == "delete":
        return {field: [_readable(value), None] for field, value in data.items()}
    return {field: [_readable(pair[0]), _readable(pair[1])] for field, pair in (row.pgh_diff or {}).items()}


def actor_names(rows: list[Events]) -> dict[int, str]:
    """Usernames of the users behind `rows`, by id (a deleted user is absent: shown by id)."""
    ids = {row.pgh_context.get("user") for row in rows if row.pgh_context and row.pgh_context.get("user")}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
