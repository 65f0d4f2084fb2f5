"""Rules for names people type or import: no control characters, no bidirectional overrides.

Control characters (NUL, ESC, newlines...) break storage, logs and terminals; bidirectional controls make a
name display differently from what it is ("Invoice\\u202egpj.exe" shows as "Invoiceexe.jpg"). Accents,
other scripts and emoji are ordinary text and stay allowed.
"""

from __future__ import annotations

import unicodedata

# Explicit directional embeddings, overrides and isolates, and the invisible direction marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def name_problem(value: str) -> str | None:
    """Why `value` is not acceptable as a name (None if it is)."""
    for char in value:
        if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            return f"contains the control character U+{ord(char):04X}"
    return None
