"""Fixtures shared by the Django test folders. Imports stay inside fixtures so tests/domain runs without Django."""

import pytest


@pytest.fixture
def real_layers_committed(transactional_db):
    """For tests that need committed rows (a Celery worker or a live server on its own connection): a
    transactional test empties every table when it ends, so the next one imports the real layers again."""
    from sitesel.demo.layers import demo_layers_import

    for _ in demo_layers_import():
        pass
