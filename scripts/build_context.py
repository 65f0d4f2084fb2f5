"""Build the offline map base (fixtures/context/) from the context GeoJSON files described in its SOURCES.md.

    .venv/bin/python scripts/build_context.py <folder with the source *.geojson>

Trims each source to what the map draws (the zooms it is drawn at decide the simplification) and writes compact
GeoJSON with 3 decimals (about 100 m), so the base stays a few hundred kilobytes on the wire.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "context"
DECIMALS = 3

# A place's label appears from this zoom on: big cities at national zoom, towns as one zooms in.
PLACE_ZOOMS = ((1_000_000, 4), (250_000, 5), (100_000, 6), (50_000, 7), (25_000, 8), (0, 9))


def _round(coords, ndigits: int = DECIMALS):
    if isinstance(coords[0], (int, float)):
        return [round(c, ndigits) for c in coords]
    return [_round(c, ndigits) for c in coords]


def _write(name: str, frame: gpd.GeoDataFrame, properties: list[str], credit: str) -> None:
    features = []
    for row in frame.itertuples(index=False):
        geometry = row.geometry.__geo_interface__
        if geometry["type"] == "GeometryCollection" or row.geometry.is_empty:
            continue
        props = {p: getattr(row, p) for p in properties}
        shape = {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    body = {"type": "FeatureCollection", "credit": credit, "features": features}
    path = OUT / f"{name}.geojson"
    path.write_text(json.dumps(body, separators=(",", ":"), default=_plain) + "\n")
    print(f"{path.name}: {len(features)} features, {path.stat().st_size:,} bytes")


def _plain(value):
    return value.item()  # numpy scalars


def _place_zoom(population: int) -> int:
    return next(zoom for floor, zoom in PLACE_ZOOMS if population >= floor)


def build(source: Path) -> None:
    places = gpd.read_file(source / "places_geonames_10k.geojson")
    places["min_zoom"] = places["population"].map(_place_zoom)
    places = places.sort_values("population", ascending=False)
    _write("places", places, ["name", "state", "population", "min_zoom"],
           "Contains data from GeoNames (geonames.org), CC BY 4.0")  # fmt: skip

    roads = gpd.read_file(source / "roads_major_highways.geojson")
    roads["geometry"] = roads.geometry.simplify(0.01)
    _write("highways", roads, [], "Natural Earth (public domain)")

    rivers = gpd.read_file(source / "rivers.geojson")
    rivers = rivers[rivers["scalerank"] <= 9].copy()  # the named main stems; the rest is dense at national zoom
    rivers["geometry"] = rivers.geometry.simplify(0.01)
    _write("rivers", rivers, ["name"], "Natural Earth (public domain)")

    lakes = gpd.read_file(source / "lakes.geojson")
    lakes = lakes[lakes["scalerank"] <= 10].copy()
    lakes["geometry"] = lakes.geometry.simplify(0.01, preserve_topology=True)
    _write("lakes", lakes, ["name"], "Natural Earth (public domain)")

    urban = gpd.read_file(source / "urban_areas.geojson")
    urban = urban[urban["area_km2"] >= 20].copy()  # smaller footprints are specks below zoom 9
    urban["geometry"] = urban.geometry.simplify(0.005, preserve_topology=True)
    _write("urban_areas", urban, [], "Natural Earth (public domain)")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: build_context.py <folder with places_geonames_10k.geojson, rivers.geojson, …>")
    build(Path(sys.argv[1]))
