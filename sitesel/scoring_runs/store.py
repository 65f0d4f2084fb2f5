"""How a scoring run's numbers are kept, and how its results are written.

A chunk stores the measures and economics of its points as one compressed numpy archive
(`ScoringChunk.payload`, no pickle), written in the transaction that marks the chunk done, and kept:
it is the columnar store of every result's full detail. The ranking pass reads every payload of the
run, scores each capacity over all points at once, and inserts narrow result rows (score, rank,
breakdown, key economics, and where the detail is) with one PostgreSQL COPY.
Measured (bench/bench_scoring.py): writing the full detail as JSONB in every row cost 19.5 s for
100,000 sites x 2 capacities; narrow rows plus the archives it already had cost a fraction of that.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import psycopg
from django.db import connection

from sitesel.scoring_runs.compute import ChunkRows


def clean(value: object) -> object:
    """JSON-safe scalar: numpy scalars become Python ones, NaN and infinities become None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _storable(values: np.ndarray) -> np.ndarray:
    # .npy without pickle takes numbers, booleans and fixed-width strings, not Python objects. Text is kept
    # as UTF-8 bytes: numpy's str is 4 bytes per character, padded to the longest value, and long grid-swing
    # reasons made those columns most of the archive and of the time spent compressing it. Each distinct
    # text is encoded once: text columns repeat a few values (states, layer names), and encoding every cell
    # of the national grid's 312,269 cells cost 0.36 s a column (docs/layers.md, "Performance").
    if values.dtype == object or values.dtype.kind == "U":
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
        return np.char.encode(np.asarray(distinct).astype(str), "utf-8")[codes]
    return values


# Elements of a column deflated to decide whether deflating the whole column is worth it.
_COMPRESSION_SAMPLE = 512


def _compresses(values: np.ndarray) -> bool:
    """Whether deflate shrinks a column: measured on its first elements. Distances, prices and capex vary in
    their last bits from point to point and shrink by ~4 %; constants, codes and text shrink many times."""
    sample = np.ascontiguousarray(np.ravel(values)[:_COMPRESSION_SAMPLE]).tobytes()
    return len(sample) < 1024 or len(zlib.compress(sample, 1)) < 0.8 * len(sample)


