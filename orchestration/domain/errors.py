"""Orchestration's domain exceptions with machine-readable reasons, on the project's one base (core/errors.py).

The API answers `TransitionNotAllowed` (and its subclass `GateNotMet`) with HTTP 409 and lists `reasons`
as-is, so every reason has a stable `code` a client can branch on, plus the category and contract-line refs
at fault. Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.errors import DomainError


@dataclass(frozen=True)
class Reason:
    """One reason a rule failed. `category` is a `Category` value (a str) when the rule is per input."""

    code: str
    message: str
    category: str | None = None
    line_refs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "category": None if self.category is None else str(self.category),
            "line_refs": list(self.line_refs),
        }


class InvalidInput(DomainError, ValueError):
    """Input the domain cannot compute on (negative MW, array length mismatch, bad index...)."""

    code = "invalid_input"


class UnknownState(DomainError, ValueError):
    """A state name that is not a `BlockState` value: a client error, not a conflict."""

    code = "unknown_state"

    def __init__(self, state: object) -> None:
        message = f"unknown block state {state!r}"
        super().__init__(message, reasons=(Reason("unknown_state", message),))
        self.state = state


class TransitionNotAllowed(DomainError):
    """The move is not in the transition table (skip, move into `planned`, no-op)."""

    code = "transition_not_allowed"
    http_status = 409

    def __init__(self, from_state: str, to_state: str, reasons: Iterable[Reason]) -> None:
        reasons = tuple(reasons)
        detail = "; ".join(r.message for r in reasons) or "not allowed"
        super().__init__(f"{from_state} -> {to_state}: {detail}", reasons=reasons)
        self.from_state = from_state
        self.to_state = to_state

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "from_state": str(self.from_state),
            "to_state": str(self.to_state),
            "reasons": [r.to_dict() for r in self.reasons],
        }


class GateNotMet(TransitionNotAllowed):
    """The move is in the table but the facts do not satisfy the target state's gate.

    A subclass of `TransitionNotAllowed` so a caller that only cares "did it move?" catches one type.
    """

    code = "gate_not_met"
