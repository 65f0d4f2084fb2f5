"""How a scoring run's numbers are kept between its chunks and its ranking pass, and how results are written.

A chunk stores its raw criteria and economics as one compressed numpy archive (`ScoringChunk.payload`,
no pickle), written in the transaction that marks the chunk done. The ranking pass reads every
payload of the run, scores each capacity over all points at once, and inserts the final result rows
with a single PostgreSQL COPY: no row is written twice, which keeps a 600,000-row national screen fast.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence

import numpy as np
from django.db import connection

from sitesel.scoring.compute import ChunkRows

RESULT_COLUMNS = (
    "run_id", "site_id", "cell_id", "lon", "lat", "state", "county_fips", "capacity_mw", "measures", "economics",
    "capex_per_mw_usd", "time_to_power_p50_months", "gpus", "eligible", "binding_constraint", "score", "rank",
    "breakdown",
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


def _storable(values: np.ndarray) -> np.ndarray:
    # np.savez without pickle takes numbers, booleans and fixed-width strings, not Python objects.
    return values.astype(str) if values.dtype == object else values


def pack_chunk(rows: ChunkRows, *, keep_unlocated: bool) -> bytes:
    """One chunk's points and per-capacity numbers as an .npz archive; unlocated cells are dropped."""
    keep = np.ones(len(rows.points.ids), dtype=bool) if keep_unlocated else rows.located
    arrays = {
        "ids": rows.points.ids[keep],
        "lon": rows.points.lon[keep],
        "lat": rows.points.lat[keep],
        "state": _storable(rows.state[keep]),
        "county_fips": _storable(rows.county_fips[keep]),
        "capacities": np.array(list(rows.criteria_by_capacity), dtype=float),
    }
    for k, capacity in enumerate(rows.criteria_by_capacity):
        for name, values in rows.criteria_by_capacity[capacity].items():
            arrays[f"c{k}:criterion:{name}"] = _storable(np.asarray(values)[keep])
        for name, values in rows.economics_by_capacity[capacity].items():
            arrays[f"c{k}:economics:{name}"] = _storable(np.asarray(values)[keep])
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def unpack_chunks(payloads: Iterable[bytes]) -> dict[str, np.ndarray]:
    """Concatenate the archives of a run's chunks, field by field, in chunk order."""
    parts: dict[str, list[np.ndarray]] = {}
    capacities = None
    for payload in payloads:
        with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
            capacities = archive["capacities"]
            for name in archive.files:
                if name != "capacities":
                    parts.setdefault(name, []).append(archive[name])
    merged = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    merged["capacities"] = capacities if capacities is not None else np.empty(0)
    return merged


def by_capacity(merged: dict[str, np.ndarray], k: int, kind: str) -> dict[str, np.ndarray]:
    prefix = f"c{k}:{kind}:"
    return {name[len(prefix) :]: values for name, values in merged.items() if name.startswith(prefix)}


def as_json(columns: dict[str, np.ndarray], i: int) -> str:
    return json.dumps({name: clean(values[i]) for name, values in columns.items()})
