"""Read GeoJSON, GeoPackage, zipped Shapefile and lon/lat CSV files in batches.

Every batch comes back as a GeoDataFrame in EPSG:4326 (or a plain DataFrame for tables with no
geometry) together with the 1-based row number of each record, so validation can name rows.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError

from sitesel.importing.errors import ImportFailed

VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".shp.zip")
CSV_SUFFIXES = (".csv", ".csv.gz", ".txt")
LON_LAT_NAMES = (("longitude", "latitude"), ("lon", "lat"), ("lng", "lat"), ("x", "y"))
WGS84 = CRS.from_epsg(4326)


def file_sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _file_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    if name.endswith(VECTOR_SUFFIXES):
        return "vector"
    raise ImportFailed(f"unsupported file type {path.name!r}: use GeoJSON, GeoPackage, zipped Shapefile or CSV")


def find_lon_lat(columns: list[str]) -> tuple[str, str] | None:
    lower = {c.lower().strip(): c for c in columns}
    for lon, lat in LON_LAT_NAMES:
        if lon in lower and lat in lower:
            return lower[lon], lower[lat]
    return None


def parse_crs(text: str | None) -> CRS | None:
    if not text:
        return None
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise ImportFailed(f"unknown CRS {text!r}: {exc}") from None


@dataclass
class SourceFile:
    """An opened source file: its size in records, its columns, and a batch iterator."""

    path: Path
    total: int
    columns: list[str]
    has_geometry: bool
    crs: CRS | None
    fmt: str
    lon_lat: tuple[str, str] | None = None

    def batches(self, batch_size: int) -> Iterator[tuple[pd.DataFrame, pd.Series]]:
        """Yield (frame, row_numbers); geometry, when present, is already in EPSG:4326."""
        if self.fmt == "csv":
            yield from self._csv_batches(batch_size)
        else:
            yield from self._vector_batches(batch_size)

    def _csv_batches(self, batch_size: int) -> Iterator[tuple[pd.DataFrame, pd.Series]]:
        reader = _read_csv(self.path, chunksize=batch_size)
        start = 0
        for chunk in reader:
            # Line numbers as a spreadsheet shows them: the header is line 1.
            rows = pd.Series(range(start + 2, start + 2 + len(chunk)), index=chunk.index)
            start += len(chunk)
            yield chunk, rows

    def _vector_batches(self, batch_size: int) -> Iterator[tuple[pd.DataFrame, pd.Series]]:
        for skip in range(0, self.total, batch_size):
            try:
                frame = pyogrio.read_dataframe(self.path, skip_features=skip, max_features=batch_size)
            except Exception as exc:  # pyogrio raises several GDAL error types for corrupt data
                raise ImportFailed(f"cannot read {self.path.name}: {exc}") from None
            rows = pd.Series(range(skip + 1, skip + 1 + len(frame)), index=frame.index)
            if isinstance(frame, gpd.GeoDataFrame):
                if frame.crs is None or self.crs is not None and not CRS(frame.crs).equals(self.crs):
                    frame = frame.set_crs(self.crs, allow_override=True)
                if not CRS(frame.crs).equals(WGS84):
                    frame = frame.to_crs(WGS84)
                # Non-string id/text columns stay as pandas objects; CSV gives strings. Make both alike.
                geometry = frame.geometry
                frame = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
                frame = frame.where(frame.notna(), None)
                frame = gpd.GeoDataFrame(frame, geometry=geometry.values, crs=WGS84)
            yield frame, rows


def _read_csv(path: Path, chunksize: int | None = None):
    try:
        return pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], chunksize=chunksize, encoding="utf-8"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise ImportFailed(f"cannot read {path.name}: {exc}") from None


def _first_line_with_nul(path: Path) -> int | None:
    # pandas ends a cell at a NUL byte and silently drops the rest of it, so look for one first.
    with (gzip.open if path.name.lower().endswith(".gz") else open)(path, "rb") as handle:
        return next((number for number, line in enumerate(handle, start=1) if b"\x00" in line), None)


def open_source(path: Path, *, source_crs: str | None = None, needs_geometry: bool) -> SourceFile:
    """Open a file and check what can be checked before reading rows: format, columns, CRS."""
    if not path.exists():
        raise ImportFailed(f"file not found: {path}")
    fmt = _file_format(path)
    override = parse_crs(source_crs)
    if fmt == "csv":
        try:
            columns = [str(c) for c in pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8").columns]
            total = sum(len(chunk) for chunk in _read_csv(path, chunksize=50_000))
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError, ValueError) as exc:
            raise ImportFailed(f"cannot read {path.name}: {exc}") from None
        nul = _first_line_with_nul(path)
        if nul is not None:
            raise ImportFailed(f"cannot read {path.name}: line {nul} contains a NUL byte (not a text CSV)")
        lon_lat = find_lon_lat(columns) if needs_geometry else None
        if needs_geometry and lon_lat is None:
            raise ImportFailed(
                f"{path.name}: missing columns longitude, latitude (or lon/lat) needed for point geometry"
            )
        crs = override or WGS84
        return SourceFile(path, total, columns, needs_geometry, crs, fmt, lon_lat)

    try:
        info = pyogrio.read_info(path, force_feature_count=True)
    except Exception as exc:  # DataSourceError, FieldError ... all mean the file is unusable
        raise ImportFailed(f"cannot read {path.name}: {exc}") from None
    columns = [str(c) for c in info["fields"]]
    has_geometry = info.get("geometry_type") not in (None, "None")
    crs = override or (CRS.from_user_input(info["crs"]) if info.get("crs") else None)
    if has_geometry and crs is None:
        if path.name.lower().endswith((".geojson", ".json")):
            crs = WGS84  # RFC 7946: GeoJSON without a crs member is WGS84
        else:
            raise ImportFailed(f"{path.name}: unknown CRS (no .prj or CRS in the file); pass --source-crs")
    if needs_geometry and not has_geometry:
        raise ImportFailed(f"{path.name}: the file has no geometry but this kind needs one")
    return SourceFile(path, int(info["features"]), columns, has_geometry, crs, fmt)
