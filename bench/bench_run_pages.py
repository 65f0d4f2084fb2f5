"""Run list and run pages with many national runs stored: time each page, through Django's full stack.

    .venv/bin/python bench/bench_run_pages.py [--runs 10] [--repeats 5]

Works on the database bench/bench_scoring.py leaves (<DATABASE_URL name>_bench): it needs a succeeded national
run there (`bench_scoring.py --cell-km 5` makes one). It prints what that run stores (rows and bytes),
copies it, with its result rows, chunks (archives), per-cell ranks and ranking archive, until --runs national
runs are stored, then times the web pages and API reads a planner opens, as the bench superuser. A national run
stores about the same number of result rows at any cell size (the best cells per capacity and state); its chunk
archives and per-cell ranks grow with the grid (pages never read them; the cell lookup reads one chunk's).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
base, name = os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/sitesel").rsplit("/", 1)
os.environ.update({"DATABASE_URL": f"{base}/{name}_bench", "DJANGO_SETTINGS_MODULE": "config.settings.base",
                   "DJANGO_LOG_LEVEL": "WARNING", "DJANGO_SECURE_SSL_REDIRECT": "false",
                   "DJANGO_SECURE_COOKIES": "false"})  # fmt: skip

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from sitesel.models import ScoringChunk, ScoringResult, ScoringRun  # noqa: E402

RESULT_COLUMNS = [f.column for f in ScoringResult._meta.concrete_fields if f.column not in ("id", "run_id")]
CHUNK_COLUMNS = [f.column for f in ScoringChunk._meta.concrete_fields if f.column not in ("id", "run_id")]


@transaction.atomic
def copy_run(source: ScoringRun) -> int:
    run = ScoringRun.objects.get(pk=source.pk)
    run.pk = None
    run.save()
    with connection.cursor() as cursor:
        for table, columns in (("sitesel_scoringresult", RESULT_COLUMNS), ("sitesel_scoringchunk", CHUNK_COLUMNS)):
            names = ", ".join(f'"{c}"' for c in columns)
            cursor.execute(f"INSERT INTO {table} (run_id, {names}) SELECT %s, {names} FROM {table} WHERE run_id = %s",
                           [run.pk, source.pk])  # fmt: skip
        # Every cell's ranks, per chunk and capacity: onto the copy's chunk of the same index.
        cursor.execute(
            "INSERT INTO sitesel_scoringchunkrank (chunk_id, capacity_index, ranked) SELECT new.id, r.capacity_index,"
            " r.ranked FROM sitesel_scoringchunkrank r JOIN sitesel_scoringchunk old ON old.id = r.chunk_id"
            ' JOIN sitesel_scoringchunk new ON new.run_id = %s AND new."index" = old."index" WHERE old.run_id = %s',
            [run.pk, source.pk],
        )
    return run.pk


def stored_size(run_id: int) -> str:
    """What one national run keeps: result rows, chunk archives, per-cell ranks and the ranking archive."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM sitesel_scoringresult WHERE run_id = %(r)s),"
            " (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM sitesel_scoringresult t WHERE run_id = %(r)s),"
            " (SELECT count(*) FROM sitesel_scoringchunk WHERE run_id = %(r)s),"
            " (SELECT coalesce(sum(octet_length(payload)), 0) FROM sitesel_scoringchunk WHERE run_id = %(r)s),"
            " (SELECT count(*) FROM sitesel_scoringchunkrank k JOIN sitesel_scoringchunk c ON c.id = k.chunk_id"
            "  WHERE c.run_id = %(r)s),"
            " (SELECT coalesce(sum(octet_length(k.ranked)), 0) FROM sitesel_scoringchunkrank k"
            "  JOIN sitesel_scoringchunk c ON c.id = k.chunk_id WHERE c.run_id = %(r)s),"
            " (SELECT coalesce(octet_length(ranking), 0) FROM sitesel_scoringrun WHERE id = %(r)s)",
            {"r": run_id},
        )
        rows, row_bytes, chunks, payload, ranks, rank_bytes, ranking = cursor.fetchone()
    mib = 1024 * 1024
    return (f"per run: {rows:,} result rows ({row_bytes / mib:,.1f} MiB of row data), {chunks:,} chunks "
            f"({payload / mib:,.1f} MiB of archives), {ranks:,} chunk-rank rows ({rank_bytes / mib:,.1f} MiB), "
            f"ranking archive {ranking / mib:,.1f} MiB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    national = ScoringRun.objects.filter(mode="national", status="succeeded").order_by("pk")
    source = national.first()
    if source is None:
        raise SystemExit("no succeeded national run in the bench database: run bench/bench_scoring.py first")
    print(stored_size(source.pk), flush=True)
    while national.count() < args.runs:
        copy_run(source)
    run = national.last()
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    pages = ["/runs/", f"/runs/{run.pk}/", "/api/v1/scoring-runs/", f"/api/v1/scoring-runs/{run.pk}/",
             f"/api/v1/scoring-runs/{run.pk}/results/?capacity_mw=1000&state=VA",
             f"/api/v1/scoring-runs/{run.pk}/cell/?lon=-77.49&lat=39.04"]  # fmt: skip
    rows = ScoringResult.objects.count()
    stored = f"{national.count()} national runs ({source.cell_size_km:g} km, {source.results_count:,} rows each)"
    print(f"{stored}, {rows:,} result rows in all; ms over {args.repeats} requests after a warm-up (best / median):")
    for page in pages:
        assert client.get(page).status_code == 200, page
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            client.get(page)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {page:<60} {min(times):7.1f} / {statistics.median(times):7.1f}")


if __name__ == "__main__":
    main()
