"""Turn a batch of source rows into validated feature records, or row errors naming the problem."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from sitesel.importing.errors import RowError
from sitesel.layer_kinds import TYPED_NUMERIC_FIELDS, YEAR_RANGE, KindSpec

GEOMETRY_TYPES = {
    "point": {"Point"},
    "line": {"LineString", "MultiLineString"},
    "polygon": {"Polygon", "MultiPolygon"},
    "site": {"Point", "Polygon", "MultiPolygon"},  # a point, or a parcel polygon
}


@dataclass
class FeatureRecord:
    source_fid: str
    fields: dict[str, Any]
    properties: dict[str, Any]
    geom_wkb: bytes | None
    content_hash: str


@dataclass
class BatchResult:
    records: list[FeatureRecord]
    errors: list[RowError]
    repaired: int = 0
    skipped: list[RowError] = field(default_factory=list)


def json_value(value: Any) -> Any:
    """A cell as a JSON-safe value: NaN, NaT and pandas NA become None, numpy scalars Python ones."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value if isinstance(value, str | int | bool | list | dict) else str(value)


def points_from_lon_lat(
    frame: pd.DataFrame, rows: pd.Series, lon_lat: tuple[str, str]
) -> tuple[np.ndarray, list[RowError]]:
    """Build points from lon/lat text columns; non-numeric or out-of-range values are row errors."""
    lon_col, lat_col = lon_lat
    lon = pd.to_numeric(frame[lon_col], errors="coerce")
    lat = pd.to_numeric(frame[lat_col], errors="coerce")
    errors: list[RowError] = []
    for name, raw, parsed, bound in ((lon_col, frame[lon_col], lon, 180), (lat_col, frame[lat_col], lat, 90)):
        missing = raw.isna()
        bad = parsed.isna() & ~missing
        out = parsed.notna() & ((parsed.abs() > bound) | ~np.isfinite(parsed))
        errors += [RowError(int(rows[i]), name, "empty coordinate") for i in raw.index[missing]]
        errors += [RowError(int(rows[i]), name, f"{raw[i]!r} is not a number") for i in raw.index[bad]]
        errors += [RowError(int(rows[i]), name, f"{parsed[i]} is out of range ±{bound}") for i in raw.index[out]]
    points = shapely.points(lon.to_numpy(dtype=float), lat.to_numpy(dtype=float))
    return points, errors


def check_geometries(
    geoms: np.ndarray, rows: pd.Series, expected: str, *, make_valid: bool
) -> tuple[np.ndarray, list[RowError], int]:
    """Reject empty, wrong-type, non-finite, out-of-range and invalid geometries.

    Invalid polygons and lines are repaired with make_valid only when the caller asked for it; the number
    repaired is returned so the import can report it (docs/layers.md).
    """
    errors: list[RowError] = []
    repaired = 0
    allowed = GEOMETRY_TYPES[expected]
    geoms = np.asarray(geoms, dtype=object)
    for pos, geom in enumerate(geoms):
        row = int(rows.iloc[pos])
        if geom is None or shapely.is_empty(geom):
            errors.append(RowError(row, "geometry", "empty geometry"))
            continue
        if geom.geom_type not in allowed:
            errors.append(RowError(row, "geometry", f"{geom.geom_type} where {expected} was expected"))
            continue
        coords = shapely.get_coordinates(geom)
        if not np.isfinite(coords).all():
            errors.append(RowError(row, "geometry", "coordinates are NaN or infinite"))
            continue
        if (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
            errors.append(RowError(row, "geometry", "coordinates out of range for EPSG:4326 (lon ±180, lat ±90)"))
            continue
        if not shapely.is_valid(geom):
            fixed = _repaired(geom) if make_valid else None
            if fixed is not None:
                geoms[pos] = fixed
                repaired += 1
                continue
            errors.append(RowError(row, "geometry", f"invalid geometry: {shapely.is_valid_reason(geom)}"))
    return geoms, errors, repaired


def _repaired(geom):
    """make_valid, keeping only parts of the geometry's own kind: a polygon's slivers or a line's degenerate
    one-point pieces (a route drawn through the same point twice) are dropped. None if nothing is left."""
    kind = "polygon" if geom.geom_type in GEOMETRY_TYPES["polygon"] else "line"
    fixed = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in GEOMETRY_TYPES[kind]]
    if kind == "line":
        parts = [p for q in parts for p in shapely.get_parts(q)]
        return shapely.multilinestrings(parts) if parts else None
    if not parts:
        return None
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


