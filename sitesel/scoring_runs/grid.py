"""The national screen's regular grid over the contiguous US, in EPSG:5070 (equal-area) metres.

A cell is identified by an integer: row * columns + column, so a run stores ranked cells without a
Site row per cell, and a cell id always maps back to the same square.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import Transformer

from sitesel.scoring_runs.compute import Points

# Bounds of the lower 48 in EPSG:5070 (Census cartographic boundaries, rounded outwards to 10 km).
CONUS_BOUNDS_M = (-2_360_000.0, 260_000.0, 2_270_000.0, 3_180_000.0)


@dataclass(frozen=True)
class Grid:
    cell_size_m: float
    x0: float
    y0: float
    columns: int
    rows: int

    @property
    def cells(self) -> int:
        return self.columns * self.rows


def conus_grid(cell_size_km: float) -> Grid:
    size = cell_size_km * 1000.0
    x0, y0, x1, y1 = CONUS_BOUNDS_M
    return Grid(size, x0, y0, int(np.ceil((x1 - x0) / size)), int(np.ceil((y1 - y0) / size)))


@lru_cache(maxsize=1)
def _to_lonlat() -> Transformer:
    return Transformer.from_crs(5070, 4326, always_xy=True)


@lru_cache(maxsize=1)
def _to_albers() -> Transformer:
    return Transformer.from_crs(4326, 5070, always_xy=True)


def cell_at(grid: Grid, lon: float, lat: float) -> int | None:
    """The id of the grid cell that contains a point, or None outside the grid."""
    x, y = _to_albers().transform(lon, lat)
    column, row = int(np.floor((x - grid.x0) / grid.cell_size_m)), int(np.floor((y - grid.y0) / grid.cell_size_m))
    if not (0 <= column < grid.columns and 0 <= row < grid.rows):
        return None
    return row * grid.columns + column


def cell_centres(grid: Grid, cell_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cell_ids = np.asarray(cell_ids, dtype=np.int64)
    row, column = np.divmod(cell_ids, grid.columns)
    return grid.x0 + (column + 0.5) * grid.cell_size_m, grid.y0 + (row + 0.5) * grid.cell_size_m


def cell_points(grid: Grid, start: int, stop: int) -> Points:
    ids = np.arange(start, min(stop, grid.cells), dtype=np.int64)
    x, y = cell_centres(grid, ids)
    lon, lat = _to_lonlat().transform(x, y)
    return Points(ids=ids, lon=np.asarray(lon), lat=np.asarray(lat), x=x, y=y)
