"""While PostgreSQL is away the API answers 503 with Retry-After in the error shape, not a 500.

The real outage is drilled in bench/drills/ (`make drills`: PostgreSQL killed mid-stream of POSTs); this pins
the mapping for both kinds of error a lost server raises.
"""

import pytest
from django.db import InterfaceError, OperationalError

from config.api.errors import exception_handler


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_a_lost_database_is_a_503_to_retry(error):
    response = exception_handler(error, {})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.data["code"] == "unavailable" and response.data["field"] is None
