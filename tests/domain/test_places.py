"""Nearest place and area names (sitesel.domain.places): distances against known great-circle figures."""

import math

import pytest

from sitesel.domain.places import NearestPlace, Place, PlaceIndex, area_name

ABILENE = Place("Abilene", "TX", 125182, -99.733, 32.449)
SWEETWATER = Place("Sweetwater", "TX", 10809, -100.406, 32.471)
TEXARKANA_AR = Place("Texarkana", "AR", 30353, -94.038, 33.442)


def _haversine_km(lon1, lat1, lon2, lat2):
    # The textbook formula in plain math, written apart from the module's vectorised one.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_the_nearest_place_and_its_great_circle_distance():
    index = PlaceIndex([ABILENE, SWEETWATER, TEXARKANA_AR])
    # A point 20 km west of Abilene is nearer Abilene (20 km) than Sweetwater (about 43 km further west).
    lon = ABILENE.lon - 20 / (111.32 * math.cos(math.radians(ABILENE.lat)))
    near = index.nearest(lon, ABILENE.lat)
    assert near.place == ABILENE
    assert near.distance_km == pytest.approx(_haversine_km(lon, ABILENE.lat, ABILENE.lon, ABILENE.lat), rel=1e-9)
    assert near.distance_km == pytest.approx(20, abs=0.1)
    assert index.nearest(SWEETWATER.lon, SWEETWATER.lat) == NearestPlace(SWEETWATER, 0.0)
    # One degree of latitude is 111.2 km on the mean-radius sphere.
    assert index.nearest(ABILENE.lon, ABILENE.lat + 1).distance_km == pytest.approx(111.195, abs=0.01)


def test_area_names_read_near_place_county_state():
    assert area_name(near=NearestPlace(ABILENE, 12.3), county="Taylor County", state="TX") == (
        "near Abilene, Taylor County, TX"
    )
    # Across a state line the place names its own state; no county: place and state only.
    assert area_name(near=NearestPlace(TEXARKANA_AR, 4.0), county="Bowie County", state="TX") == (
        "near Texarkana AR, Bowie County, TX"
    )
    assert area_name(near=NearestPlace(ABILENE, 1.0), county="", state="TX") == "near Abilene, TX"


def test_an_index_needs_places():
    with pytest.raises(ValueError, match="at least one place"):
        PlaceIndex([])
