"""Exceptions raised by the pure sitesel domain (economics, time to power), on the project's one base.

`DomainError` is core/errors.py's: `code` is stable for clients to branch on, `field` names the offending
parameter or input, `http_status` is what the API answers with (config/api/errors.py). Nothing here imports
Django.
"""

from __future__ import annotations

from core.errors import DomainError

__all__ = ["DomainError", "InvalidParameter", "InvalidScenario", "InvalidSiteInput"]


class InvalidParameter(DomainError):
    """A scenario override names an unknown parameter or gives it an unusable value."""

    code = "invalid_parameter"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", field=field)
        self.reason = reason


class InvalidSiteInput(DomainError):
    """A site input (or the requested capacity) is outside what the model can compute with."""

    code = "invalid_site_input"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", field=field)
        self.reason = reason


class InvalidScenario(DomainError):
    """A scoring scenario (weights, normalization, constraints, exclusions, capacities) is unusable.

    `field` is a path into the scenario JSON, e.g. `weights.fema_risk_score`, `constraints[0].max`, so
    the API can answer 400 naming exactly what to fix.
    """

    code = "invalid_scenario"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", field=field)
        self.reason = reason
