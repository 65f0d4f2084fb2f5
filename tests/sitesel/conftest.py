"""Fixtures for the Django tests. The real layers are imported once per test session into the test database;
each test then runs in a transaction that is rolled back, so tests see them but cannot change them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

from sitesel.models import Feature, Layer
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


@pytest.fixture
def make_county():
    """A county polygon of our own, placed where no real county is (the Pacific), so tests that
    locate a site do not depend on the real layer."""

    def make(*, fips: str, name: str, state: str, bbox: tuple[float, float, float, float]) -> Feature:
        counties, _ = Layer.objects.get_or_create(kind="counties", defaults={"family": "land", "title": "Counties"})
        return Feature.objects.create(
            layer=counties,
            source_fid=f"test-{fips}",
            valid_from=1,
            content_hash="test",
            name=name,
            fips=fips,
            state=state,
            geom=MultiPolygon(Polygon.from_bbox(bbox), srid=4326),
        )

    return make
