"""Scoring benchmark: end to end through the API, Celery and PostGIS, against the in-memory floor and
the naive per-site approach, measured in the same run.

    .venv/bin/python bench/bench_scoring.py [--sizes 1000,10000,100000] [--cell-km 5 (e.g. 5,1; 0: skip)]
                                            [--no-national-floor] [--naive-sample 100] [--repeats 3]

It uses its own database (<name>_bench on the same server as DATABASE_URL) and Redis DB 5 (BENCH_REDIS_DB), imports the
real layers there (once), starts a Celery worker (2 processes) on that database, and for each size:
- floor: the same measures (STRtrees over layers already in memory), economics and scoring, in-process;
- end to end: POST /api/v1/scoring-runs/ -> 202, then wait until the run's ranked results are persisted;
- naive: one PostGIS query per site per measure, timed on a sample and extrapolated, plus the floor's
  economics and scoring time (the naive approach differs only in how it measures).
Floor and end to end are the medians of --repeats runs. Then the contiguous-US national screen at each --cell-km
through the same path, next to its floor (the same cells measured, priced, scored and ranked in one process, chunk
by chunk, nothing persisted; once each). Prints a table and each national run's phase timings.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _env() -> dict[str, str]:
    # Its own database (<DATABASE_URL's name>_bench) and Redis DB (BENCH_REDIS_DB, default 5), so two checkouts
    # benchmarking on one machine do not share a worker queue.
    base = os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/sitesel")
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    server, name = base.rsplit("/", 1)
    return {**os.environ, "DATABASE_URL": f"{server}/{name}_bench",
            "REDIS_URL": f"{redis}/{os.environ.get('BENCH_REDIS_DB', '5')}",
            "DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_LOG_LEVEL": "WARNING",
            # Production settings over plain http in-process, as scripts/serve.sh runs them on loopback.
            "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_SECURE_COOKIES": "false"}  # fmt: skip


os.environ.update(_env())
subprocess.run(
    ["psql", os.environ["DATABASE_URL"].replace("postgis:", "postgres:").rsplit("/", 1)[0] + "/postgres", "-qc",
     f"CREATE DATABASE {os.environ['DATABASE_URL'].rsplit('/', 1)[1]}"], capture_output=True, check=False,
)  # fmt: skip

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.gis.geos import Point  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pyproj import Transformer  # noqa: E402

from sitesel.demo.layers import demo_layers_import  # noqa: E402
from sitesel.domain.parameters import DEFAULT_PARAMETERS  # noqa: E402
from sitesel.domain.scoring import ScenarioSpec, score_sites  # noqa: E402
from sitesel.models import ScoringRun, Site  # noqa: E402
from sitesel.scoring_runs.compute import NATIONAL_LINE_KM_STEP, Points, compute_chunk, within_counties  # noqa: E402
from sitesel.scoring_runs.grid import CONUS_BOUNDS_M, cell_points, conus_grid  # noqa: E402
from sitesel.spatial.snapshot import get_snapshot  # noqa: E402

CAPACITIES = [50.0, 1000.0]
TO_LONLAT = Transformer.from_crs(5070, 4326, always_xy=True)


def prepare() -> None:
    call_command("migrate", verbosity=0)
    for _ in demo_layers_import():
        pass
    User.objects.filter(username="bench").delete()
    User.objects.create_superuser("bench", password="bench-only-password-1")


def random_points(n: int, seed: int = 1) -> Points:
    """n points inside US counties of the lower 48, uniform over the land."""
    snapshot = get_snapshot()
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    while sum(len(x) for x in xs) < n:
        x = rng.uniform(CONUS_BOUNDS_M[0], CONUS_BOUNDS_M[2], 2 * n)
        y = rng.uniform(CONUS_BOUNDS_M[1], CONUS_BOUNDS_M[3], 2 * n)
        inside = np.zeros(len(x), dtype=bool)
        idx, _ = snapshot.counties.tree.query(shapely.points(x, y), predicate="within")
        inside[idx] = True
        xs.append(x[inside])
        ys.append(y[inside])
    x, y = np.concatenate(xs)[:n], np.concatenate(ys)[:n]
    lon, lat = TO_LONLAT.transform(x, y)
    return Points(ids=np.arange(1, n + 1), lon=np.asarray(lon), lat=np.asarray(lat), x=x, y=y)


def load_sites(points: Points) -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE sitesel_site CASCADE")
    coordinates = zip(points.lon, points.lat, strict=True)
    sites = [Site(name=f"bench {i}", point=Point(lon, lat, srid=4326)) for i, (lon, lat) in enumerate(coordinates)]
    Site.objects.bulk_create(sites, batch_size=5000)


def floor_seconds(points: Points) -> tuple[float, float]:
    """(total, economics + scoring part) for the in-memory path on layers already loaded."""
    snapshot = get_snapshot()
    started = time.perf_counter()
    rows = compute_chunk(snapshot, points, CAPACITIES, DEFAULT_PARAMETERS, seed=0, draws=500)
    measured = time.perf_counter()
    for capacity in CAPACITIES:
        score_sites(rows.criteria_by_capacity[capacity], points.ids, rows.state, ScenarioSpec())
    total = time.perf_counter() - started
    # compute_chunk measures once and then runs economics per capacity; time measuring alone to split them.
    from sitesel.spatial.measures import measure_points

    t = time.perf_counter()
    measure_points(snapshot, points.lon, points.lat, points.x, points.y)
    measure_only = time.perf_counter() - t
    return total, total - measure_only if total > measure_only else measured - started


def national_floor_seconds(cell_km: float) -> float:
    """The national screen's work in one process on layers already loaded: the grid's cells chunk by chunk as the
    workers take them (cells outside US counties dropped, measures, economics for both capacities), then scoring
    and ranking every capacity over all cells at once. Nothing is persisted."""
    snapshot = get_snapshot()
    grid = conus_grid(cell_km)
    size = settings.SCORING_CELLS_PER_CHUNK
    spec = ScenarioSpec()
    started = time.perf_counter()
    parts: dict[float, list[dict[str, np.ndarray]]] = {c: [] for c in CAPACITIES}
    ids, states = [], []
    for start in range(0, grid.cells, size):
        points = within_counties(snapshot, cell_points(grid, start, start + size))
        if not len(points.ids):
            continue  # sea, Canada or Mexico only
        rows = compute_chunk(
            snapshot, points, CAPACITIES, DEFAULT_PARAMETERS, 0, settings.SCORING_DRAWS, NATIONAL_LINE_KM_STEP
        )
        ids.append(points.ids)
        states.append(rows.state)
        for capacity in CAPACITIES:
            parts[capacity].append({c: rows.criteria_by_capacity[capacity][c] for c in spec.weights})
    all_ids, all_states = np.concatenate(ids), np.concatenate(states)
    for capacity in CAPACITIES:
        criteria = {c: np.concatenate([part[c] for part in parts[capacity]]) for c in spec.weights}
        score_sites(criteria, all_ids, all_states, spec)
    return time.perf_counter() - started


NAIVE_QUERIES = [
    ("hv_lines", "f.voltage_kv >= 230", "ST_Distance(f.geom_albers, p)"),
    ("hv_lines", "f.voltage_kv >= 345", "ST_Distance(f.geom_albers, p)"),
    ("hv_lines", "f.voltage_kv >= 500", "ST_Distance(f.geom_albers, p)"),
    ("hv_substations", "TRUE", "ST_Distance(f.geom_albers, p)"),
    ("datacenters", "TRUE", "ST_Distance(f.geom_albers, p)"),
    ("network_nodes", "TRUE", "ST_Distance(f.geom_albers, p)"),
]


def naive_seconds_per_site(points: Points, sample: int) -> float:
    """One PostGIS query per site per measure (nearest by KNN, sums within 50 km, county lookups)."""
    layer_ids = dict(connection.cursor().execute("SELECT kind, id FROM sitesel_layer").fetchall())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for i in range(sample):
            p = f"ST_Transform(ST_SetSRID(ST_MakePoint({points.lon[i]}, {points.lat[i]}), 4326), 5070)"
            for kind, condition, expression in NAIVE_QUERIES:
                cursor.execute(
                    f"SELECT {expression.replace('p)', p + ')')} FROM sitesel_feature f WHERE layer_id = %s "
                    f"AND valid_to IS NULL AND {condition} ORDER BY f.geom_albers <-> {p} LIMIT 1",
                    [layer_ids[kind]],
                )
            for aggregate in ("sum(f.capacity_mw)", "max(f.voltage_kv)"):
                cursor.execute(
                    f"SELECT {aggregate} FROM sitesel_feature f WHERE layer_id = %s AND valid_to IS NULL "
                    f"AND ST_DWithin(f.geom_albers, {p}, 50000)",
                    [layer_ids["power_plants"]],
                )
            cursor.execute(
                f"SELECT fips, state FROM sitesel_feature f WHERE layer_id = %s AND valid_to IS NULL "
                f"AND ST_Intersects(f.geom_albers, {p}) LIMIT 1",
                [layer_ids["counties"]],
            )
            fips = (cursor.fetchone() or ("", ""))[0]
            for kind in ("labor_force", "population", "household_income", "fema_risk", "water_use"):
                cursor.execute(
                    "SELECT value FROM sitesel_feature WHERE layer_id = %s AND valid_to IS NULL AND fips = %s",
                    [layer_ids[kind], fips],
                )
    return (time.perf_counter() - started) / sample


def end_to_end_seconds(client: Client, payload: dict, timeout: float = 1800) -> tuple[float, ScoringRun]:
    started = time.perf_counter()
    response = client.post("/api/v1/scoring-runs/", payload, content_type="application/json")
    assert response.status_code == 202, response.content
    run = ScoringRun.objects.get(pk=response.json()["id"])
    while run.status not in ("succeeded", "failed"):
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"run {run.pk} still {run.status} after {timeout} s")
        time.sleep(0.01)  # fine-grained, so polling adds little to what is measured
        run.refresh_from_db()
    if run.status == "failed":
        raise SystemExit(f"run {run.pk} failed: {run.error}")
    return time.perf_counter() - started, run


def start_worker() -> subprocess.Popen:
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-l", "warning", "--concurrency", "2",
         "-n", f"bench-{os.getpid()}@%h"], cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    from config.celery_app import app

    for _ in range(100):
        if app.control.ping(timeout=0.5):
            return worker
    raise SystemExit("the Celery worker did not answer")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--cell-km", default="5", help="national grid cell sizes, e.g. 5,1 (0: skip)")
    parser.add_argument("--national-floor", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the national screen in memory in one process (the floor)")  # fmt: skip
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3, help="runs per size; the table shows medians")
    args = parser.parse_args()
    prepare()
    get_snapshot()  # the floor is measured on layers already loaded
    worker = start_worker()
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    rows, timings = [], []
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            points = random_points(n)
            load_sites(points)
            floors, e2es = [], []
            for _ in range(args.repeats):  # medians: one run of a 0.2 s workload is at the mercy of the scheduler
                floors.append(floor_seconds(points))
                e2e, run = end_to_end_seconds(client, {})
                e2es.append(e2e)
            floor, econ_and_scoring = sorted(floors)[len(floors) // 2]
            e2e = float(np.median(e2es))
            naive = naive_seconds_per_site(points, min(args.naive_sample, n)) * n + econ_and_scoring
            rows.append((f"{n:,} sites x 2", floor, e2e, naive, run.results_count))
        for cell_km in [float(c) for c in args.cell_km.split(",") if float(c)]:
            floor = national_floor_seconds(cell_km) if args.national_floor else None
            e2e, run = end_to_end_seconds(client, {"mode": "national", "cell_size_km": cell_km})
            grid = f"US {cell_km:g} km grid x 2 ({run.items_total:,} cells)"
            rows.append((grid, floor, e2e, None, run.results_count))
            stored = f"{run.results_count:,} result rows stored, {run.eligible_count:,} eligible"
            # Wall clock of each phase: chunks until the last one was stored (its heartbeat), then the ranking.
            phases = (f"phases: queue {(run.started_at - run.created_at).total_seconds():.1f} s, chunks "
                      f"{(run.heartbeat_at - run.started_at).total_seconds():.1f} s, ranking "
                      f"{(run.finished_at - run.heartbeat_at).total_seconds():.1f} s")  # fmt: skip
            timings.append(f"{grid}: {run.timings}, {stored}; {phases}")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"\n{'workload':<40} {'floor s':>8} {'end-to-end s':>13} {'e2e/floor':>10} {'naive s':>10} {'naive/e2e':>10}")
    for name, floor, e2e, naive, _ in rows:
        print(
            f"{name:<40} {'' if floor is None else f'{floor:8.2f}':>8} {e2e:13.2f} "
            f"{'' if floor is None else f'{e2e / floor:9.2f}x':>10} {'' if naive is None else f'{naive:10.1f}':>10} "
            f"{'' if naive is None else f'{naive / e2e:9.1f}x':>10}"
        )
    for line in timings:
        print(line)
    print("targets: end-to-end <= 3x floor; >= 50x faster than naive; national 5 km grid x 2 capacities < 60 s;")
    print("         national 1 km grid x 2 capacities < 300 s end to end and within 2x of its floor")


if __name__ == "__main__":
    main()
