"""The layers scoring measures against, read from PostGIS once per process and kept in memory.

A snapshot holds the current features of the layers the measures need, in EPSG:5070 (metres), as
shapely STRtrees and numpy arrays, plus county and state lookups. It is keyed by the layers'
current version numbers and the highest feature id: when anything changes the next call
loads a fresh snapshot, so a worker never measures against stale data and never re-reads unchanged
layers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import connection

from sitesel.domain.geo_codes import STATE_FIPS_TO_POSTAL
from sitesel.layer_kinds import GAS_STATUSES_COUNTED
from sitesel.models import Layer
from sitesel.spatial.prices import PriceTable, price_table
from sitesel.vintage import oldest

SNAPSHOT_LAYERS = (
    "hv_lines", "hv_substations", "power_plants", "datacenters", "network_nodes", "counties",
    "labor_force", "population", "household_income", "fema_risk", "water_use", "transfer_capacity_county",
    "power_prices", "interconnection_queue",
    # Nationwide grid, substations, fuel and recent prices (docs/layers.md, "How overlapping sources combine").
    "hifld_lines", "hifld_substations", "osm_substations_west", "ehv_nodes_derived", "gas_pipelines", "energy_prices",
)  # fmt: skip
US_STATES = frozenset(STATE_FIPS_TO_POSTAL.values())
# Layers that only locate a point (its county and state): not the source of any measure's value.
BOUNDARY_LAYERS = ("counties",)
SUBSTATION_TYPES = ("substation", "sub_station", "station")
VOLTAGE_CLASSES_KV = (230, 345, 500)
# HIFLD's ≥345 kV file has no 230 kV class: it answers the 345 and 500 kV measures only.
EHV_VOLTAGE_CLASSES_KV = (345, 500)
# A substation counts as high-voltage from 69 kV (sub-transmission), the lowest voltage among GridKit's
# substation nodes; HIFLD and OSM substations of unknown or lower voltage are left out.
HV_SUBSTATION_MIN_KV = 69.0
# A GridKit line whose every circuit runs at 0 Hz is HVDC (Square Butte, CU, Neptune...): not an AC tap point.
GRIDKIT_DC_ONLY = "coalesce(f.properties ->> 'frequency', '') ~ '^0(;0)*$'"


@dataclass(frozen=True)
class PointLayer:
    tree: shapely.STRtree
    values: dict[str, np.ndarray]


# Lines are kept as two-point segments in STRtrees of 4 entries per node: a long MultiLineString has an
# envelope that covers half a state, so a nearest search must measure many of them exactly, and each exactly
# (docs/decisions.md, "Lines as segments"; the national screen's time is in docs/layers.md, "Performance").
LINE_TREE_NODE_CAPACITY = 4


def segments(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(two-point segments, position of the geometry each came from) of lines in EPSG:5070."""
    if len(geometries) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    parts, part_of = shapely.get_parts(geometries, return_index=True)
    coords, index = shapely.get_coordinates(parts, return_index=True)
    same = index[1:] == index[:-1]  # consecutive vertices of one part
    starts, ends = coords[:-1][same], coords[1:][same]
    keep = (starts != ends).any(axis=1)
    return shapely.linestrings(np.stack([starts[keep], ends[keep]], axis=1)), part_of[index[:-1][same][keep]]


def line_tree(geometries: np.ndarray) -> shapely.STRtree:
    return shapely.STRtree(geometries, node_capacity=LINE_TREE_NODE_CAPACITY)


@dataclass(frozen=True)
class LineSegments:
    """Lines as segments, each pointing back to its feature (per-feature values in `values`)."""

    tree: shapely.STRtree
    feature: np.ndarray  # segment -> feature position
    values: dict[str, np.ndarray]  # per feature


@dataclass(frozen=True)
class EhvLines:
    """AC lines of one voltage class or more from GridKit and HIFLD in one tree of segments (GridKit's first,
    `gridkit_count` of them), and HIFLD's alone for points GridKit does not cover."""

    tree: shapely.STRtree
    gridkit_count: int
    hifld_only: shapely.STRtree


