"""Vectorized measures for any set of points (sites or national-screen cells), in EPSG:5070 metres.

One implementation serves site facts, scoring runs and the national screen. tests/sitesel/
test_site_facts.py checks it against an independent geopandas computation on the source files.
"""

from __future__ import annotations

import numpy as np
import shapely

from sitesel.domain.regions import ISO_BY_BALANCING_AUTHORITY
from sitesel.spatial.prices import PriceTable
from sitesel.spatial.provenance import SOURCE_PREFIX, oldest_vintages
from sitesel.spatial.snapshot import LayerSnapshot, PointLayer

# The OSM/GridKit grid layers stop at about 106.4°W (no western US, SOURCES.md). West of that GridKit
# does not answer: HIFLD does, for lines of at least 345 kV (docs/layers.md).
GRIDKIT_WEST_LIMIT_LON = -106.4
GENERATION_RADIUS_M = 50_000
DATACENTER_RADIUS_M = 50_000
# Surveyed substation layers in order of preference; the first that covers a point answers (docs/layers.md).
# "states": the states the layer has data for; "gridkit": east of GRIDKIT_WEST_LIMIT_LON.
SUBSTATION_PRIORITY: dict[str, str] = {
    "hifld_substations": "states",
    "osm_substations_west": "states",
    "hv_substations": "gridkit",
}
# The approximate ≥345 kV nodes derived from HIFLD's line ends answer where no surveyed layer covers a point,
# and where they are nearer than an OpenStreetMap answer: community mapping is incomplete there (43
# substations in all of Arizona; GridKit's nearest to Denver is more than 200 km away). HIFLD's inventory is not capped.
FALLBACK_SUBSTATIONS = "ehv_nodes_derived"
CAPPED_BY_FALLBACK = ("osm_substations_west", "hv_substations")
# Grid measures whose source varies from point to point, and which source answered is kept with scores.
GRID_MEASURES = ("distance_hv_230_km", "distance_hv_345_km", "distance_hv_500_km", "distance_substation_km")
# Kept with every scoring result beside the scored criteria (sitesel/scoring_runs/compute.py): the grid and
# fuel measures the economics may use, the price years, the grid measures' sources and the oldest vintage.
# (A price's source follows from its year; the gas distance has one source.)
STORED_WITH_SCORES: tuple[str, ...] = (
    "distance_hv_345_km", "distance_hv_500_km", "substation_voltage_kv", "distance_gas_pipeline_km",
    "gas_pipeline_diameter_in", "gas_pipeline_status", "state_price_year", "state_industrial_gas_price_usd_per_mcf",
    "state_gas_price_year", "oldest_vintage", *(SOURCE_PREFIX + m for m in GRID_MEASURES),
)  # fmt: skip


def _nearest_km(tree: shapely.STRtree, points: np.ndarray) -> np.ndarray:
    out = np.full(len(points), np.nan)
    if len(tree) == 0 or len(points) == 0:
        return out
    (point_idx, _), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
    out[point_idx] = distance / 1000.0
    return out


