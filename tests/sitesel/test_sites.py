import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from core.errors import Conflict
from sitesel.models import Site, SiteStatusEvent
from sitesel.services.sites import site_status_change

pytestmark = pytest.mark.django_db


def test_sites_import_derives_state_county_and_parcel_acres(tmp_path):
    # A 0.01° x 0.01° parcel near Rockport, Indiana (Spencer County, 18147).
    lon, lat = -87.03, 37.93
    ring = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]
    path = tmp_path / "parcels.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "id": "p1",
                            "name": "Rockport parcel",
                            "land_price_usd_per_acre": "12000",
                            "tags": "river;rail",
                        },
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        )
    )
    call_command("import_sites", str(path))
    site = Site.objects.get(source_ref="p1")
    assert (site.state, site.county_fips) == ("IN", "18147")
    assert site.county_name == "Spencer"
    # 0.01° of latitude is 1,111 m; of longitude at 37.93° N, 877 m: about 241 acres.
    assert site.parcel_acres == pytest.approx(1111.2 * 877.1 / 4046.86, rel=0.01)
    assert site.point.within(site.parcel)
    assert site.tags == ["river", "rail"]
    assert str(site.land_price_usd_per_acre) == "12000.00"
    assert site.facts.distance_datacenter_km is not None


def test_reimporting_sites_updates_in_place(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("id,name,longitude,latitude\ns1,First,-90,35\n")
    call_command("import_sites", str(path))
    path.write_text("id,name,longitude,latitude\ns1,Renamed,-90.5,35\n")
    call_command("import_sites", str(path))
    site = Site.objects.get()
    assert site.name == "Renamed"
    assert site.point.x == -90.5


@pytest.fixture
def site():
    from django.contrib.gis.geos import Point

    return Site.objects.create(name="Test", point=Point(-90, 35, srid=4326))


def test_status_change_records_who_when_and_why(site):
    alice = User.objects.create(username="alice")
    site_status_change(site=site, to_status="shortlisted", actor=alice, reason="good grid")
    event = SiteStatusEvent.objects.get(site=site)
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        "candidate",
        "shortlisted",
        alice,
        "good grid",
    )
    assert Site.objects.get(pk=site.pk).status == "shortlisted"


def test_illegal_status_change_is_a_conflict_and_changes_nothing(site):
    with pytest.raises(Conflict) as refused:
        site_status_change(site=site, to_status="selected", actor=None, reason="skip ahead")
    assert refused.value.http_status == 409
    assert "cannot become selected" in refused.value.message
    assert Site.objects.get(pk=site.pk).status == "candidate"
    assert not SiteStatusEvent.objects.exists()


def test_status_change_needs_a_reason(site):
    with pytest.raises(Conflict, match="reason"):
        site_status_change(site=site, to_status="rejected", actor=None, reason="  ")
