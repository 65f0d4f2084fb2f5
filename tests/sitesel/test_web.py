import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point

from config.api.roles import VIEWER_GROUP
from sitesel.models import Site

pytestmark = pytest.mark.django_db


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_signed_in_user_with_no_role_gets_a_403(client):
    client.force_login(User.objects.create(username="nobody"))
    assert client.get("/").status_code == 403


def test_site_and_layer_lists(client):
    Site.objects.create(name="Homer City powered land", point=Point(-79.2, 40.5, srid=4326))
    viewer = User.objects.create(username="viewer")
    viewer.groups.add(Group.objects.get_or_create(name=VIEWER_GROUP)[0])
    client.force_login(viewer)
    assert "Homer City powered land" in client.get("/sites/").content.decode()
    page = client.get("/layers/").content.decode()
    assert "High-voltage transmission lines (OSM/GridKit)" in page
    assert "ODbL" in page
