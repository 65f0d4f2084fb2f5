"""Bulk writes of scoring results with PostgreSQL COPY (hundreds of thousands of rows per run)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence

import numpy as np
from django.db import connection

from sitesel.scoring.compute import ChunkRows

RESULT_COLUMNS = (
    "run_id", "site_id", "cell_id", "lon", "lat", "state", "county_fips", "capacity_mw", "measures", "economics",
    "capex_per_mw_usd", "time_to_power_p50_months", "gpus", "binding_constraint", "breakdown",
)  # fmt: skip


def clean(value: object) -> object:
    """JSON-safe scalar: numpy scalars become Python ones, NaN and infinities become None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def result_rows(run_id: int, chunk: ChunkRows, *, sites: bool) -> Iterable[tuple]:
    """One row per point and capacity; grid cells outside every US county are left out."""
    points = chunk.points
    keep = np.ones(len(points.ids), dtype=bool) if sites else chunk.located
    for capacity, criteria in chunk.criteria_by_capacity.items():
        economics = chunk.economics_by_capacity[capacity]
        for i in np.flatnonzero(keep):
            measures = {name: clean(values[i]) for name, values in criteria.items()}
            econ = {name: clean(values[i]) for name, values in economics.items()}
            item = int(points.ids[i])
            yield (
                run_id, item if sites else None, None if sites else item, float(points.lon[i]), float(points.lat[i]),
                chunk.state[i], chunk.county_fips[i], capacity, json.dumps(measures), json.dumps(econ),
                econ["capex_per_mw_usd"], econ["time_to_power_months_p50"], econ["gpus"], "", "{}",
            )  # fmt: skip