@dataclass(frozen=True)
class SubstationSource:
    """One substation layer: its HV substations and the states it has data for (empty: no state column)."""

    kind: str
    tree: shapely.STRtree
    voltage_kv: np.ndarray
    states: frozenset[str]


@dataclass(frozen=True)
class LayerSnapshot:
    """The loaded layers; `vintages` and `oldest_vintage` say how old the data the measures use is."""

    versions: dict[str, int]
    lines_by_class: dict[int, shapely.STRtree]  # minimum kV -> GridKit AC lines at or above it
    plants: PointLayer  # capacity_mw, voltage_kv, balancing_authority
    datacenters: shapely.STRtree
    network_pops: shapely.STRtree
    counties: PointLayer  # polygons; values: fips, state, name
    county_values: dict[str, dict[str, float]]  # measure -> fips -> value
    state_prices: PriceTable  # industrial electricity, ¢/kWh
    vintages: dict[str, str]  # kind -> vintage of its current version ("" unknown)
    ehv_lines_by_class: dict[int, EhvLines]  # minimum kV -> GridKit and HIFLD AC lines at or above it
    substation_sources: dict[str, SubstationSource]  # kind -> source; measures decide which covers a point
    gas_pipelines: LineSegments  # routes that count (GAS_STATUSES_COUNTED); values diameter_in, status
    gas_prices: PriceTable  # industrial natural gas, $/Mcf

    @property
    def oldest_vintage(self) -> str:
        """The oldest vintage of the layers measures come from ("" if one is unknown or none is loaded)."""
        return oldest([v for kind, v in self.vintages.items() if kind not in BOUNDARY_LAYERS])


def current_versions(kinds: tuple[str, ...] = SNAPSHOT_LAYERS) -> dict[str, int]:
    return dict(
        Layer.objects.filter(kind__in=kinds, current_version__isnull=False).values_list(
            "kind", "current_version__number"
        )
    )


def current_vintages(kinds: tuple[str, ...] = SNAPSHOT_LAYERS) -> dict[str, str]:
    return dict(
        Layer.objects.filter(kind__in=kinds, current_version__isnull=False).values_list(
            "kind", "current_version__vintage"
        )
    )


