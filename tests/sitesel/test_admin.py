"""Admin: every sitesel model renders, maps work offline, site saves and status moves go through services."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point

from sitesel.models import Feature, Layer, LayerVersion, Site, SiteFacts, SiteStatusEvent

pytestmark = pytest.mark.django_db

# <script src="http(s)://..."> or <link href="//..."> anywhere in the page.
EXTERNAL_ASSET = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.IGNORECASE)
SCRIPTS = re.compile(r"<script\b[^>]*\bsrc=[\"']([^\"']+)", re.IGNORECASE)
STYLESHEETS = re.compile(r"<link\b[^>]*\bhref=[\"']([^\"']+)", re.IGNORECASE)
TEST_COUNTY_FIPS = "99002"


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("root", "root@example.org", "correct-horse-battery-1")


@pytest.fixture
def client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def test_county(make_county) -> Feature:
    return make_county(fips=TEST_COUNTY_FIPS, name="Admincounty", state="ZY", bbox=(-151, 19, -149, 21))


@pytest.fixture
def site(db) -> Site:
    site = Site.objects.create(name="Admin yard", point=Point(-97.7, 30.3, srid=4326), tags=["powered-land"])
    SiteFacts.objects.create(site=site, distance_hv_230_km=3.5, layer_versions={"hv_lines": 1})
    return site


@pytest.fixture
def line_feature(db) -> Feature:
    layer = Layer.objects.create(kind="test_lines", family="power", title="Test lines")
    version = LayerVersion.objects.create(
        layer=layer, number=1, source_file="lines.geojson", publisher="Test", licence="CC0", checksum_sha256="0" * 64,
        row_count=1,
    )  # fmt: skip
    layer.current_version = version
    layer.save(update_fields=["current_version"])
    return Feature.objects.create(
        layer=layer, source_fid="l1", valid_from=1, content_hash="x", name="Line one", voltage_kv=345,
        geom="SRID=4326;LINESTRING(-100 35, -99 36)",
    )  # fmt: skip


def _assert_offline_map_page(html: str) -> None:
    assert not EXTERNAL_ASSET.search(html), EXTERNAL_ASSET.search(html).group(0)
    scripts = SCRIPTS.findall(html)
    assert "/static/sitesel/admin/boundaries.js" in scripts
    # The planner map's geography base (places by zoom, highways, rivers, lakes, urban areas) is drawn too.
    assert scripts.index("/static/sitesel/web/context.js") < scripts.index("/static/sitesel/admin/boundaries.js")
    assert '<meta name="sitesel-context-url" content="/map/context/KIND.json">' in html
    assert "/static/leaflet/leaflet.js" in scripts
    assert all(src.startswith("/") for src in scripts), scripts
    assert all(href.startswith("/") for href in STYLESHEETS.findall(html))
    assert '<meta name="sitesel-boundaries-url" content="/api/v1/layers/states/features/?page_size=100">' in html


# --- rendering ----------------------------------------------------------------------------------


def test_site_change_page_is_an_offline_map(client, site):
    response = client.get(f"/admin/sitesel/site/{site.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    _assert_offline_map_page(html)
    assert "L.Map.djangoMap" in html  # the leaflet widgets for point and parcel
    assert "id_point" in html and "id_parcel" in html


def test_site_add_page_is_an_offline_map(client):
    response = client.get("/admin/sitesel/site/add/")
    assert response.status_code == 200
    _assert_offline_map_page(response.content.decode())


def test_feature_page_shows_a_read_only_map(client, line_feature):
    response = client.get(f"/admin/sitesel/feature/{line_feature.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    _assert_offline_map_page(html)
    assert "modifiable = false" in html
    assert 'name="_save"' not in html  # view only


def test_boundaries_endpoint_answers_the_admin_session(client):
    response = client.get("/api/v1/layers/states/features/", {"page_size": 100})
    # The real layers may or may not be loaded; either way the session is accepted and no 5xx.
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.json()["type"] == "FeatureCollection"


@pytest.mark.parametrize("model", ["layer", "layerversion", "feature", "site", "sitestatusevent", "sitefacts"], ids=str)
def test_every_changelist_renders(client, site, line_feature, model):
    assert client.get(f"/admin/sitesel/{model}/").status_code == 200


def test_changelists_with_filters_render(client, site, line_feature):
    for url in (
        "/admin/sitesel/site/?tag=powered-land",
        "/admin/sitesel/site/?status__exact=candidate&q=yard",
        "/admin/sitesel/site/?o=6",
        f"/admin/sitesel/feature/?current=yes&layer__id__exact={line_feature.layer_id}&q=Line",
        "/admin/sitesel/feature/?current=no",
        f"/admin/sitesel/layerversion/?layer__id__exact={line_feature.layer_id}",
        f"/admin/sitesel/layer/{line_feature.layer_id}/change/",
        f"/admin/sitesel/layerversion/{line_feature.layer.current_version_id}/change/",
        f"/admin/sitesel/sitefacts/{site.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url


def test_tag_filter_keeps_tagged_sites(client, site):
    Site.objects.create(name="Untagged", point=Point(-90, 35, srid=4326))
    html = client.get("/admin/sitesel/site/?tag=powered-land").content.decode()
    assert "Admin yard" in html and "Untagged" not in html


def test_imported_rows_cannot_be_added_or_changed(client, line_feature):
    assert client.get("/admin/sitesel/feature/add/").status_code == 403
    assert client.get("/admin/sitesel/layerversion/add/").status_code == 403
    assert client.get("/admin/sitesel/layer/add/").status_code == 403
    assert client.get("/admin/sitesel/sitefacts/add/").status_code == 403
    assert client.get("/admin/sitesel/sitestatusevent/add/").status_code == 403


# --- saving through services ----------------------------------------------------------------


def _site_form(**values) -> dict:
    data = {
        "name": "", "point": "", "parcel": "", "land_price_usd_per_acre": "", "notes": "", "tags": "",
        "facts-TOTAL_FORMS": "0", "facts-INITIAL_FORMS": "0", "facts-MIN_NUM_FORMS": "0", "facts-MAX_NUM_FORMS": "1",
        "status_events-TOTAL_FORMS": "0", "status_events-INITIAL_FORMS": "0", "status_events-MIN_NUM_FORMS": "0",
        "status_events-MAX_NUM_FORMS": "1000", "_save": "Save",
    }  # fmt: skip
    data.update(values)
    return data


def test_adding_a_site_locates_it_and_computes_facts(client, test_county):
    data = _site_form(name="Island pad", point='{"type": "Point", "coordinates": [-150, 20]}', tags="a,b",
                      status="selected")  # fmt: skip
    response = client.post("/admin/sitesel/site/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    site = Site.objects.get(name="Island pad")
    assert (site.state, site.county_fips, site.county_name) == ("ZY", TEST_COUNTY_FIPS, "Admincounty")
    assert site.status == Site.Status.CANDIDATE  # status is read-only in the form
    assert site.tags == ["a", "b"]
    assert SiteFacts.objects.filter(site=site).exists()


def test_changing_a_site_relocates_it(client, site, test_county):
    data = _site_form(name="Admin yard", point='{"type": "Point", "coordinates": [-150.5, 20.5]}', notes="moved",
                      tags="powered-land", status="selected")  # fmt: skip
    response = client.post(f"/admin/sitesel/site/{site.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    site.refresh_from_db()
    assert (site.point.x, site.point.y, site.notes) == (-150.5, 20.5, "moved")
    assert site.county_fips == TEST_COUNTY_FIPS
    assert site.status == Site.Status.CANDIDATE


def test_negative_price_is_refused_in_the_form(client, site):
    data = _site_form(name="Admin yard", point='{"type": "Point", "coordinates": [-97.7, 30.3]}',
                      land_price_usd_per_acre="-5")  # fmt: skip
    response = client.post(f"/admin/sitesel/site/{site.pk}/change/", data)
    assert response.status_code == 200  # form redisplayed with the error
    site.refresh_from_db()
    assert site.land_price_usd_per_acre is None


def _action(client, action: str, *sites: Site):
    data = {"action": action, "_selected_action": [str(s.pk) for s in sites], "index": "0"}
    return client.post("/admin/sitesel/site/", data, follow=True)


def test_shortlist_action_records_the_move(client, admin_user, site):
    response = _action(client, "status_shortlisted", site)
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.status == Site.Status.SHORTLISTED
    event = SiteStatusEvent.objects.get(site=site)
    assert (event.from_status, event.to_status, event.actor) == ("candidate", "shortlisted", admin_user)
    assert event.reason == "via admin by root"


def test_illegal_move_by_action_is_refused_with_a_message(client, site):
    response = _action(client, "status_selected", site)
    assert "cannot become selected" in response.content.decode()
    site.refresh_from_db()
    assert site.status == Site.Status.CANDIDATE
    assert not SiteStatusEvent.objects.filter(site=site).exists()


def test_recompute_facts_action_refreshes_location_and_facts(client, test_county):
    site = Site.objects.create(name="Stale", point=Point(-150, 20, srid=4326))
    assert not SiteFacts.objects.filter(site=site).exists()
    response = _action(client, "recompute_facts", site)
    assert "Recomputed facts for 1 site(s)" in response.content.decode()
    site.refresh_from_db()
    assert site.county_fips == TEST_COUNTY_FIPS
    assert SiteFacts.objects.filter(site=site).exists()


def test_site_change_page_shows_history_and_facts_read_only(client, admin_user, site):
    SiteStatusEvent.objects.create(site=site, from_status="candidate", to_status="shortlisted", actor=admin_user,
                                   reason="checked the grid")  # fmt: skip
    html = client.get(f"/admin/sitesel/site/{site.pk}/change/").content.decode()
    assert "checked the grid" in html
    assert "3.5" in html  # distance_hv_230_km from the facts inline
    assert 'name="status"' not in html  # status is not a form field
