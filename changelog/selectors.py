"""Reads of the change log: one object's history, or everything filtered by type, actor and time.

Rows come from pghistory's `Events` view over every `<Model>Change` table, with the diff against the
object's previous row computed in SQL. A supplier's user sees only the history of its own supplier's
rows (the `supplier_path` each audited model declares); internal readers see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from pghistory.models import Events

from changelog.tracking import AuditedModel, audited_models, object_type_of
from config.api.roles import INTERNAL_READERS, Access

ACTIONS = ("insert", "update", "delete")


@dataclass(frozen=True)
class HistoryFilter:
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None  # a username
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _visible_to(access: Access) -> Q | None:
    """The rows a user may see: None for everything; a Q over (model, object id) for a supplier."""
    if access.role in INTERNAL_READERS:
        return None
    if access.supplier_id is None:
        return Q(pk__in=[])
    scope = Q(pk__in=[])
    for entry in audited_models().values():
        if entry.supplier_path is None:
            continue
        lookup = {entry.supplier_path or "pk": access.supplier_id}
        own_ids = entry.model.objects.filter(**lookup).annotate(text_id=Cast("pk", TextField())).values("text_id")
        scope |= Q(pgh_obj_model=entry.model._meta.label, pgh_obj_id__in=own_ids)
    return scope


def history_rows(*, access: Access, filters: HistoryFilter) -> QuerySet:
    """Change-log rows visible to `access`, newest first, narrowed by `filters`."""
    entries: list[AuditedModel] = list(audited_models().values())
    if filters.object_type:
        entries = [audited_models()[filters.object_type]]
    event_models = [model for entry in entries for model in entry.model.pgh_event_models.values()]
    rows = Events.objects.across(*dict.fromkeys(event_models))
    if filters.object_id is not None:
        rows = rows.filter(pgh_obj_id=str(filters.object_id))
    if filters.action:
        rows = rows.filter(pgh_label=filters.action)
    if filters.since:
        rows = rows.filter(pgh_created_at__gte=filters.since)
    if filters.until:
        rows = rows.filter(pgh_created_at__lt=filters.until)
    if filters.actor:
        user_ids = list(get_user_model().objects.filter(username=filters.actor).values_list("pk", flat=True))
        rows = rows.filter(pgh_context__user__in=user_ids)
    scope = _visible_to(access)
    if scope is not None:
        rows = rows.filter(scope)
    return rows.order_by("-pgh_created_at", "-pgh_id", "pgh_model")


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


def object_type_for(row: Events) -> str | None:
    return object_type_of(row.pgh_obj_model)
