"""REST API end to end: auth, roles, site writes through services, status moves, GeoJSON, layers, schema.

Personas: alice is a planner (group "planner"), bob only reads (group "viewer"). The shared conftest may have
loaded the real layers; these tests make their own rows far from them (a test county in the Pacific,
a layer kind of their own) so they hold either way.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.views import SpectacularRedocView
from knox.models import AuthToken
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from config.api.roles import PLANNER_GROUP, VIEWER_GROUP
from sitesel.models import Feature, Layer, LayerVersion, Site, SiteFacts, SiteStatusEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-1"
ERROR_KEYS = {"code", "message", "field", "errors"}
# A test county in the Pacific, where no real county is: lon -141..-139, lat 29..31.
TEST_COUNTY_FIPS = "99001"
INSIDE_TEST_COUNTY = (-140.0, 30.0)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def alice(db) -> User:
    user = User.objects.create_user("alice", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    return user


@pytest.fixture
def bob(db) -> User:
    user = User.objects.create_user("bob", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=VIEWER_GROUP)[0])
    return user


def _client_for(user: User) -> APIClient:
    _, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def planner(alice) -> APIClient:
    return _client_for(alice)


@pytest.fixture
def viewer(bob) -> APIClient:
    return _client_for(bob)


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def test_county(make_county) -> Feature:
    return make_county(fips=TEST_COUNTY_FIPS, name="Testcounty", state="ZZ", bbox=(-141, 29, -139, 31))


def _site(name: str, lon: float, lat: float, **fields) -> Site:
    return Site.objects.create(name=name, point=Point(lon, lat, srid=4326), **fields)


@pytest.fixture
def sites(db) -> dict[str, Site]:
    made = {
        "austin": _site("Austin yard", -97.7, 30.3, state="TX", tags=["powered-land", "gas"]),
        "dallas": _site("Dallas north", -96.8, 32.8, state="TX", tags=["gas"]),
        "albany": _site("Albany hill", -73.8, 42.7, state="NY", status=Site.Status.SHORTLISTED),
    }
    SiteFacts.objects.create(site=made["austin"], distance_hv_230_km=3.5, layer_versions={"hv_lines": 1})
    SiteFacts.objects.create(site=made["dallas"], distance_hv_230_km=40.0, layer_versions={"hv_lines": 1})
    return made


@pytest.fixture
def test_layer(db) -> Layer:
    """Two versions: v2 moved feature "b", added "c"; "a" is unchanged since v1."""
    layer = Layer.objects.create(kind="test_points", family="power", title="Test points")
    provenance = {"source_file": "points.geojson", "publisher": "Test", "licence": "CC0", "checksum_sha256": "0" * 64}
    LayerVersion.objects.create(layer=layer, number=1, row_count=2, added_count=2, **provenance)
    v2 = LayerVersion.objects.create(layer=layer, number=2, row_count=3, added_count=1, changed_count=1, **provenance)
    layer.current_version = v2
    layer.save(update_fields=["current_version"])

    def feature(fid, lon, lat, valid_from, valid_to=None, **fields):
        return Feature.objects.create(
            layer=layer, source_fid=fid, valid_from=valid_from, valid_to=valid_to, content_hash=f"{fid}{valid_from}",
            name=fid, geom=Point(lon, lat, srid=4326), **fields,
        )  # fmt: skip

    feature("a", -100.5, 35.5, 1, voltage_kv=115)
    feature("b", -80.0, 40.0, 1, valid_to=2, voltage_kv=345)
    feature("b", -80.1, 40.1, 2, voltage_kv=345)
    feature("c", -100.2, 35.2, 2, voltage_kv=500, state="OK")
    return layer


def _assert_error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert isinstance(body["errors"], list)
    if field is not None:
        assert body["field"] == field
        assert any(error["field"] == field for error in body["errors"])
    return body


def _names(features: list[dict]) -> list[str]:
    return sorted(f["properties"]["name"] for f in features)


# --- auth and roles ---------------------------------------------------------------------------


def test_anonymous_is_401_in_the_error_shape(anonymous, sites, test_layer):
    for url in ("/api/v1/sites/", "/api/v1/sites/geojson/", "/api/v1/layers/", "/api/v1/layers/test_points/features/"):
        response = anonymous.get(url)
        body = _assert_error(response, 401)
        assert body["code"] == "not_authenticated"
        assert response.headers["WWW-Authenticate"] == "Token"
    _assert_error(anonymous.post("/api/v1/sites/", {"name": "x", "longitude": 1, "latitude": 1}, format="json"), 401)


def test_login_gives_a_token_that_authenticates_until_logout(anonymous, alice, sites):
    response = anonymous.post("/api/v1/auth/login/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expiry"} and body["token"] and body["expiry"]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/sites/").status_code == 200
    alice.refresh_from_db()
    assert alice.last_login is not None

    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert _assert_error(client.get("/api/v1/sites/"), 401)["code"] == "authentication_failed"


def test_wrong_password_is_400_in_the_error_shape(anonymous, alice):
    response = anonymous.post("/api/v1/auth/login/", {"username": "alice", "password": "nope"}, format="json")
    body = _assert_error(response, 400)
    assert body["code"] == "invalid"
    assert not AuthToken.objects.filter(user=alice).exists()
    _assert_error(anonymous.post("/api/v1/auth/login/", {"username": "alice"}, format="json"), 400, "password")


def test_a_bad_token_is_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    _assert_error(anonymous.get("/api/v1/sites/"), 401)


def test_viewer_reads_but_cannot_write(viewer, sites):
    assert viewer.get("/api/v1/sites/").status_code == 200
    assert viewer.get(f"/api/v1/sites/{sites['austin'].pk}/").status_code == 200
    body = _assert_error(
        viewer.post("/api/v1/sites/", {"name": "x", "longitude": 1, "latitude": 1}, format="json"), 403
    )
    assert body["code"] == "permission_denied"
    _assert_error(viewer.patch(f"/api/v1/sites/{sites['austin'].pk}/", {"name": "y"}, format="json"), 403)
    _assert_error(viewer.delete(f"/api/v1/sites/{sites['austin'].pk}/"), 403)
    move = {"status": "shortlisted", "reason": "looks good"}
    _assert_error(viewer.post(f"/api/v1/sites/{sites['austin'].pk}/status/", move, format="json"), 403)
    assert Site.objects.get(pk=sites["austin"].pk).status == Site.Status.CANDIDATE
    assert Site.objects.filter(name="x").count() == 0


# --- site writes ------------------------------------------------------------------------------


def test_planner_creates_a_site_that_is_located_and_gets_facts(planner, test_county):
    lon, lat = INSIDE_TEST_COUNTY
    payload = {"name": "Pacific pad", "longitude": lon, "latitude": lat, "land_price_usd_per_acre": "12500.50",
               "notes": "test", "tags": ["offshore", "test"]}  # fmt: skip
    response = planner.post("/api/v1/sites/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["longitude"], body["latitude"]) == (lon, lat)
    assert body["point"] == {"type": "Point", "coordinates": [lon, lat]}
    assert (body["state"], body["county_fips"], body["county_name"]) == ("ZZ", TEST_COUNTY_FIPS, "Testcounty")
    assert body["status"] == "candidate"
    assert body["land_price_usd_per_acre"] == "12500.50"
    assert body["tags"] == ["offshore", "test"]
    assert body["facts"] is not None and "layer_versions" in body["facts"]

    site = Site.objects.get(pk=body["id"])
    assert (site.state, site.county_fips) == ("ZZ", TEST_COUNTY_FIPS)
    assert SiteFacts.objects.filter(site=site).exists()


def test_create_accepts_a_geojson_point_and_a_polygon_parcel(planner, test_county):
    lon, lat = INSIDE_TEST_COUNTY
    parcel = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat]]]}
    payload = {"name": "Parcel pad", "point": {"type": "Point", "coordinates": [lon, lat]}, "parcel": parcel}
    response = planner.post("/api/v1/sites/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parcel"]["type"] == "MultiPolygon"
    assert body["parcel_acres"] > 100  # half of a 0.01° square at 30° N is about 130 acres
    assert body["state"] == "ZZ"


def test_latitude_out_of_range_is_400_naming_the_field(planner):
    response = planner.post("/api/v1/sites/", {"name": "Nowhere", "longitude": 10, "latitude": 95}, format="json")
    _assert_error(response, 400, "latitude")
    response = planner.post("/api/v1/sites/", {"name": "Nowhere", "longitude": 190, "latitude": 5}, format="json")
    _assert_error(response, 400, "longitude")
    assert not Site.objects.filter(name="Nowhere").exists()


def test_missing_location_is_400(planner):
    _assert_error(planner.post("/api/v1/sites/", {"name": "Nowhere"}, format="json"), 400, "longitude")
    _assert_error(planner.post("/api/v1/sites/", {"name": "Nowhere", "longitude": 1}, format="json"), 400, "latitude")
    bad_point = {"name": "Nowhere", "point": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}
    _assert_error(planner.post("/api/v1/sites/", bad_point, format="json"), 400, "point")
    bad_parcel = {"name": "Nowhere", "longitude": 1, "latitude": 1, "parcel": {"type": "Point", "coordinates": [1, 1]}}
    _assert_error(planner.post("/api/v1/sites/", bad_parcel, format="json"), 400, "parcel")


def test_negative_land_price_is_400_naming_the_field(planner):
    payload = {"name": "Cheap", "longitude": -97, "latitude": 31, "land_price_usd_per_acre": "-1"}
    _assert_error(planner.post("/api/v1/sites/", payload, format="json"), 400, "land_price_usd_per_acre")
    assert not Site.objects.filter(name="Cheap").exists()


def test_derived_fields_in_a_write_are_ignored(planner, sites):
    payload = {
        "name": "Sneaky", "longitude": -97, "latitude": 31, "status": "selected", "state": "NY", "county_fips": "36001",
        "parcel_acres": 1e6, "facts": {"distance_hv_230_km": 0.0}, "source_ref": "hijack",
    }  # fmt: skip
    response = planner.post("/api/v1/sites/", payload, format="json")
    assert response.status_code == 201, response.content
    site = Site.objects.select_related("facts").get(pk=response.json()["id"])
    assert site.status == Site.Status.CANDIDATE
    assert site.state != "NY" and site.county_fips != "36001"
    assert site.parcel_acres is None and site.source_ref is None
    assert site.facts.distance_hv_230_km != 0.0

    austin = sites["austin"]
    response = planner.patch(f"/api/v1/sites/{austin.pk}/", {"status": "selected", "notes": "edited"}, format="json")
    assert response.status_code == 200, response.content
    austin.refresh_from_db()
    assert (austin.status, austin.notes) == (Site.Status.CANDIDATE, "edited")
    assert not SiteStatusEvent.objects.filter(site=austin).exists()


def test_patch_moves_a_site_and_relocates_it(planner, sites, test_county):
    austin = sites["austin"]
    response = planner.patch(f"/api/v1/sites/{austin.pk}/", {"point": {"type": "Point", "coordinates": [-140.5, 30.5]}},
                             format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["county_fips"] == TEST_COUNTY_FIPS
    austin.refresh_from_db()
    assert (austin.point.x, austin.point.y) == (-140.5, 30.5)
    assert austin.state == "ZZ"
    # One coordinate alone keeps the other.
    response = planner.patch(f"/api/v1/sites/{austin.pk}/", {"latitude": 30.25}, format="json")
    assert (response.json()["longitude"], response.json()["latitude"]) == (-140.5, 30.25)


def test_planner_deletes_a_site(planner, sites):
    assert planner.delete(f"/api/v1/sites/{sites['dallas'].pk}/").status_code == 204
    assert not Site.objects.filter(pk=sites["dallas"].pk).exists()


# --- status moves -----------------------------------------------------------------------------


def test_illegal_status_move_is_409_with_the_reason(planner, sites):
    austin = sites["austin"]
    response = planner.post(f"/api/v1/sites/{austin.pk}/status/", {"status": "selected", "reason": "go"}, format="json")
    body = _assert_error(response, 409, "status")
    assert body["code"] == "status_move_not_allowed"
    assert "cannot become selected" in body["message"] and "shortlisted" in body["message"]
    austin.refresh_from_db()
    assert austin.status == Site.Status.CANDIDATE
    assert not SiteStatusEvent.objects.filter(site=austin).exists()


def test_status_move_is_recorded(planner, alice, sites):
    austin = sites["austin"]
    payload = {"status": "shortlisted", "reason": "close to 345 kV"}
    response = planner.post(f"/api/v1/sites/{austin.pk}/status/", payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "shortlisted"
    event = SiteStatusEvent.objects.get(site=austin)
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        "candidate", "shortlisted", alice, "close to 345 kV"
    )  # fmt: skip
    history = planner.get(f"/api/v1/sites/{austin.pk}/status-events/").json()
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in history] == [("candidate", "shortlisted", "alice")]


def test_status_move_needs_a_known_status_and_a_reason(planner, sites):
    url = f"/api/v1/sites/{sites['austin'].pk}/status/"
    _assert_error(planner.post(url, {"status": "bogus", "reason": "x"}, format="json"), 400, "status")
    _assert_error(planner.post(url, {"status": "shortlisted"}, format="json"), 400, "reason")
    _assert_error(
        planner.post("/api/v1/sites/999999/status/", {"status": "rejected", "reason": "x"}, format="json"), 404
    )


# --- reads, filters, GeoJSON ------------------------------------------------------------------


def test_site_list_has_coordinates_and_nested_facts(viewer, sites):
    body = viewer.get("/api/v1/sites/", {"name": "austin"}).json()
    assert body["count"] == 1
    site = body["results"][0]
    assert (site["longitude"], site["latitude"]) == (-97.7, 30.3)
    assert site["facts"]["distance_hv_230_km"] == 3.5
    assert site["facts"]["layer_versions"] == {"hv_lines": 1}
    albany = viewer.get(f"/api/v1/sites/{sites['albany'].pk}/").json()
    assert albany["facts"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "shortlisted"}, ["Albany hill"]),
        ({"state": "tx"}, ["Austin yard", "Dallas north"]),
        ({"tags": "gas"}, ["Austin yard", "Dallas north"]),
        ({"tags": "gas,powered-land"}, ["Austin yard"]),
        ({"name": "NORTH"}, ["Dallas north"]),
        ({"in_bbox": "-98,30,-97,31"}, ["Austin yard"]),
        ({"max_distance_hv_230_km": "10"}, ["Austin yard"]),
    ],
)
def test_site_filters(viewer, sites, params, expected):
    body = viewer.get("/api/v1/sites/", params).json()
    assert sorted(s["name"] for s in body["results"] if s["name"] in {x.name for x in sites.values()}) == expected


def test_bad_site_filters_are_400_naming_the_parameter(viewer, sites):
    _assert_error(viewer.get("/api/v1/sites/", {"in_bbox": "1,2,3"}), 400, "in_bbox")
    _assert_error(viewer.get("/api/v1/sites/geojson/", {"in_bbox": "a,b,c,d"}), 400, "in_bbox")
    _assert_error(viewer.get("/api/v1/sites/", {"status": "bogus"}), 400, "status")
    _assert_error(viewer.get("/api/v1/sites/", {"max_distance_hv_230_km": "far"}), 400, "max_distance_hv_230_km")


def test_sites_geojson_is_a_feature_collection(viewer, sites):
    response = viewer.get("/api/v1/sites/geojson/", {"state": "TX", "page_size": 10})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == 2 and {"next", "previous"} <= set(body)
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    austin = by_name["Austin yard"]
    assert austin["type"] == "Feature"
    assert austin["id"] == sites["austin"].pk
    assert austin["geometry"] == {"type": "Point", "coordinates": [-97.7, 30.3]}
    assert austin["properties"]["distance_hv_230_km"] == 3.5
    assert austin["properties"]["status"] == "candidate"


# --- layers -----------------------------------------------------------------------------------


def test_layer_list_and_detail_show_current_provenance(viewer, test_layer):
    body = viewer.get("/api/v1/layers/", {"page_size": 500}).json()
    mine = next(layer for layer in body["results"] if layer["kind"] == "test_points")
    assert mine["family"] == "power" and mine["title"] == "Test points"
    version = mine["current_version"]
    assert version["number"] == 2
    provenance = {"source_file", "source", "publisher", "licence", "checksum_sha256", "row_count", "added_count",
                  "changed_count", "removed_count", "repaired_count", "skipped_count", "imported_at"}  # fmt: skip
    assert provenance <= set(version)
    assert viewer.get("/api/v1/layers/test_points/").json()["current_version"]["changed_count"] == 1
    versions = viewer.get("/api/v1/layers/test_points/versions/").json()
    assert [v["number"] for v in versions["results"]] == [2, 1]
    _assert_error(viewer.get("/api/v1/layers/no_such_layer/"), 404)
    _assert_error(viewer.get("/api/v1/layers/no_such_layer/features/"), 404)


def test_layers_are_read_only(planner, test_layer):
    assert planner.post("/api/v1/layers/", {"kind": "x"}, format="json").status_code == 405
    assert planner.delete("/api/v1/layers/test_points/").status_code == 405
    assert Layer.objects.filter(kind="test_points").exists()


def test_layer_features_current_and_as_of_a_version(viewer, test_layer):
    current = viewer.get("/api/v1/layers/test_points/features/").json()
    assert current["type"] == "FeatureCollection" and current["count"] == 3
    by_name = {f["properties"]["name"]: f for f in current["features"]}
    assert by_name["b"]["geometry"]["coordinates"] == [-80.1, 40.1]

    as_of_1 = viewer.get("/api/v1/layers/test_points/features/", {"version": 1}).json()
    assert _names(as_of_1["features"]) == ["a", "b"]
    b_at_1 = next(f for f in as_of_1["features"] if f["properties"]["name"] == "b")
    assert b_at_1["geometry"]["coordinates"] == [-80.0, 40.0]
    assert b_at_1["properties"]["valid_to"] == 2

    as_of_2 = viewer.get("/api/v1/layers/test_points/features/", {"version": 2}).json()
    assert _names(as_of_2["features"]) == ["a", "b", "c"]


def test_layer_features_bbox_and_filters(viewer, test_layer):
    url = "/api/v1/layers/test_points/features/"
    inside = viewer.get(url, {"bbox": "-101,35,-100,36"}).json()
    assert _names(inside["features"]) == ["a", "c"]
    for feature in inside["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -101 <= lon <= -100 and 35 <= lat <= 36
    assert _names(viewer.get(url, {"bbox": "-101,35,-100,36", "version": 1}).json()["features"]) == ["a"]
    assert _names(viewer.get(url, {"min_voltage_kv": 300}).json()["features"]) == ["b", "c"]
    assert _names(viewer.get(url, {"state": "ok"}).json()["features"]) == ["c"]
    page = viewer.get(url, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["features"]) == 2 and page["next"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "10,0,5,5"}, "bbox"),
        ({"bbox": "-200,0,5,5"}, "bbox"),
        ({"bbox": "nan,0,5,5"}, "bbox"),
        ({"version": "abc"}, "version"),
        ({"version": "0"}, "version"),
        ({"version": "3"}, "version"),
        ({"version": "99999999999999999999"}, "version"),
        ({"min_voltage_kv": "high"}, "min_voltage_kv"),
    ],
)
def test_bad_layer_feature_parameters_are_400(viewer, test_layer, params, field):
    _assert_error(viewer.get("/api/v1/layers/test_points/features/", params), 400, field)


# --- query counts -----------------------------------------------------------------------------


@pytest.fixture
def many_sites(db) -> None:
    made = Site.objects.bulk_create(
        [Site(name=f"Bulk {i:03d}", point=Point(-100 + i / 10, 35, srid=4326), tags=["bulk"]) for i in range(60)]
    )
    SiteFacts.objects.bulk_create([SiteFacts(site=site, distance_hv_230_km=1.0, layer_versions={}) for site in made])


def _queries(client: APIClient, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/sites/", {"tags": "bulk"}),
        ("/api/v1/sites/geojson/", {"tags": "bulk"}),
        ("/api/v1/layers/", {}),
        ("/api/v1/layers/test_points/features/", {}),
        ("/api/v1/layers/test_points/versions/", {}),
    ],
)
def test_list_endpoints_run_a_constant_number_of_queries(viewer, many_sites, test_layer, url, params):
    small = _queries(viewer, url, {**params, "page_size": 1 if "layers" in url else 5})
    large = _queries(viewer, url, {**params, "page_size": 50})
    assert small == large
    assert large <= 6


# --- schema and docs --------------------------------------------------------------------------

EXTERNAL_ASSET = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.IGNORECASE)


def test_schema_is_served_to_a_signed_in_user(viewer):
    response = viewer.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/sites/{id}/status/" in paths and "/api/v1/layers/{kind}/features/" in paths


def test_swagger_ui_loads_its_assets_locally(viewer):
    html = viewer.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in html
    assert not EXTERNAL_ASSET.search(html)


def test_redoc_loads_its_script_locally(viewer):
    html = viewer.get("/api/redoc/").content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html


def test_offline_redoc_template_has_no_external_assets():
    # drf-spectacular's own redoc.html links Google Fonts; sitesel/redoc.html drops them.
    request = APIRequestFactory().get("/api/redoc/")
    force_authenticate(request, user=User(username="reader"))
    view = SpectacularRedocView.as_view(url_name="schema", template_name="sitesel/redoc.html")
    response = view(request)
    response.render()
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    assert not EXTERNAL_ASSET.search(html)
