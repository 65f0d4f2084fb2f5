"""Fixtures for the Django tests. The real layers are imported once per test session into the test database;
each test then runs in a transaction that is rolled back, so tests see them but cannot change them."""

from pathlib import Path

import pytest
from django.conf import settings

from sitesel.services.demo_layers import demo_layers_import

FIXTURES = Path(settings.FIXTURES_DIR)
LAYERS_DIR = FIXTURES / "layers"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for _ in demo_layers_import():
            pass


@pytest.fixture
def layers_dir() -> Path:
    return LAYERS_DIR