def _rows(kind: str, columns: str, where: str = "TRUE", params: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {columns} FROM sitesel_feature f JOIN sitesel_layer l ON l.id = f.layer_id
                WHERE l.kind = %s AND f.valid_to IS NULL AND {where} ORDER BY f.id""",
            (kind, *params),
        )
        return cursor.fetchall()


def _geometries(rows: list[tuple], index: int = 0) -> np.ndarray:
    if not rows:
        return np.empty(0, dtype=object)
    return shapely.from_wkb([bytes(r[index]) for r in rows])


def _tree(kind: str, where: str = "TRUE", params: tuple = ()) -> shapely.STRtree:
    return shapely.STRtree(_geometries(_rows(kind, "ST_AsBinary(f.geom_albers)", where, params)))


def _county_table(kind: str, expression: str = "f.value") -> dict[str, float]:
    return {
        fips: float(value) for fips, value in _rows(kind, f"f.fips, {expression}", "f.fips <> ''") if value is not None
    }


def county_name_key(state: str, name: str) -> tuple[str, str]:
    """How a county is named across sources: 'Audrain County' (queues) and 'Audrain' (Census) match, as do
    'St. Louis' and 'Saint Louis'."""
    words = name.upper().replace(".", "").replace("'", "").replace("SAINT ", "ST ").split()
    while words and words[-1] in ("COUNTY", "PARISH", "BOROUGH", "CITY", "CENSUS", "AREA", "MUNICIPALITY"):
        words.pop()
    return state.strip().upper(), " ".join(words)


def _county_queue_table(counties: list[tuple]) -> dict[str, float]:
    """Active generator-queue MW per county FIPS. The queue names counties, not FIPS; an entry that names
    several counties ('Audrain County,Ralls County') is split evenly between them."""
    fips_by_name = {county_name_key(state, name): fips for _, fips, state, name in counties if state and name}
    table: dict[str, float] = {}
    for state, names, mw in _rows(
        "interconnection_queue",
        "f.state, f.properties ->> 'County', f.capacity_mw",
        "f.properties ->> 'queue_sheet' = 'Active' AND f.capacity_mw > 0",
    ):
        listed = [fips_by_name.get(county_name_key(state or "", n)) for n in (names or "").split(",") if n.strip()]
        matched = [f for f in listed if f]
        for fips in matched:
            table[fips] = table.get(fips, 0.0) + float(mw) / len(listed)
    return table


def load_ehv_lines(gridkit_geoms: np.ndarray, gridkit_kv: np.ndarray) -> dict[int, EhvLines]:
    """GridKit's and HIFLD's AC lines of at least 345 and 500 kV (the HVDC layer is not loaded)."""
    rows = _rows("hifld_lines", "ST_AsBinary(f.geom_albers), f.voltage_kv", "f.voltage_kv IS NOT NULL")
    hifld, feature = segments(_geometries(rows))
    hifld_kv = np.array([r[1] for r in rows], dtype=float)[feature] if rows else np.empty(0)
    out = {}
    for kv in EHV_VOLTAGE_CLASSES_KV:
        gridkit, _ = segments(gridkit_geoms[gridkit_kv >= kv])
        own = hifld[hifld_kv >= kv]
        out[kv] = EhvLines(line_tree(np.concatenate([gridkit, own])), len(gridkit), line_tree(own))
    return out


def _states_of(kind: str) -> frozenset[str]:
    """The states a layer has features in: where that layer is the data, and its absence means something."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT f.state FROM sitesel_feature f JOIN sitesel_layer l ON l.id = f.layer_id
               WHERE l.kind = %s AND f.valid_to IS NULL AND f.state <> ''""",
            [kind],
        )
        return frozenset(row[0] for row in cursor.fetchall())


def load_substation_sources() -> dict[str, SubstationSource]:
    """Every substation layer's HV substations (GridKit's by node type, others from HV_SUBSTATION_MIN_KV up)."""
    queries = {
        "hifld_substations": ("f.voltage_kv >= %s", (HV_SUBSTATION_MIN_KV,)),
        "osm_substations_west": ("f.voltage_kv >= %s", (HV_SUBSTATION_MIN_KV,)),
        "hv_substations": ("f.category = ANY(%s)", (list(SUBSTATION_TYPES),)),
        "ehv_nodes_derived": ("TRUE", ()),
    }
    sources = {}
    for kind, (where, params) in queries.items():
        rows = _rows(kind, "ST_AsBinary(f.geom_albers), f.voltage_kv", where, params)
        voltages = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
        sources[kind] = SubstationSource(kind, shapely.STRtree(_geometries(rows)), voltages, _states_of(kind))
    return sources


def load_gas_pipelines() -> LineSegments:
    """Gas routes whose status counts for the distance measure, as segments."""
    rows = _rows(
        "gas_pipelines", "ST_AsBinary(f.geom_albers), f.value, f.category", "f.category = ANY(%s)",
        (list(GAS_STATUSES_COUNTED),),
    )  # fmt: skip
    pieces, feature = segments(_geometries(rows))
    values = {
        "diameter_in": np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float),
        "status": np.array([r[2] for r in rows], dtype=object),
    }
    return LineSegments(line_tree(pieces), feature, values)


def load_prices() -> tuple[PriceTable, PriceTable]:
    """(industrial electricity ¢/kWh, industrial gas $/Mcf) per state, newest source first, escalated."""
    recent = _rows(
        "energy_prices", "f.state, (f.properties ->> 'year')::int, f.value, f.category",
        "f.category IN ('electricity:Industrial', 'natural_gas:Industrial') AND f.value IS NOT NULL",
    )  # fmt: skip
    older = _rows(
        "power_prices", "f.state, (f.properties ->> 'year')::int, f.value",
        "f.category = 'Total Electric Industry' AND f.value IS NOT NULL",
    )  # fmt: skip
    electricity = [(s, y, v, "energy_prices") for s, y, v, c in recent if c == "electricity:Industrial"]
    # EIA-861 also has a national average ("US"): not a state, so not a state's price.
    electricity += [(s, y, v, "power_prices") for s, y, v in older if s in US_STATES]
    gas = [(s, y, v, "energy_prices") for s, y, v, c in recent if c == "natural_gas:Industrial"]
    return price_table(electricity), price_table(gas)


def load_snapshot(versions: dict[str, int]) -> LayerSnapshot:
    lines = _rows(
        "hv_lines", "ST_AsBinary(f.geom_albers), f.voltage_kv", f"f.voltage_kv IS NOT NULL AND NOT {GRIDKIT_DC_ONLY}"
    )
    line_geoms = _geometries(lines)
    line_kv = np.array([r[1] for r in lines], dtype=float)
    plants = _rows(
        "power_plants",
        "ST_AsBinary(f.geom_albers), f.capacity_mw, f.voltage_kv, f.properties ->> 'Balancing Authority Code'",
    )
    counties = _rows("counties", "ST_AsBinary(f.geom_albers), f.fips, f.state, f.name")
    transfer: dict[str, float] = {}
    for fips_r, fips_rr, mw in _rows("transfer_capacity_county", "f.fips, f.properties ->> 'fips_rr', f.value"):
        for fips in {fips_r, fips_rr}:
            if fips and mw is not None:
                transfer[fips] = transfer.get(fips, 0.0) + float(mw)
    electricity_prices, gas_prices = load_prices()
    return LayerSnapshot(
        versions=dict(versions),
        lines_by_class={kv: line_tree(line_geoms[line_kv >= kv]) for kv in VOLTAGE_CLASSES_KV},
        plants=PointLayer(
            shapely.STRtree(_geometries(plants)),
            {
                "capacity_mw": np.array([r[1] or 0.0 for r in plants], dtype=float),
                "voltage_kv": np.array([np.nan if r[2] is None else r[2] for r in plants], dtype=float),
                "balancing_authority": np.array([r[3] or "" for r in plants], dtype=object),
            },
        ),
        datacenters=_tree("datacenters"),
        network_pops=_tree("network_nodes"),
        counties=PointLayer(
            shapely.STRtree(_geometries(counties)),
            {
                "fips": np.array([r[1] for r in counties], dtype=object),
                "state": np.array([r[2] for r in counties], dtype=object),
                "name": np.array([r[3] for r in counties], dtype=object),
            },
        ),
        county_values={
            "county_labor_force": _county_table("labor_force"),
            "county_unemployment_rate_pct": _county_table(
                "labor_force", "(f.properties ->> 'unemployment_rate_pct')::float"
            ),
            "county_population": _county_table("population"),
            "county_median_household_income_usd": _county_table("household_income"),
            "fema_risk_score": _county_table("fema_risk"),
            "water_use_mgal_d": _county_table("water_use"),
            "county_transfer_capacity_mw": transfer,
            "county_queue_active_mw": _county_queue_table(counties),
        },
        state_prices=electricity_prices,
        vintages=current_vintages(),
        ehv_lines_by_class=load_ehv_lines(line_geoms, line_kv),
        substation_sources=load_substation_sources(),
        gas_pipelines=load_gas_pipelines(),
        gas_prices=gas_prices,
    )


_cache: dict[str, LayerSnapshot] = {}
_lock = threading.Lock()


def _feature_signature() -> int:
    """The highest feature id: it changes whenever a feature row is added, also outside an import (a test,
    a fix in the database). Rows are only ever closed by imports, which also bump a version number.
    An index lookup, so checking costs well under a millisecond on every task."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM sitesel_feature")
        return int(cursor.fetchone()[0])


_keys: dict[str, tuple] = {}


def get_snapshot() -> LayerSnapshot:
    """The snapshot of the current layers, loaded at most once per process while they stay the same."""
    versions = current_versions()
    key = (tuple(sorted(versions.items())), _feature_signature())
    with _lock:
        cached = _cache.get("current")
        if cached is None or _keys.get("current") != key:
            cached = _cache["current"] = load_snapshot(versions)
            _keys["current"] = key
        return cached
