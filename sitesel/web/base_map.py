"""The offline geography base of the maps: places, highways, rivers, lakes and urban areas shipped in
fixtures/context/ (built by scripts/build_context.py; sources and credit in fixtures/context/SOURCES.md).

The files are read once per process and kept with their gzip form, so the endpoint serving them does no work per
request beyond picking one; the places also name a national screen's areas (`nearest_place`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from sitesel.domain.places import NearestPlace, Place, PlaceIndex

# kind -> what the legend calls it
CONTEXT_KINDS: dict[str, str] = {
    "urban_areas": "Urban areas",
    "lakes": "Lakes",
    "rivers": "Rivers",
    "highways": "Major highways",
    "places": "Places (population ≥ 10,000)",
}
GEONAMES_CREDIT = "Places: contains data from GeoNames (geonames.org), CC BY 4.0"
NATURAL_EARTH_CREDIT = "Highways, rivers, lakes, urban areas: Natural Earth (public domain)"


def _path(kind: str) -> Path:
    return Path(settings.FIXTURES_DIR) / "context" / f"{kind}.geojson"


@dataclass(frozen=True)
class ContextFile:
    body: bytes
    gzipped: bytes
    etag: str


@cache
def context_file(kind: str) -> ContextFile:
    """One base layer's GeoJSON, plain and gzipped (level 9, once), with an ETag of its content."""
    if kind not in CONTEXT_KINDS:
        raise KeyError(kind)
    body = _path(kind).read_bytes()
    return ContextFile(body=body, gzipped=gzip.compress(body, 9, mtime=0),
                       etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"')  # fmt: skip


@cache
def _place_index() -> PlaceIndex:
    features = json.loads(context_file("places").body)["features"]
    return PlaceIndex([
        Place(name=f["properties"]["name"], state=f["properties"]["state"], population=f["properties"]["population"],
              lon=f["geometry"]["coordinates"][0], lat=f["geometry"]["coordinates"][1])
        for f in features
    ])  # fmt: skip


def nearest_place(*, lon: float, lat: float) -> NearestPlace:
    """The nearest shipped place (population ≥ 10,000) and its great-circle distance in km."""
    return _place_index().nearest(lon, lat)
