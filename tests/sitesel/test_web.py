import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point

from sitesel.models import Site

pytestmark = pytest.mark.django_db


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_home_lists_sites_and_layers(client):
    Site.objects.create(name="Homer City powered land", point=Point(-79.2, 40.5, srid=4326))
    client.force_login(User.objects.create(username="viewer"))
    page = client.get("/").content.decode()
    assert "Homer City powered land" in page
    assert "High-voltage transmission lines (OSM/GridKit)" in page
    assert "ODbL" in page
