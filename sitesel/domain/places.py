"""The nearest populated place to a point: names a national screen's areas ("near Abilene, Taylor County, TX").

Plain Python and numpy: great-circle distance (haversine, mean Earth radius) from each query point to every place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Place:
    name: str
    state: str
    population: int
    lon: float
    lat: float


@dataclass(frozen=True)
class NearestPlace:
    place: Place
    distance_km: float


class PlaceIndex:
    """Places held as coordinate arrays, so each lookup is one vectorised pass (4,600 places: microseconds)."""

    def __init__(self, places: list[Place]) -> None:
        if not places:
            raise ValueError("a place index needs at least one place")
        self.places = places
        self._lon = np.radians([p.lon for p in places])
        self._lat = np.radians([p.lat for p in places])

    def nearest(self, lon: float, lat: float) -> NearestPlace:
        lon_r, lat_r = np.radians(lon), np.radians(lat)
        a = (
            np.sin((self._lat - lat_r) / 2) ** 2
            + np.cos(lat_r) * np.cos(self._lat) * np.sin((self._lon - lon_r) / 2) ** 2
        )
        distances = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        best = int(np.argmin(distances))
        return NearestPlace(place=self.places[best], distance_km=float(distances[best]))


def area_name(*, near: NearestPlace, county: str, state: str) -> str:
    """How a planner names an area: "near Abilene, Taylor County, TX". A place across a state line carries its
    own state ("near Texarkana AR, Bowie County, TX"); an area with no county is named by place and state."""
    place = near.place.name if near.place.state == state else f"{near.place.name} {near.place.state}"
    return ", ".join(part for part in (f"near {place}", county, state) if part)
