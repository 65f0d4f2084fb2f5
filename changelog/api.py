"""GET /api/v1/history/: the change log, filtered by object, actor, action and time."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from changelog.selectors import ACTIONS, HistoryFilter, actor_names, changes_of, history_rows
from changelog.tracking import audited_models, object_type_of
from config.api.numbers import MAX_ID
from config.api.query_fields import QueryInt
from config.api.roles import user_access


class HistoryQuerySerializer(serializers.Serializer):
    object_type = serializers.ChoiceField(choices=[], required=False, help_text="e.g. site, contract, block.")
    # The project's plain-number parser: no exponent, bounded, refused before any conversion.
    object_id = QueryInt(required=False, min_value=1, max_value=MAX_ID)
    actor = serializers.CharField(required=False, max_length=150, help_text="Username of who made the change.")
    action = serializers.ChoiceField(choices=ACTIONS, required=False)
    since = serializers.DateTimeField(required=False, help_text="ISO 8601; changes at or after this instant.")
    until = serializers.DateTimeField(required=False, help_text="ISO 8601; changes before this instant.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = sorted(audited_models())

    def validate(self, attrs: dict) -> dict:
        if "object_id" in attrs and "object_type" not in attrs:
            raise serializers.ValidationError({"object_id": "Give object_type with object_id (ids are per type)."})
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"until": "until must be after since."})
        return attrs


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.CharField(source="pgh_slug", help_text="Unique across the change log.")
    object_type = serializers.SerializerMethodField()
    object_id = serializers.CharField(source="pgh_obj_id")
    action = serializers.CharField(source="pgh_label", help_text="insert, update or delete.")
    at = serializers.DateTimeField(source="pgh_created_at")
    actor = serializers.SerializerMethodField(help_text="Username, or null for a command or task.")
    reason = serializers.SerializerMethodField()
    via = serializers.SerializerMethodField(help_text="The URL, manage.py command or Celery task that wrote it.")
    changes = serializers.SerializerMethodField(help_text="field -> [before, after].")

    def get_object_type(self, row) -> str | None:
        return object_type_of(row.pgh_obj_model)

    def get_actor(self, row) -> str | None:
        user_id = (row.pgh_context or {}).get("user")
        if user_id is None:
            return None
        return self.context["actors"].get(user_id, f"deleted user #{user_id}")

    def get_reason(self, row) -> str | None:
        return (row.pgh_context or {}).get("reason")

    def get_via(self, row) -> str | None:
        context = row.pgh_context or {}
        if context.get("command"):
            return f"manage.py {context['command']}"
        if context.get("task"):
            return f"task {context['task']}"
        return context.get("url")

    def get_changes(self, row) -> dict[str, list]:
        return changes_of(row)


@extend_schema(parameters=[HistoryQuerySerializer], tags=["history"])
class HistoryList(generics.ListAPIView):
    """Who changed what, when and why (newest first). Suppliers see only their own rows' history."""

    serializer_class = HistoryEntrySerializer
    supplier_reads = True
    filter_backends: list = []

    def get_queryset(self):
        params = HistoryQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return history_rows(access=user_access(self.request.user), filters=HistoryFilter(**params.validated_data))

    def get_serializer(self, *args, **kwargs):
        if args and isinstance(args[0], list):
            kwargs.setdefault("context", self.get_serializer_context())["actors"] = actor_names(args[0])
        return super().get_serializer(*args, **kwargs)


