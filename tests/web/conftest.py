"""Fixtures for the planner pages: the real layers (imported once per session for the fast tests), the demo
sites, a finished scoring run computed inline, the demo program, and signed-in users."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from config.api.roles import PLANNER_GROUP, VIEWER_GROUP
from sitesel.demo.layers import demo_layers_import
from sitesel.models import ScoringRun, Site
from sitesel.services.scoring_runs import (
    scenario_default,
    scoring_chunk_compute,
    scoring_run_create,
    scoring_run_execute,
    scoring_run_finalize,
)

# pytest-django's live server binds to this address (default "localhost"); the browser tests require every
# request to go to 127.0.0.1.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

FIXTURES = Path(settings.FIXTURES_DIR)
DEMO_SITES = FIXTURES / "sites/demo_candidate_sites.csv"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for _ in demo_layers_import():
            pass


def run_inline(run: ScoringRun) -> ScoringRun:
    """A run's steps in this process, in the order the Celery chord runs them."""
    for index in scoring_run_execute(run_id=run.pk):
        scoring_chunk_compute(run_id=run.pk, index=index)
    return scoring_run_finalize(run_id=run.pk)


def make_planner(username: str = "planner", password: str | None = None) -> User:
    user = User.objects.create_user(username=username, password=password)
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    return user


@pytest.fixture
def demo_sites(db) -> int:
    call_command("import_sites", str(DEMO_SITES))
    return Site.objects.count()


@pytest.fixture
def scored_run(demo_sites, django_capture_on_commit_callbacks) -> ScoringRun:
    run = run_inline(scoring_run_create(scenario=scenario_default(), draws=50))
    assert run.status == ScoringRun.Status.SUCCEEDED
    return run


@pytest.fixture
def planner(db) -> User:
    return make_planner()


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


@pytest.fixture
def viewer_client(client, db):
    viewer = User.objects.create_user(username="viewer")
    viewer.groups.add(Group.objects.get_or_create(name=VIEWER_GROUP)[0])
    client.force_login(viewer)
    return client