# Physical bounds: no plant or queue entry exceeds 100 GW (the largest plant, Three Gorges, is 22.5 GW) and
# no line runs above 2,000 kV (the highest in service is 1,100 kV UHVDC). Beyond them a row is a unit error.
NUMERIC_BOUNDS = {"capacity_mw": (0.0, 100_000.0), "voltage_kv": (0.0, 2_000.0)}
# Queue entries may be negative: a repower that lowers a plant's capacity is queued as such (ERCOT 18INR0064: -7.2 MW).
SIGNED_CAPACITY_KINDS = frozenset({"interconnection_queue"})


def typed_values(frame: pd.DataFrame, rows: pd.Series, spec: KindSpec) -> tuple[dict[str, pd.Series], list[RowError]]:
    """Pick the typed Feature fields; numbers that do not parse are errors naming the column."""
    values: dict[str, pd.Series] = {}
    errors: list[RowError] = []
    for field_name, column in spec.fields.items():
        raw = frame[column] if column in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        if field_name in TYPED_NUMERIC_FIELDS:
            raw = raw.where(~raw.isin(spec.null_values), None) if spec.null_values else raw
            parsed = pd.to_numeric(raw, errors="coerce")
            present = raw.notna() & (raw.astype(str).str.strip() != "")
            bad = present & (parsed.isna() | ~np.isfinite(parsed.fillna(0)))
            errors += [
                RowError(int(rows[i]), column, f"{raw[i]!r} is not a number ({field_name})") for i in raw.index[bad]
            ]
            bounds = spec.bounds.get(field_name) or NUMERIC_BOUNDS.get(field_name)
            if bounds is not None:
                low, high = bounds
                if field_name == "capacity_mw" and spec.kind in SIGNED_CAPACITY_KINDS:
                    low = -high
                out = present & ~bad & ((parsed < low) | (parsed > high))
                errors += [
                    RowError(int(rows[i]), column, f"{raw[i]} is outside {low:g}..{high:g} ({field_name})")
                    for i in raw.index[out]
                ]
            if field_name in spec.required_values:
                errors += [RowError(int(rows[i]), column, f"empty {field_name}") for i in raw.index[~present]]
            values[field_name] = parsed.where(present & ~bad, None).astype(object)
        else:
            text = raw.where(raw.notna(), "").astype(str).str.strip()
            values[field_name] = _clean_text(field_name, text)
            if field_name in spec.required_values:
                missing = values[field_name] == ""
                for i in raw.index[missing]:
                    problem = f"{text[i]!r} is not a valid {field_name}" if text[i] else f"empty {field_name}"
                    errors.append(RowError(int(rows[i]), column, problem))
    return values, errors


def checked_columns(frame: pd.DataFrame, rows: pd.Series, spec: KindSpec) -> list[RowError]:
    """The kind's rules beyond its typed fields: year columns, and checks across columns."""
    errors: list[RowError] = []
    low, high = YEAR_RANGE
    for column in spec.year_columns:
        raw = frame[column]
        parsed = pd.to_numeric(raw, errors="coerce")
        bad = parsed.isna() | (parsed % 1 != 0) | (parsed < low) | (parsed > high)
        errors += [RowError(int(rows[i]), column, f"{raw[i]!r} is not a year {low}..{high}") for i in raw.index[bad]]
    if spec.validate is not None:
        errors += [RowError(int(rows[index]), column, message) for index, column, message in spec.validate(frame)]
    return errors


TEXT_LIMITS = {"name": 300, "category": 100}


def _clean_text(field_name: str, text: pd.Series) -> pd.Series:
    """Typed text columns hold only well-formed values; the raw value always stays in properties."""
    if field_name == "state":
        return text.where(text.str.fullmatch(r"[A-Za-z]{2}"), "").str.upper()
    if field_name == "fips":
        return text.where(text.str.fullmatch(r"\d{5}"), "")
    return text.str.slice(0, TEXT_LIMITS[field_name])


def build_fids(frame: pd.DataFrame, rows: pd.Series, spec: KindSpec) -> tuple[pd.Series, list[RowError]]:
    parts = [frame[c].where(frame[c].notna(), "").astype(str).str.strip() for c in spec.id_columns]
    fid = parts[0]
    for part in parts[1:]:
        fid = fid + ":" + part
    empty = parts[0] == "" if len(parts) == 1 else pd.Series(False, index=frame.index)
    errors = [RowError(int(rows[i]), spec.id_columns[0], "empty feature id") for i in frame.index[empty]]
    return fid, errors


def content_hash(fields: dict[str, Any], properties: dict[str, Any], geom_wkb: bytes | None) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(json.dumps([fields, properties], sort_keys=True, default=str).encode())
    digest.update(geom_wkb or b"")
    return digest.hexdigest()
