"""What every orchestration view shares: the user's scope (a supplier sees its own rows), error responses."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view

from core.api import ERROR_400, ERROR_401, ERROR_403, ERROR_409, ErrorResponseSerializer
from orchestration import selectors
from orchestration.api.programs.serializers import (
    TransitionErrorSerializer,
)
from orchestration.selectors import user_scope

ERROR_404 = OpenApiResponse(ErrorResponseSerializer, description="Not found (or not yours).")

TRANSITION_409 = OpenApiResponse(TransitionErrorSerializer, description="Refused: `errors` lists every reason.")

READ = {401: ERROR_401, 404: ERROR_404}

WRITE = {400: ERROR_400, 401: ERROR_401, 403: ERROR_403}


class ScopedViewMixin:
    """Querysets come from selectors scoped to the requesting user (supplier isolation).

    Permissions are the default by role; `supplier_reads = True` lets a supplier's user read the view
    (its own rows only, by the selector). Internal views leave it False: suppliers get 403 there.
    """

    selector = None
    supplier_reads = False

    @property
    def scope(self) -> selectors.Scope:
        return user_scope(self.request.user)

    def get_queryset(self):
        return type(self).selector(scope=self.scope)


def crud_schema(serializer, tag: str, *, create=None, destroy: bool = True):
    views = {
        "list": extend_schema(responses={200: serializer(many=True), 400: ERROR_400, 401: ERROR_401}),
        "retrieve": extend_schema(responses={200: serializer, **READ}),
        # request=None would declare "no body": without a create serializer, the view's own is the body.
        "create": extend_schema(**({"request": create} if create else {}), responses={201: serializer, **WRITE}),
        "update": extend_schema(responses={200: serializer, **WRITE, 404: ERROR_404}),
        "partial_update": extend_schema(responses={200: serializer, **WRITE, 404: ERROR_404}),
    }
    if destroy:
        views["destroy"] = extend_schema(responses={204: None, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404,
                                                    409: ERROR_409})  # fmt: skip
    return lambda cls: extend_schema(tags=[tag])(extend_schema_view(**views)(cls))


def read_schema(serializer, tag: str):
    return lambda cls: extend_schema(tags=[tag])(
        extend_schema_view(
            list=extend_schema(responses={200: serializer(many=True), 400: ERROR_400, 401: ERROR_401}),
            retrieve=extend_schema(responses={200: serializer, **READ}),
        )(cls)
    )