def _nearest(tree: shapely.STRtree, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of the nearest feature in the tree or -1, distance in km or NaN) per point."""
    index = np.full(len(points), -1, dtype=np.int64)
    km = np.full(len(points), np.nan)
    if len(tree) and len(points):
        (point_idx, tree_idx), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
        index[point_idx] = tree_idx
        km[point_idx] = distance / 1000.0
    return index, km


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


def _nearer(a: np.ndarray, a_source: str, b: np.ndarray, b_source: str) -> tuple[np.ndarray, np.ndarray]:
    """The smaller of two distance arrays (NaN = none) and, per point, which source gave it ("" if neither)."""
    value = np.fmin(a, b)
    source = np.full(len(a), "", dtype=object)
    source[~np.isnan(b)] = b_source
    source[~np.isnan(a) & ~(b < a)] = a_source
    return value, source


def _line_measures(snapshot: LayerSnapshot, points: np.ndarray, in_gridkit: np.ndarray) -> dict[str, np.ndarray]:
    """Nearest AC line of at least 230, 345 and 500 kV, and which layer answered (HVDC lines never do).

    ≥345 and ≥500 kV: the nearer of GridKit (where it covers the point) and HIFLD. ≥230 kV: GridKit where it
    covers the point, capped by the nearest ≥345 kV line, which is a ≥230 kV line too. West of GridKit that cap
    is all there is ("hifld_lines:345kv_only"): an upper bound, since HIFLD here has no 230 kV class.
    """
    out: dict[str, np.ndarray] = {}
    for kv, lines in snapshot.ehv_lines_by_class.items():
        index, km = _nearest(lines.tree, points)
        source = np.where(index < lines.gridkit_count, "hv_lines", "hifld_lines").astype(object)
        source[index < 0] = ""
        # A point GridKit does not cover whose nearest line is GridKit's (just east of its edge): HIFLD alone.
        redo = np.flatnonzero(~in_gridkit & (source == "hv_lines"))
        redo_index, km[redo] = _nearest(lines.hifld_only, points[redo])
        source[redo] = np.where(redo_index < 0, "", "hifld_lines")
        out[f"distance_hv_{kv}_km"], out[f"{SOURCE_PREFIX}distance_hv_{kv}_km"] = km, source
    gridkit_230 = np.full(len(points), np.nan)
    gridkit_230[in_gridkit] = _nearest_km(snapshot.lines_by_class[230], points[in_gridkit])
    value, source = _nearer(gridkit_230, "hv_lines", out["distance_hv_345_km"], "capped")
    capped = source == "capped"
    source[capped] = out[f"{SOURCE_PREFIX}distance_hv_345_km"][capped]
    source[capped & ~in_gridkit] = np.char.add(source[capped & ~in_gridkit].astype(str), ":345kv_only")
    out["distance_hv_230_km"], out[f"{SOURCE_PREFIX}distance_hv_230_km"] = value, source
    return out


def _substation_covers(coverage: str, states_covered: frozenset[str], state: np.ndarray, in_gridkit: np.ndarray):
    if coverage == "states":
        return np.isin(state.astype(str), list(states_covered)) if states_covered else np.zeros(len(state), bool)
    return in_gridkit


def _substation_measures(
    snapshot: LayerSnapshot, points: np.ndarray, state: np.ndarray, in_gridkit: np.ndarray
) -> dict[str, np.ndarray]:
    """Nearest HV substation and its voltage, from the first layer in SUBSTATION_PRIORITY covering the point,
    or from FALLBACK_SUBSTATIONS where none does or it is nearer than an OpenStreetMap answer.

    A layer that is not loaded covers nothing, so the next one answers.
    """
    n = len(points)
    distance, voltage = np.full(n, np.nan), np.full(n, np.nan)
    source = np.full(n, "", dtype=object)
    todo = np.ones(n, dtype=bool)
    for kind, coverage in SUBSTATION_PRIORITY.items():
        layer = snapshot.substation_sources.get(kind)
        if layer is None or len(layer.tree) == 0:
            continue
        covered = np.flatnonzero(todo & _substation_covers(coverage, layer.states, state, in_gridkit))
        index, km = _nearest(layer.tree, points[covered])
        found = covered[index >= 0]
        distance[found], voltage[found], source[found] = km[index >= 0], layer.voltage_kv[index[index >= 0]], kind
        todo[found] = False
    fallback = snapshot.substation_sources.get(FALLBACK_SUBSTATIONS)
    if fallback is not None and len(fallback.tree):
        candidates = np.flatnonzero(todo | np.isin(source.astype(str), CAPPED_BY_FALLBACK))
        index, km = _nearest(fallback.tree, points[candidates])
        better = (index >= 0) & ~(distance[candidates] <= km)  # a missing answer (NaN) is beaten too
        chosen = candidates[better]
        distance[chosen], voltage[chosen] = km[better], fallback.voltage_kv[index[better]]
        source[chosen] = FALLBACK_SUBSTATIONS
    return {"distance_substation_km": distance, "substation_voltage_kv": voltage,
            f"{SOURCE_PREFIX}distance_substation_km": source}  # fmt: skip


def _gas_measures(snapshot: LayerSnapshot, points: np.ndarray) -> dict[str, np.ndarray]:
    """Nearest gas pipeline route that counts (operating, construction or status unknown), its largest
    diameter (NaN unknown) and its status."""
    gas = snapshot.gas_pipelines
    index, km = _nearest(gas.tree, points)
    found = index >= 0
    feature = gas.feature[index[found]]
    diameter = np.full(len(points), np.nan)
    diameter[found] = gas.values["diameter_in"][feature]
    status = np.full(len(points), "", dtype=object)
    status[found] = gas.values["status"][feature]
    source = np.where(found, "gas_pipelines", "").astype(object)
    return {"distance_gas_pipeline_km": km, "gas_pipeline_diameter_in": diameter, "gas_pipeline_status": status,
            f"{SOURCE_PREFIX}distance_gas_pipeline_km": source}  # fmt: skip


def _state_price(table: PriceTable, state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(escalated price, source year, source layer) per point from its state's entry; NaN/"" if none."""
    unique, inverse = np.unique(state.astype(str), return_inverse=True)
    prices = [table.by_state.get(s) for s in unique.tolist()]
    value = np.array([p.value if p else np.nan for p in prices], dtype=float)[inverse]
    year = np.array([p.source_year if p else np.nan for p in prices], dtype=float)[inverse]
    source = np.array([p.kind if p else "" for p in prices], dtype=object)[inverse]
    return value, year, source


