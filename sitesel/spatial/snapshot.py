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

from sitesel.models import Layer

SNAPSHOT_LAYERS = (
    "hv_lines", "hv_substations", "power_plants", "datacenters", "network_nodes", "counties",
    "labor_force", "population", "household_income", "fema_risk", "water_use", "transfer_capacity_county",
    "power_prices", "interconnection_queue",
)  # fmt: skip
SUBSTATION_TYPES = ("substation", "sub_station", "station")
VOLTAGE_CLASSES_KV = (230, 345, 500)


@dataclass(frozen=True)
class PointLayer:
    tree: shapely.STRtree
    values: dict[str, np.ndarray]


@dataclass(frozen=True)
class LayerSnapshot:
    versions: dict[str, int]
    lines_by_class: dict[int, shapely.STRtree]  # minimum kV -> lines at or above it
    substations: shapely.STRtree
    plants: PointLayer  # capacity_mw, voltage_kv, balancing_authority
    datacenters: shapely.STRtree
    network_pops: shapely.STRtree
    counties: PointLayer  # polygons; values: fips, state, name
    county_values: dict[str, dict[str, float]]  # measure -> fips -> value
    state_prices: dict[str, tuple[float, int]]  # state -> (industrial ¢/kWh, year)


def current_versions(kinds: tuple[str, ...] = SNAPSHOT_LAYERS) -> dict[str, int]:
    return dict(
        Layer.objects.filter(kind__in=kinds, current_version__isnull=False).values_list(
            "kind", "current_version__number"
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


def load_snapshot(versions: dict[str, int]) -> LayerSnapshot:
    lines = _rows("hv_lines", "ST_AsBinary(f.geom_albers), f.voltage_kv", "f.voltage_kv IS NOT NULL")
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
    prices: dict[str, tuple[float, int]] = {}
    for state, value, year in _rows(
        "power_prices", "f.state, f.value, (f.properties ->> 'year')::int",
        "f.category = 'Total Electric Industry' AND f.value IS NOT NULL",
    ):  # fmt: skip
        if state not in prices or year > prices[state][1]:
            prices[state] = (float(value), year)
    return LayerSnapshot(
        versions=dict(versions),
        lines_by_class={kv: shapely.STRtree(line_geoms[line_kv >= kv]) for kv in VOLTAGE_CLASSES_KV},
        substations=_tree("hv_substations", "f.category = ANY(%s)", (list(SUBSTATION_TYPES),)),
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
        state_prices=prices,
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
