"""A real Celery worker, consuming from the real Redis broker, runs the site facts task."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.gis.geos import Point

from config.celery_app import app
from sitesel.models import Site, SiteFacts
from sitesel.tasks import site_facts_refresh_task


@pytest.fixture
def celery_worker_on_redis():
    # The worker runs in a thread of this process, connected to Redis over TCP (not eager mode).
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def test_worker_computes_facts_and_a_redelivery_writes_no_duplicates(real_layers_committed, celery_worker_on_redis):
    site = Site.objects.create(name="Worker test", point=Point(-87.03, 37.93, srid=4326))
    assert app.conf.broker_url.startswith("redis://")

    first = site_facts_refresh_task.delay([site.pk]).get(timeout=60)
    again = site_facts_refresh_task.delay([site.pk]).get(timeout=60)

    assert first == again == 1
    assert SiteFacts.objects.filter(site=site).count() == 1
    assert SiteFacts.objects.get(site=site).generation_capacity_50km_mw > 0