def _price_measures(snapshot: LayerSnapshot, state: np.ndarray) -> dict[str, np.ndarray]:
    """State industrial electricity and gas prices at the common year's level, with their source years."""
    out: dict[str, np.ndarray] = {}
    for table, measure, year in (
        (snapshot.state_prices, "state_industrial_price_cents_kwh", "state_price_year"),
        (snapshot.gas_prices, "state_industrial_gas_price_usd_per_mcf", "state_gas_price_year"),
    ):
        out[measure], out[year], out[SOURCE_PREFIX + measure] = _state_price(table, state)
    return out


def measure_points(snapshot: LayerSnapshot, lon: np.ndarray, lat: np.ndarray, x: np.ndarray, y: np.ndarray) -> dict:
    """Every measure for N points given in lon/lat (for coverage rules) and EPSG:5070 x/y.

    Returns numpy arrays keyed like SiteFacts fields (NaN where unknown), plus county_fips, state,
    county_name, balancing_authority and gas_pipeline_status as object arrays, the layer that answered
    each measure whose source varies (SOURCE_PREFIX + measure) and each point's oldest vintage.
    """
    points = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    in_gridkit = np.asarray(lon, dtype=float) >= GRIDKIT_WEST_LIMIT_LON
    out: dict[str, np.ndarray] = {}
    county = _county_of(snapshot, points)
    for field, name in (("county_fips", "fips"), ("state", "state"), ("county_name", "name")):
        out[field] = _county_attribute(snapshot, county, name)

    out |= _line_measures(snapshot, points, in_gridkit)
    out |= _substation_measures(snapshot, points, out["state"], in_gridkit)
    out["generation_capacity_50km_mw"] = _sum_within(snapshot.plants, points, GENERATION_RADIUS_M, "capacity_mw")
    out["plant_grid_voltage_kv_max_50km"] = _max_within(snapshot.plants, points, GENERATION_RADIUS_M, "voltage_kv")
    out["balancing_authority"] = _nearest_balancing_authority(snapshot, points)
    out["distance_datacenter_km"] = _nearest_km(snapshot.datacenters, points)
    point_idx, _ = _within(snapshot.datacenters, points, DATACENTER_RADIUS_M)
    out["datacenters_within_50km"] = np.bincount(point_idx, minlength=len(points)).astype(float)
    out["distance_network_pop_km"] = _nearest_km(snapshot.network_pops, points)

    fips = out["county_fips"]
    for measure, table in snapshot.county_values.items():
        out[measure] = np.array([table.get(f, np.nan) for f in fips], dtype=float)
    out["county_queue_active_mw"] = _queue_zero_inside_isos(out["county_queue_active_mw"], out["balancing_authority"])
    out |= _price_measures(snapshot, out["state"])
    out |= _gas_measures(snapshot, points)
    out["oldest_vintage"] = oldest_vintages(out, snapshot.vintages)
    return out
