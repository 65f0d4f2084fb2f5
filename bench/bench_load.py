"""Load benchmark: the API under gunicorn on loopback, token-authenticated, in bounded runs.

    .venv/bin/python bench/bench_load.py [--workers 2] [--worker-class gthread] [--threads 4] [--preload]
                                         [--audit-rounds 2] [--no-audit-compare]
                                         [--concurrency 8] [--seconds 20] [--warmup 5]
                                         [--compare sync:3,gthread:2x4,gthread:3x4,gthread:2x8]

It uses its own database (sitesel_load on the server of DATABASE_URL) and Redis DB 10, migrates it, loads the
real demo layers and sites (demo_setup) and the demo 1 GW program (orchestration_demo_load), makes a knox token for
the planner, and starts gunicorn on 127.0.0.1:<free port> with production settings (DJANGO_DEBUG=false). Requests
carry `X-Forwarded-Proto: https` as the TLS proxy in front of gunicorn would (SECURE_SSL_REDIRECT stays on).
Each route gets a warm-up, then a bounded run from an asyncio client with keep-alive connections; it prints route,
concurrency, requests, req/s, p50, p99, errors, target and pass/fail, and the CPU time per request that gunicorn's
processes, their PostgreSQL backends and the client used (from /proc: steadier than req/s on a shared machine).
It exits 1 if any response was not a 200, 2 if every response was a 200 but a target was missed.
Then the write routes (site and contract PATCHes) run with the change log off and on, alternating `--audit-rounds`
times, and the table gives on/off req/s against the budget (on >= 90 % of off; docs/audit.md).
`--compare` first runs the detail route once per gunicorn configuration (workers, or workers x threads) and prints
that table too. The client runs on the same cores as gunicorn and PostgreSQL: its CPU is counted against the
server's throughput. The defaults are the configuration chosen in docs/reliability.md §6.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Its own database and Redis DB (override them when several checkouts share one machine).
DB_NAME = os.environ.get("BENCH_LOAD_DB", "sitesel_load")
REDIS_DB = int(os.environ.get("BENCH_LOAD_REDIS_DB", "10"))
# Rows the write routes spread over (so requests do not all queue on one row lock), and the change-log
# budget: writes with the change log on keep at least this share of the req/s they reach with it off.
WRITE_ROWS = 16
AUDIT_MIN_RATIO = 0.90


def _env() -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/sitesel")
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + f"/{REDIS_DB}"
    return {
        **os.environ,
        "DATABASE_URL": base.rsplit("/", 1)[0] + f"/{DB_NAME}",
        "REDIS_URL": redis,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        # The bench stands in for the TLS proxy (it sends X-Forwarded-Proto): the one proxy the app trusts.
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
    }


os.environ.update(_env())
subprocess.run(
    ["psql", os.environ["DATABASE_URL"].replace("postgis:", "postgres:").rsplit("/", 1)[0] + "/postgres", "-qc",
     f"CREATE DATABASE {DB_NAME}"], capture_output=True, check=False,
)  # fmt: skip

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from knox.models import get_token_model  # noqa: E402

from orchestration.models import Contract, Delivery  # noqa: E402
from sitesel.models import Site  # noqa: E402


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    min_rps: float | None = None
    max_p99_ms: float | None = None
    method: str = "GET"
    # A write cycles through these (path, JSON body) pairs, so every request really changes a row.
    writes: tuple[tuple[str, bytes], ...] = ()

    @property
    def target(self) -> str:
        if self.min_rps is None:
            return "(comparison)"
        return f">= {self.min_rps:g} req/s, p99 < {self.max_p99_ms:g} ms"


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # connection errors and malformed responses
    sent: int = 0
    seconds: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # gunicorn, postgres, client: CPU used in the run

    @property
    def errors(self) -> int:
        return self.failures + sum(n for code, n in self.statuses.items() if code != 200)

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def prepare() -> dict[str, str]:
    """Migrate and load the demo data (both steps skip what is already there); returns the routes' ids and a token."""
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as secrets_dir, open(os.devnull, "w") as quiet:
        call_command("demo_setup", secrets_dir=Path(secrets_dir), stdout=quiet)
        call_command("orchestration_demo_load", stdout=quiet)
    planner = User.objects.get(username="planner")
    get_token_model().objects.filter(user=planner).delete()  # the tokens of earlier runs
    _, token = get_token_model().objects.create(planner)
    return {
        "site": str(Site.objects.order_by("pk").values_list("pk", flat=True).first()),
        "write_sites": Site.objects.order_by("pk").values_list("pk", flat=True)[:WRITE_ROWS],
        "write_contracts": Contract.objects.order_by("pk").values_list("pk", flat=True)[:WRITE_ROWS],
        "sites": str(Site.objects.count()),
        "deliveries": str(Delivery.objects.count()),
        "token": token,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(
    *, port: int, workers: int, worker_class: str, threads: int, preload: bool, settings: str = "config.settings.base"
) -> subprocess.Popen:
    # The deployments' configuration file (the server `make demo` and the Dockerfile run); the flags below set the
    # configuration being measured.
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "config/gunicorn.conf.py"), "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads), "--timeout", "60",
        "--keep-alive", "5", "--log-level", "warning",
    ]  # fmt: skip
    if preload:
        command.append("--preload")
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": settings})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    gunicorn_stop(server)
    raise SystemExit("gunicorn did not start within 60 s")


