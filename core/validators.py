"""Validators shared by models, serializers and forms of both apps (Django's validator protocol)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core.text import name_problem


def validate_plain_name(value: str) -> None:
    """The one rule for names people type (sites, scenarios, projects, suppliers), wherever they are written:
    the API, the admin, services that call full_clean, promoted cells. No control or bidi-override characters
    (core/text.py)."""
    problem = name_problem(value)
    if problem:
        raise ValidationError(f"The name {problem}.", code="invalid_character")
