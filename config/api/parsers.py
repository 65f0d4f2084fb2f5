"""The API's JSON parser: DRF's, plus two limits that would otherwise end in a 500.

- Nesting: Python's JSON decoder recurses once per level, so a body nested about 1,000 deep raises
  RecursionError (a 500, from any role that may post, e.g. a supplier's ship notice). Bodies nested deeper than
  MAX_DEPTH levels are refused, naming the field that holds the nesting. Our deepest real body is a GeoJSON
  MultiPolygon (6 levels).
- NUL characters: PostgreSQL stores no U+0000 in text or jsonb, so a NUL in a free-form JSON field (a scoring
  run's `site_filter.state`, say) failed at the INSERT. Any string or key with one is refused, naming its field.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
# A JSON string (with its escapes), or one structural character: enough to follow nesting and keys.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:]')
_NUL_ESCAPE = re.compile(r"\\u0000", re.IGNORECASE)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _field_name(path: list[str | int | None]) -> str | None:
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        elif part is not None:
            name += f".{part}" if name else part
    return name or None


def too_deep_field(text: str, limit: int = MAX_DEPTH) -> tuple[bool, str | None]:
    """(whether `text` nests more than `limit` levels, the field where it first does), from the raw text."""
    path: list[str | None] = []  # per open container: the key it is the value of (None: in a list, or the root)
    key = last_string = None
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            last_string = token
        elif token == ":":
            key = json.loads(last_string) if last_string else None
        elif token in "{[":
            path.append(key)
            key = None
            if len(path) > limit:
                return True, _field_name(path)
        else:
            if path:
                path.pop()
            key = None
    return False, None


def nul_field(data: Any) -> tuple[bool, str | None]:
    """(whether a string or key in `data` holds U+0000, the field where), walking without recursion."""
    stack: list[tuple[Any, list]] = [(data, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True, _field_name(path)
        elif isinstance(value, dict):
            for child_key, child in value.items():
                if "\x00" in child_key:
                    return True, _field_name(path)
                stack.append((child, [*path, child_key]))
        elif isinstance(value, list):
            stack.extend((child, [*path, index]) for index, child in enumerate(value))
    return False, None


def _refuse(field: str | None, message: str, code: str) -> serializers.ValidationError:
    return serializers.ValidationError({field or "non_field_errors": [serializers.ErrorDetail(message, code=code)]})


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        deep_message = f"Nested more than {MAX_DEPTH} levels deep."
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise _refuse(too_deep_field(text)[1], deep_message, "too_deep") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if text.count("[") + text.count("{") > MAX_DEPTH:  # cheap first: only then follow the nesting
            deep, field = too_deep_field(text)
            if deep:
                raise _refuse(field, deep_message, "too_deep")
        if _NUL_ESCAPE.search(text):
            found, field = nul_field(data)
            if found:
                message = "Contains a null character (U+0000), which cannot be stored."
                raise _refuse(field, message, "null_character")
        return data
