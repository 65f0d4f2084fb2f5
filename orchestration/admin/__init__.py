"""orchestration's admin, one module per resource; importing them registers their ModelAdmins."""

from orchestration.admin import alerts, baselines, contracts, programs, suppliers  # noqa: F401
