"""Read candidate sites from CSV (lon/lat) or any vector file (points or parcel polygons)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from core.text import name_problem
from sitesel.importing.errors import ImportFailed, RowError
from sitesel.importing.reader import open_source
from sitesel.importing.rows import check_geometries, points_from_lon_lat

ID_COLUMNS = ("id", "site_id", "source_ref", "ref")
MAX_LAND_PRICE_USD_PER_ACRE = Decimal("9999999999.99")


@dataclass(frozen=True)
class SiteRecord:
    row: int
    source_ref: str
    name: str
    point_wkb: bytes
    parcel_wkb: bytes | None
    land_price_usd_per_acre: Decimal | None
    notes: str
    tags: list[str]


def _text(frame: pd.DataFrame, column: str | None, index) -> str:
    if column is None or column not in frame:
        return ""
    value = frame.at[index, column]
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def _land_price(raw: str, row: int) -> tuple[Decimal | None, RowError | None]:
    if raw == "":
        return None, None
    try:
        price = Decimal(raw)
    except InvalidOperation:
        return None, RowError(row, "land_price_usd_per_acre", f"{raw!r} is not a number")
    if not price.is_finite() or price < 0 or price > MAX_LAND_PRICE_USD_PER_ACRE:
        return None, RowError(
            row, "land_price_usd_per_acre", f"{raw} must be between 0 and {MAX_LAND_PRICE_USD_PER_ACRE}"
        )
    return price.quantize(Decimal("0.01")), None


def read_sites(
    path: Path, *, source_crs: str | None = None, make_valid: bool = False, batch_size: int = 2000
) -> Iterator[tuple[list[SiteRecord], list[RowError]]]:
    """Yield (records, errors) per batch; the caller decides to write nothing if any batch has errors."""
    source = open_source(path, source_crs=source_crs, needs_geometry=True)
    lower = {c.lower(): c for c in source.columns}
    if "name" not in lower:
        raise ImportFailed(f"{path.name}: missing required columns: name")
    id_column = next((lower[c] for c in ID_COLUMNS if c in lower), None)
    seen: set[str] = set()
    for frame, rows in source.batches(batch_size):
        errors: list[RowError] = []
        if source.lon_lat is not None:
            geoms, errors = points_from_lon_lat(frame, rows, source.lon_lat)
            geoms = geoms.astype(object)
        else:
            geoms = gpd.GeoDataFrame(frame).geometry.to_numpy()
        bad = {e.row for e in errors}
        keep = ~rows.isin(bad).to_numpy()
        checked, geom_errors, _ = check_geometries(geoms[keep], rows[keep], "site", make_valid=make_valid)
        geoms[keep] = checked
        errors += geom_errors
        records: list[SiteRecord] = []
        for pos, index in enumerate(frame.index):
            row = int(rows[index])
            name = _text(frame, lower["name"], index)
            source_ref = _text(frame, id_column, index) or name
            if not name:
                errors.append(RowError(row, "name", "empty name"))
            elif len(name) > 200:
                errors.append(RowError(row, "name", "longer than 200 characters"))
            elif problem := name_problem(name):
                errors.append(RowError(row, "name", problem))
            if source_ref in seen:
                errors.append(RowError(row, id_column or "name", f"duplicate site id {source_ref!r}"))
            seen.add(source_ref)
            price, price_error = _land_price(_text(frame, lower.get("land_price_usd_per_acre"), index), row)
            if price_error:
                errors.append(price_error)
            tags = [t.strip()[:50] for t in _text(frame, lower.get("tags"), index).split(";") if t.strip()]
            if any(e.row == row for e in errors):
                continue
            geom = geoms[pos]
            is_point = geom.geom_type == "Point"
            point = geom if is_point else shapely.point_on_surface(geom)
            parcel = None if is_point else (geom if geom.geom_type == "MultiPolygon" else shapely.multipolygons([geom]))
            records.append(
                SiteRecord(
                    row,
                    source_ref[:200],
                    name,
                    shapely.to_wkb(point),
                    shapely.to_wkb(parcel) if parcel else None,
                    price,
                    _text(frame, lower.get("notes"), index),
                    tags,
                )
            )
        yield records, errors
