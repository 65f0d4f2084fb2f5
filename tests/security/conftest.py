"""Fixtures of the orchestration tests (a site, a planner, a small complete program), shared here."""

from tests.orchestration.conftest import local_server, planner, program, site  # noqa: F401
from tests.orchestration.test_outbound import no_connections  # noqa: F401  (records connects; non-loopback fails)
