"""sitesel's admin, one module per resource; importing them registers their ModelAdmins."""

from sitesel.admin import layers, scoring_runs, sites  # noqa: F401
