"""The API's one error shape for the OpenAPI schema, and the error responses both apps' views declare.

config/api/errors.py builds the body; these serializers only describe it.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorResponseSerializer(serializers.Serializer):
    """The one error shape of the API (config/api/errors.py)."""

    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    errors = ErrorDetailSerializer(many=True)


ERROR_400 = OpenApiResponse(ErrorResponseSerializer, description="Invalid input; `field` names the first bad one.")
ERROR_401 = OpenApiResponse(ErrorResponseSerializer, description="No or bad token.")
ERROR_403 = OpenApiResponse(ErrorResponseSerializer, description="Writes need the planner role.")
ERROR_404 = OpenApiResponse(ErrorResponseSerializer, description="Not found.")
ERROR_409 = OpenApiResponse(ErrorResponseSerializer, description="Not allowed now; `message` says why.")
ERROR_429 = OpenApiResponse(ErrorResponseSerializer, description="Too many requests; retry after Retry-After seconds.")
READ_ERRORS = {401: ERROR_401, 404: ERROR_404}
WRITE_ERRORS = {400: ERROR_400, 401: ERROR_401, 403: ERROR_403}
