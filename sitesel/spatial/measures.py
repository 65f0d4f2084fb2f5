"""Vectorized measures for any set of points (sites or national-screen cells), in EPSG:5070 metres.

One implementation serves site facts, scoring runs and the national screen. tests/sitesel/
test_site_facts.py checks it against an independent geopandas computation on the source files.
"""

from __future__ import annotations

import numpy as np
import shapely

from sitesel.domain.regions import ISO_BY_BALANCING_AUTHORITY
from sitesel.spatial.snapshot import LayerSnapshot, PointLayer

# The OSM/GridKit grid layers stop at about 106.4°W (no western US, SOURCES.md). West of that the
# nearest line would be hundreds of km away in another region, so the distance is unknown (NaN).
GRIDKIT_WEST_LIMIT_LON = -106.4
GENERATION_RADIUS_M = 50_000
DATACENTER_RADIUS_M = 50_000


def _nearest_km(tree: shapely.STRtree, points: np.ndarray) -> np.ndarray:
    out = np.full(len(points), np.nan)
    if len(tree) == 0 or len(points) == 0:
        return out
    (point_idx, _), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
    out[point_idx] = distance / 1000.0
    return out


def _nearest_index(tree: shapely.STRtree, points: np.ndarray) -> np.ndarray:
    out = np.full(len(points), -1, dtype=np.int64)
    if len(tree) and len(points):
        point_idx, tree_idx = tree.query_nearest(points, all_matches=False)
        out[point_idx] = tree_idx
    return out


def _within(layer_tree: shapely.STRtree, points: np.ndarray, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    if len(layer_tree) == 0 or len(points) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    pairs = layer_tree.query(points, predicate="dwithin", distance=radius_m)
    return pairs[0], pairs[1]


def _sum_within(layer: PointLayer, points: np.ndarray, radius_m: float, column: str) -> np.ndarray:
    point_idx, feature_idx = _within(layer.tree, points, radius_m)
    return np.bincount(point_idx, weights=layer.values[column][feature_idx], minlength=len(points))


def _max_within(layer: PointLayer, points: np.ndarray, radius_m: float, column: str) -> np.ndarray:
    point_idx, feature_idx = _within(layer.tree, points, radius_m)
    out = np.full(len(points), -np.inf)
    values = layer.values[column][feature_idx]
    keep = ~np.isnan(values)
    np.maximum.at(out, point_idx[keep], values[keep])
    out[np.isneginf(out)] = np.nan
    return out


def _nearest_balancing_authority(snapshot: LayerSnapshot, points: np.ndarray) -> np.ndarray:
    codes = snapshot.plants.values["balancing_authority"]
    known = codes != ""
    out = np.full(len(points), "", dtype=object)
    nearest = _nearest_index(shapely.STRtree(snapshot.plants.tree.geometries[known]), points)
    found = nearest >= 0
    out[found] = codes[known][nearest[found]]
    return out


def _county_attribute(snapshot: LayerSnapshot, county: np.ndarray, name: str) -> np.ndarray:
    """The county's `name` attribute per point, "" where the point is in no county (or there are none)."""
    out = np.full(len(county), "", dtype=object)
    found = county >= 0
    out[found] = snapshot.counties.values[name][county[found]]
    return out


def _county_of(snapshot: LayerSnapshot, points: np.ndarray) -> np.ndarray:
    index = np.full(len(points), -1, dtype=np.int64)
    if len(snapshot.counties.tree) and len(points):
        point_idx, county_idx = snapshot.counties.tree.query(points, predicate="within")
        # A point on a shared border falls in two counties; keep the first (lowest feature id).
        first = np.unique(point_idx, return_index=True)[1]
        index[point_idx[first]] = county_idx[first]
    return index


def _queue_zero_inside_isos(queue_mw: np.ndarray, balancing_authority: np.ndarray) -> np.ndarray:
    """The queue layer covers the seven ISOs: inside one, a county with no active entry has 0 MW queued;
    outside them (utilities that publish no queue here) the county's queue is unknown."""
    in_iso = np.isin(balancing_authority.astype(str), list(ISO_BY_BALANCING_AUTHORITY))
    return np.where(np.isnan(queue_mw) & in_iso, 0.0, queue_mw)


def measure_points(snapshot: LayerSnapshot, lon: np.ndarray, lat: np.ndarray, x: np.ndarray, y: np.ndarray) -> dict:
    """Every measure for N points given in lon/lat (for coverage rules) and EPSG:5070 x/y.

    Returns numpy arrays keyed like SiteFacts fields (NaN where unknown), plus county_fips, state,
    county_name and balancing_authority as object arrays.
    """
    points = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    in_gridkit = np.asarray(lon, dtype=float) >= GRIDKIT_WEST_LIMIT_LON
    out: dict[str, np.ndarray] = {}
    for kv, tree in snapshot.lines_by_class.items():
        out[f"distance_hv_{kv}_km"] = np.where(in_gridkit, _nearest_km(tree, points), np.nan)
    out["distance_substation_km"] = np.where(in_gridkit, _nearest_km(snapshot.substations, points), np.nan)
    out["generation_capacity_50km_mw"] = _sum_within(snapshot.plants, points, GENERATION_RADIUS_M, "capacity_mw")
    out["plant_grid_voltage_kv_max_50km"] = _max_within(snapshot.plants, points, GENERATION_RADIUS_M, "voltage_kv")
    out["balancing_authority"] = _nearest_balancing_authority(snapshot, points)
    out["distance_datacenter_km"] = _nearest_km(snapshot.datacenters, points)
    point_idx, _ = _within(snapshot.datacenters, points, DATACENTER_RADIUS_M)
    out["datacenters_within_50km"] = np.bincount(point_idx, minlength=len(points)).astype(float)
    out["distance_network_pop_km"] = _nearest_km(snapshot.network_pops, points)

    county = _county_of(snapshot, points)
    for field, name in (("county_fips", "fips"), ("state", "state"), ("county_name", "name")):
        out[field] = _county_attribute(snapshot, county, name)
    fips = out["county_fips"]
    for measure, table in snapshot.county_values.items():
        out[measure] = np.array([table.get(f, np.nan) for f in fips], dtype=float)
    out["county_queue_active_mw"] = _queue_zero_inside_isos(out["county_queue_active_mw"], out["balancing_authority"])
    prices = [snapshot.state_prices.get(s) for s in out["state"]]
    out["state_industrial_price_cents_kwh"] = np.array([p[0] if p else np.nan for p in prices], dtype=float)
    out["state_price_year"] = np.array([p[1] if p else np.nan for p in prices], dtype=float)
    return out