def gunicorn_stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def request_bytes(path: str, token: str, method: str = "GET", body: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
        "X-Forwarded-Proto: https\r\nAccept: application/json\r\nConnection: keep-alive\r\n"
    )
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def route_payloads(route: Route, token: str) -> list[bytes]:
    if not route.writes:
        return [request_bytes(route.path, token)]
    return [request_bytes(path, token, route.method, body) for path, body in route.writes]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """(status, keep the connection, body) of one HTTP/1.1 response with a Content-Length."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed before the response")
    status = int(status_line.split(b" ", 2)[1])
    length, keep = None, True
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep = False
    if length is None:
        raise ConnectionError("response without Content-Length")
    return status, keep, await reader.readexactly(length)


async def _client(port: int, payloads: list[bytes], deadline: float, stats: Stats) -> None:
    reader = writer = None
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.perf_counter()
            stats.sent += 1
            writer.write(payloads[stats.sent % len(payloads)])
            status, keep, _ = await _read_response(reader)
            stats.latencies.append(time.perf_counter() - started)
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            stats.failures += 1
            keep = False
        if not keep and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(port: int, payloads: list[bytes], concurrency: int, seconds: float) -> Stats:
    stats = Stats()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_client(port, payloads, deadline, stats) for _ in range(concurrency)))
    stats.seconds = time.perf_counter() - started
    return stats


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: set[int]) -> dict[int, float]:
    """CPU time (user + system) of each process still alive, from /proc."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def _children(parent: int) -> set[int]:
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.add(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return pids


def _db_backends() -> set[int]:
    """PostgreSQL backends serving the bench database (gunicorn's persistent connections), not this one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def run_route(
    server: subprocess.Popen, port: int, route: Route, token: str, *, concurrency: int, seconds: float, warmup: float
) -> Stats:
    """Warm up, then one bounded run; also the CPU that gunicorn's workers, their PostgreSQL backends and this
    client used during the run (the machine is shared, so CPU per request is the steadier figure)."""
    payloads = route_payloads(route, token)
    if warmup > 0:
        asyncio.run(_load(port, payloads, concurrency, warmup))
    groups = {"gunicorn": _children(server.pid) | {server.pid}, "postgres": _db_backends()}
    before = {name: _cpu_seconds(pids) for name, pids in groups.items()}
    client_before = time.process_time()
    stats = asyncio.run(_load(port, payloads, concurrency, seconds))
    stats.cpu_seconds["client"] = time.process_time() - client_before
    groups["postgres"] |= _db_backends()
    for name, pids in groups.items():
        after = _cpu_seconds(pids)
        stats.cpu_seconds[name] = sum(t - before[name].get(pid, 0.0) for pid, t in after.items())
    return stats


def check_response(port: int, route: Route, token: str) -> dict:
    """One request before the run: a 200 with a JSON body (so a misconfigured server fails loudly)."""

    async def one() -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(route_payloads(route, token)[0])
        status, _, body = await _read_response(reader)
        writer.close()
        return status, body

    status, body = asyncio.run(one())
    if status != 200:
        raise SystemExit(f"{route.path}: HTTP {status}: {body[:300]!r}")
    return json.loads(body)


def row(route: Route, stats: Stats, concurrency: int) -> tuple[list[str], bool]:
    rps = len(stats.latencies) / stats.seconds if stats.seconds else 0.0
    p50, p99 = stats.percentile_ms(0.50), stats.percentile_ms(0.99)
    ok = stats.errors == 0
    if route.min_rps is not None:
        ok = ok and rps >= route.min_rps and p99 < route.max_p99_ms
    verdict = "pass" if ok else "FAIL"
    if route.min_rps is None and stats.errors == 0:
        verdict = "-"
    per_request = {name: 1000 * cpu / max(1, len(stats.latencies)) for name, cpu in stats.cpu_seconds.items()}
    cpu = [f"{per_request[name]:.2f}" for name in ("gunicorn", "postgres", "client")]
    cells = [route.name, str(concurrency), str(len(stats.latencies)), f"{rps:.0f}", f"{p50:.1f}", f"{p99:.1f}",
             str(stats.errors), route.target, verdict, *cpu]  # fmt: skip
    return cells, ok


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


def parse_config(text: str) -> tuple[str, int, int]:
    """E.g. "sync:3" -> (sync, 3 workers, 1 thread); "gthread:2x4" -> (gthread, 2 workers, 4 threads)."""
    kind, _, size = text.partition(":")
    workers, _, threads = size.partition("x")
    return kind, int(workers), int(threads or 1)


def write_routes(ids: dict) -> list[Route]:
    """PATCHes a planner makes all day: a site's notes, a contract's late penalty. Each request changes its row
    (two values alternate), so with the change log on every request writes a change row."""
    sites = tuple(
        (f"/api/v1/sites/{pk}/", json.dumps({"notes": f"bench note {variant}"}).encode())
        for variant in (0, 1) for pk in ids["write_sites"]
    )  # fmt: skip
    contracts = tuple(
        (f"/api/v1/contracts/{pk}/", json.dumps({"late_penalty_per_day": f"{penalty}.00"}).encode())
        for penalty in (1000, 2000) for pk in ids["write_contracts"]
    )  # fmt: skip
    return [
        Route("site PATCH (notes)", "/api/v1/sites/", method="PATCH", writes=sites),
        Route("contract PATCH (late penalty)", "/api/v1/contracts/", method="PATCH", writes=contracts),
    ]


def audit_compare(args, ids: dict) -> bool:
    """Write routes with the change log off (triggers disabled, no context middleware) and on, alternating
    `--audit-rounds` times in this one run; prints the table; True when every route keeps AUDIT_MIN_RATIO."""
    routes = write_routes(ids)
    totals: dict[tuple[str, str], Stats] = {}
    logging.getLogger("pgtrigger").setLevel(logging.WARNING)  # it logs every trigger it enables or disables
    try:
        for _ in range(args.audit_rounds):
            for mode in ("off", "on"):
                with open(os.devnull, "w") as quiet:
                    call_command("pgtrigger", "disable" if mode == "off" else "enable", stdout=quiet)
                port = free_port()
                settings = "bench.settings_no_audit" if mode == "off" else "config.settings.base"
                server = gunicorn_start(
                    port=port, workers=args.workers, worker_class=args.worker_class, threads=args.threads,
                    preload=args.preload, settings=settings,
                )  # fmt: skip
                try:
                    for route in routes:
                        check_response(port, route, ids["token"])
                        stats = run_route(server, port, route, ids["token"], concurrency=args.concurrency,
                                          seconds=args.seconds, warmup=args.warmup)  # fmt: skip
                        total = totals.setdefault((route.name, mode), Stats())
                        total.latencies += stats.latencies
                        total.failures += stats.failures
                        total.seconds += stats.seconds
                        for code, n in stats.statuses.items():
                            total.statuses[code] = total.statuses.get(code, 0) + n
                        for name, cpu in stats.cpu_seconds.items():
                            total.cpu_seconds[name] = total.cpu_seconds.get(name, 0.0) + cpu
                finally:
                    gunicorn_stop(server)
    finally:
        with open(os.devnull, "w") as quiet:
            call_command("pgtrigger", "enable", stdout=quiet)
    rows, ok = [], True
    for route in routes:
        off, on = totals[(route.name, "off")], totals[(route.name, "on")]
        rps = {mode: len(t.latencies) / t.seconds for mode, t in (("off", off), ("on", on))}
        ratio = rps["on"] / rps["off"] if rps["off"] else 0.0
        passed = ratio >= AUDIT_MIN_RATIO and off.errors == on.errors == 0
        ok = ok and passed
        for mode, t in (("off", off), ("on", on)):
            server_cpu = t.cpu_seconds.get("gunicorn", 0) + t.cpu_seconds.get("postgres", 0)
            cpu = 1000 * server_cpu / max(1, len(t.latencies))
            rows.append([route.name, mode, str(len(t.latencies)), f"{rps[mode]:.0f}", f"{t.percentile_ms(0.5):.1f}",
                         f"{t.percentile_ms(0.99):.1f}", str(t.errors), f"{cpu:.2f}",
                         f"{ratio:.2f}" if mode == "on" else "",
                         ("pass" if passed else "FAIL") if mode == "on" else ""])  # fmt: skip
    print(f"\nWrites with the change log off and on ({args.audit_rounds} alternating rounds of {args.seconds:g} s per "
          f"route and mode; budget: on >= {AUDIT_MIN_RATIO:.0%} of off req/s):")  # fmt: skip
    print_table(["route", "change log", "requests", "req/s", "p50 ms", "p99 ms", "errors",
                 "CPU ms/req (server+db)", "on/off", "result"], rows)  # fmt: skip
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--preload", action="store_true")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--audit-rounds", type=int, default=2, help="off/on rounds of the change-log comparison")
    parser.add_argument("--no-audit-compare", action="store_true", help="skip the change-log write comparison")
    parser.add_argument(
        "--compare", default="", help="gunicorn configurations for the detail route, e.g. sync:2,gthread:2x4"
    )
    args = parser.parse_args()

    ids = prepare()
    print(f"Data: {ids['sites']} sites, {ids['deliveries']} deliveries (database {DB_NAME}, Redis DB {REDIS_DB})")
    detail = Route("site detail", f"/api/v1/sites/{ids['site']}/", 300, 100)
    routes = [
        detail,
        Route("sites GeoJSON, 50 features", "/api/v1/sites/geojson/?page_size=50", 100, 300),
        Route("deliveries list, 50 rows", "/api/v1/deliveries/?page_size=50"),
    ]
    header = ["route", "conc.", "requests", "req/s", "p50 ms", "p99 ms", "errors", "target", "result",
              "CPU ms/req: gunicorn", "postgres", "client"]  # fmt: skip
    errors = targets_met = 0

    if args.compare:
        rows = []
        for text in args.compare.split(","):
            kind, workers, threads = parse_config(text)
            port = free_port()
            server = gunicorn_start(port=port, workers=workers, worker_class=kind, threads=threads,
                                    preload=args.preload)  # fmt: skip
            try:
                stats = run_route(server, port, detail, ids["token"], concurrency=args.concurrency,
                                  seconds=args.seconds, warmup=args.warmup)  # fmt: skip
            finally:
                gunicorn_stop(server)
            rows.append([text, *row(detail, stats, args.concurrency)[0][1:]])
            errors += stats.errors
        print("\nDetail route per gunicorn configuration:")
        print_table(["gunicorn", *header[1:]], rows)

    port = free_port()
    config = f"{args.worker_class}:{args.workers}" + (f"x{args.threads}" if args.worker_class == "gthread" else "")
    print(f"\ngunicorn {config}{' --preload' if args.preload else ''} on 127.0.0.1:{port}, "
          f"{args.warmup:g} s warm-up + {args.seconds:g} s per route")  # fmt: skip
    server = gunicorn_start(port=port, workers=args.workers, worker_class=args.worker_class, threads=args.threads,
                            preload=args.preload)  # fmt: skip
    rows = []
    try:
        features = check_response(port, routes[1], ids["token"])["features"]
        if len(features) != 50:
            raise SystemExit(f"the GeoJSON page has {len(features)} features, not 50")
        for route in routes:
            check_response(port, route, ids["token"])
            stats = run_route(server, port, route, ids["token"], concurrency=args.concurrency,
                              seconds=args.seconds, warmup=args.warmup)  # fmt: skip
            cells, ok = row(route, stats, args.concurrency)
            rows.append(cells)
            errors += stats.errors
            targets_met += ok
            if stats.errors:
                print(f"{route.name}: statuses {stats.statuses}, connection failures {stats.failures}")
    finally:
        gunicorn_stop(server)
    print_table(header, rows)
    audit_ok = True if args.no_audit_compare else audit_compare(args, ids)
    # Any response that is not a 200 fails the bench (1); a missed throughput, latency or change-log target is 2.
    if errors:
        return 1
    return 0 if targets_met == len(routes) and audit_ok else 2


if __name__ == "__main__":
    sys.exit(main())
