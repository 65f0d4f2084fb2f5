"""Declare a model's change log: `@audited("site", fields=[...])` on the model class.

Each audited model gets a `<Model>Change` event model in its own app (and migration), filled by
insert, update and delete triggers. Only the listed fields are snapshotted: the ones a planner decides,
not derived or cached columns, so a nightly recompute does not bury an edit under noise (an update that
touches no listed field records nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import pghistory


@dataclass(frozen=True)
class AuditedModel:
    object_type: str  # the public name in the API: "site", "contract-line", ...
    model: type
    supplier_path: str | None  # lookup from the model to its supplier's id; None: internal rows only


_REGISTRY: dict[str, AuditedModel] = {}


def audited(object_type: str, *, fields: list[str], supplier_path: str | None = None):
    """Track inserts, updates and deletes of `fields` on the decorated model, under `object_type`."""

    def wrap(model_class):
        pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            fields=fields,
            model_name=f"{model_class.__name__}Change",
            obj_field=pghistory.ObjForeignKey(related_name="change_log"),
            # The context (who, why) is copied into each change row: no second table to upsert on every write.
            context_field=pghistory.ContextJSONField(),
        )(model_class)
        _REGISTRY[object_type] = AuditedModel(object_type, model_class, supplier_path)
        return model_class

    return wrap


def audited_models() -> dict[str, AuditedModel]:
    """Every audited model by its public object type."""
    return dict(_REGISTRY)


def object_type_of(model_label: str) -> str | None:
    """The public object type of a model given as "app_label.ModelName"."""
    for entry in _REGISTRY.values():
        if entry.model._meta.label == model_label:
            return entry.object_type
    return None
