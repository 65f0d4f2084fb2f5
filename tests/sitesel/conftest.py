"""Fixtures for the Django tests. The real layers are imported once per test session into the test database;
each test then runs in a transaction that is rolled back, so tests see them but cannot change them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

from sitesel.demo.layers import demo_layers_import
from sitesel.domain.scoring import ScenarioSpec, scenario_to_dict
from sitesel.models import Feature, Layer, Scenario, ScoringRun

FIXTURES = Path(settings.FIXTURES_DIR)
LAYERS_DIR = FIXTURES / "layers"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for _ in demo_layers_import():
            pass


@pytest.fixture
def fema_scenario(db) -> Scenario:
    """The default weights with a screen (FEMA risk under 30) that excludes some cells of a national run."""
    spec = scenario_to_dict(ScenarioSpec())
    spec["constraints"] = [{"criterion": "fema_risk_score", "max": 30}]
    return Scenario.objects.create(name="FEMA under 30", spec=spec)


@pytest.fixture
def national_computed():
    """A 100 km national run of a scenario with every chunk computed and stored in this process, not yet ranked."""
    from sitesel.services.scoring_runs import scoring_chunk_compute, scoring_run_create, scoring_run_execute

    def computed(scenario: Scenario) -> ScoringRun:
        run = scoring_run_create(scenario=scenario, mode="national", cell_size_km=100, draws=50)
        for index in scoring_run_execute(run_id=run.pk):
            scoring_chunk_compute(run_id=run.pk, index=index)
        return ScoringRun.objects.get(pk=run.pk)

    return computed


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


@pytest.fixture
def token_client(db):
    """An API client signed in with a knox token as a new planner (planner=True) or viewer."""
    from django.contrib.auth.models import Group, User
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from config.api.roles import PLANNER_GROUP, VIEWER_GROUP

    def make(username: str, *, planner: bool) -> APIClient:
        user = User.objects.create_user(username)
        user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP if planner else VIEWER_GROUP)[0])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
        return client

    return make
