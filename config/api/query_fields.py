"""Query-string numbers for serializers: parsed only when short and plain (config/api/numbers.py), so a number
with a huge exponent is refused before any arithmetic. Used by both apps' query serializers."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.numbers import NumberRefused, parse_number


class _QueryNumber(serializers.Field):
    """A query-string number parsed only when short and plain (config/api/numbers.py): no exponent, bounded."""

    integer = False

    def __init__(self, *, min_value: float, max_value: float, **kwargs) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data: object) -> int | float:
        try:
            return parse_number(data, integer=self.integer, min_value=self.min_value, max_value=self.max_value)
        except NumberRefused as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value: object) -> object:
        return value


@extend_schema_field(OpenApiTypes.NUMBER)
class QueryFloat(_QueryNumber):
    pass


@extend_schema_field(OpenApiTypes.INT)
class QueryInt(_QueryNumber):
    integer = True