def _savez(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz archive (what np.load reads): the columns that shrink are deflated at level 1 (rather than
    np.savez_compressed's level 6), the others stored as they are. At 1 km a chunk's archive is 7 % larger
    than deflating every column, and packing it takes a third of the time (docs/performance.md)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", allowZip64=True) as archive:
        for name, values in arrays.items():
            values = np.asanyarray(values)
            member = io.BytesIO()
            np.lib.format.write_array(member, values, allow_pickle=False)
            compression = zipfile.ZIP_DEFLATED if _compresses(values) else zipfile.ZIP_STORED
            archive.writestr(f"{name}.npy", member.getbuffer(), compress_type=compression, compresslevel=1)
    return buffer.getvalue()


def chunk_arrays(rows: ChunkRows, *, keep_unlocated: bool) -> dict[str, np.ndarray]:
    """One chunk's points and per-capacity numbers, as stored (text as UTF-8); unlocated cells are dropped."""
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
    return arrays


def pack_chunk(arrays: dict[str, np.ndarray]) -> bytes:
    """A chunk's stored arrays (`chunk_arrays`) as the archive kept in `ScoringChunk.payload`."""
    return _savez(arrays)


def stored_as_read(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Stored arrays as `unpack_chunks` reads them back (text decoded), without the archive round trip."""
    return {name: _text(values) for name, values in arrays.items()}


def _text(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind != "S":
        return values
    codes, distinct = pd.factorize(values)  # decoded once per distinct value, as _storable encodes
    return np.char.decode(np.asarray(distinct, dtype=values.dtype), "utf-8")[codes]


def _load(payload: bytes, wanted: Callable[[str], bool] | None = None) -> dict[str, np.ndarray]:
    """An archive's arrays; only those whose name `wanted` accepts (members are read and inflated one by one)."""
    with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
        return {name: _text(archive[name]) for name in archive.files if wanted is None or wanted(name)}


def unpack_chunks(
    chunks: Iterable[tuple[int, bytes]], wanted: Callable[[str], bool] | None = None
) -> dict[str, np.ndarray]:
    """Concatenate the archives of a run's (index, payload) chunks, field by field, in chunk order.

    `wanted` picks the fields to read: a national 1 km run has ~8 M cells, and every economics field of every
    cell at once would not fit in memory; the ranking needs a few of them.
    """
    return merge_chunks((index, _load(payload, wanted)) for index, payload in chunks)


def merge_chunks(chunks: Iterable[tuple[int, dict[str, np.ndarray]]]) -> dict[str, np.ndarray]:
    """Concatenate the arrays of a run's (index, arrays) chunks, field by field, in chunk order.

    Adds `chunk_index` and `chunk_row`: where each point's detail is kept.
    """
    parts: dict[str, list[np.ndarray]] = {}
    capacities = None
    for index, stored in chunks:
        arrays = dict(stored)
        capacities = arrays.pop("capacities")
        n = len(arrays["ids"])
        arrays["chunk_index"] = np.full(n, index, dtype=np.int64)
        arrays["chunk_row"] = np.arange(n, dtype=np.int64)
        for name, values in arrays.items():
            parts.setdefault(name, []).append(values)
    merged = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    merged["capacities"] = capacities if capacities is not None else np.empty(0)
    return merged


@lru_cache(maxsize=8)
def _stored_chunk(run_id: int, chunk_index: int) -> dict[str, np.ndarray]:
    from sitesel.models import ScoringChunk

    payload = ScoringChunk.objects.filter(run_id=run_id, index=chunk_index).values_list("payload", flat=True).get()
    return _load(bytes(payload))


def chunk_detail(run_id: int, chunk_index: int, row: int, capacity_mw: float, kind: str) -> dict[str, object]:
    """One point's `criterion` (measures) or `economics` values at one capacity, from its chunk's archive."""
    arrays = _stored_chunk(run_id, chunk_index)
    k = int(np.flatnonzero(np.isclose(arrays["capacities"], capacity_mw))[0])
    return {name: clean(values[row]) for name, values in by_capacity(arrays, k, kind).items()}


def by_capacity(merged: dict[str, np.ndarray], k: int, kind: str) -> dict[str, np.ndarray]:
    prefix = f"c{k}:{kind}:"
    return {name[len(prefix) :]: values for name, values in merged.items() if name.startswith(prefix)}


def pack_ranked(ranked: dict[str, np.ndarray]) -> bytes:
    """One chunk's score, rank (0 = not eligible) and binding constraint at one capacity (`ScoringChunkRank`)."""
    return _savez({name: _storable(values) for name, values in ranked.items()})


def pack_plain(arrays: dict[str, np.ndarray]) -> bytes:
    """Arrays as an uncompressed .npz (text as UTF-8): read back by a memory copy, for data kept only briefly."""
    buffer = io.BytesIO()
    np.savez(buffer, **{name: _storable(np.asarray(values)) for name, values in arrays.items()})
    return buffer.getvalue()


def load_arrays(payload: bytes, wanted: Callable[[str], bool] | None = None) -> dict[str, np.ndarray]:
    """A stored archive's arrays (text decoded); only those whose name `wanted` accepts."""
    return _load(payload, wanted)


@lru_cache(maxsize=8)
def chunk_ranked(run_id: int, chunk_index: int) -> dict[str, np.ndarray]:
    """A national chunk's points (ids, lon, lat, state, county) with the score, rank and binding per capacity
    (`c{k}:score`, `c{k}:rank`, `c{k}:binding`); empty when the chunk has no ranked points."""
    from sitesel.models import ScoringChunkRank

    ranks = ScoringChunkRank.objects.filter(chunk__run_id=run_id, chunk__index=chunk_index).order_by("capacity_index")
    arrays: dict[str, np.ndarray] = {}
    for k, ranked in ranks.values_list("capacity_index", "ranked"):
        arrays.update({f"c{k}:{name}": values for name, values in _load(bytes(ranked)).items()})
    if arrays:
        arrays.update(_stored_chunk(run_id, chunk_index))
    return arrays


def ranking_members(k: int, contributions: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One capacity's part of the ranking archive: its criteria and every stored row's points (float32)."""
    return {
        f"c{k}:criteria": np.array(list(contributions), dtype=str),
        f"c{k}:points": np.column_stack(list(contributions.values())).astype(np.float32),
    }


def pack_ranking(contributions_by_capacity: dict[float, dict[str, np.ndarray]]) -> bytes:
    """Every result's points per criterion, one float32 matrix per capacity (rows = result positions)."""
    arrays: dict[str, np.ndarray] = {"capacities": np.array(list(contributions_by_capacity), dtype=float)}
    for k, contributions in enumerate(contributions_by_capacity.values()):
        arrays.update(ranking_members(k, contributions))
    return pack_ranking_arrays(arrays)


def pack_ranking_arrays(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@lru_cache(maxsize=4)
def _ranking_arrays(run_id: int) -> dict[str, np.ndarray]:
    from sitesel.models import ScoringRun

    return _load(bytes(ScoringRun.objects.values_list("ranking", flat=True).get(pk=run_id)))


def ranking_breakdown(run_id: int, capacity_mw: float, position: int) -> dict[str, float]:
    arrays = _ranking_arrays(run_id)
    k = int(np.flatnonzero(np.isclose(arrays["capacities"], capacity_mw))[0])
    points = arrays[f"c{k}:points"][position]
    return {str(name): round(float(p), 4) for name, p in zip(arrays[f"c{k}:criteria"], points, strict=True)}


def _binary_cursor() -> psycopg.Cursor:
    """A cursor on Django's connection (so inside its transaction) that sends parameters apart from the SQL.

    Django's PostgreSQL cursor binds parameters on the client: a bytea travels as a hex literal, twice its size,
    inside the statement's text, which the server then parses, and comes back as hex too. For the archives a
    national run moves (~9 MB per chunk) that was most of storing a chunk: 0.16 s against 0.03 s for a 9 MB
    write, 0.049 s against 0.009 s for the read (docs/performance.md)."""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def write_archives(table: str, pk: int, archives: dict[str, bytes | None]) -> None:
    """Set bytea columns of one row, the values sent as binary parameters. Call inside a transaction."""
    assignments = ", ".join(f"{column} = %b" for column in archives)
    with _binary_cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*archives.values(), pk])


def read_archives(sql: str, params: Sequence | Mapping) -> Iterator[tuple]:
    """Rows of a query whose bytea columns come back in binary (as bytes), fetched a few at a time."""
    with _binary_cursor() as cursor:
        cursor.execute(sql, params, binary=True)
        while rows := cursor.fetchmany(8):
            yield from rows


def _column_types(table: str) -> dict[str, str]:
    """Each column's type name, as binary COPY needs them (int4 and int8 are not interchangeable there)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::regtype::text FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [table],
        )
        return dict(cursor.fetchall())


def copy_frame(table: str, frame: pd.DataFrame) -> int:
    """COPY a DataFrame (columns named like the table's) in PostgreSQL's binary format; NaN and NA are NULL.

    Binary skips formatting every float as text here and PostgreSQL parsing it back (docs/performance.md).
    """
    types = _column_types(table)
    columns = [frame[name].to_numpy(dtype=object, na_value=None).tolist() for name in frame.columns]
    sql = f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.set_types([types[name] for name in frame.columns])
        for row in zip(*columns, strict=True):
            copy.write_row(row)
    return len(frame)
