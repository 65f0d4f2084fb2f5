"""Filter fields for every FilterSet of the API: ids and numbers bounded before they are converted, and row
choices from a per-request queryset.

- `IdChoiceFilter`: a row's id (`?line=12`). The choices come from a callable of the request that returns the
  same queryset the user's list of that resource shows, so another supplier's row is "not a valid choice"
  exactly like a row that does not exist (no existence oracle), and the browsable API's filter form lists only
  the user's own rows.
- `BoundedNumberFilter`: a number with a range (`?max_rank=10`), parsed by config.api.numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from config.api.numbers import MAX_ID, NumberRefused, parse_number
from config.api.roles import INTERNAL_READERS, user_role


class BoundedIdField(forms.ModelChoiceField):
    """A model choice whose raw value must be a plain whole number before the queryset is asked about it."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            parse_number(value, integer=True, min_value=1, max_value=MAX_ID)
        except NumberRefused:
            raise ValidationError("Give the id of one of your rows (a whole number).", code="invalid_id") from None
        return super().to_python(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """`queryset` is a callable of the request returning the rows this user may name (see the module doc)."""

    field_class = BoundedIdField


class BoundedNumberField(forms.Field):
    def __init__(self, *, integer: bool = False, min_value: float, max_value: float, **kwargs) -> None:
        self.integer, self.min_value, self.max_value = integer, min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value, integer=self.integer, min_value=self.min_value, max_value=self.max_value)
        except NumberRefused as exc:
            raise ValidationError(str(exc), code="invalid_number") from None


class BoundedNumberFilter(django_filters.Filter):
    """A number filter with a range: `BoundedNumberFilter(field_name=..., lookup_expr=..., min_value=0,
    max_value=100)`; `integer=True` for integer columns."""

    field_class = BoundedNumberField


def internal_choices(selector: Callable[[], QuerySet]) -> Callable:
    """A filter's choices of planning data: the selector's rows for the roles that read them, none for anyone else
    (or without a request, e.g. for the schema); an IdChoiceFilter's queryset."""

    def choices(request) -> QuerySet:
        rows = selector()
        if request is None or user_role(request.user) not in INTERNAL_READERS:
            return rows.none()
        return rows

    return choices
