"""Fault drills (issue 6 point 4), on loopback, each bounded in time; prints a table and exits non-zero on failure.

    make drills                                  # every drill, 20 iterations of each kill
    .venv/bin/python bench/drills.py [--iterations 20] [--drills scoring,checks,redis,postgres,beat]
                                     [--quick] [--json PATH]

Everything runs on private services, never on the shared ones: a Redis started here (`--redis-port`,
no persistence), Celery workers and beat started here, a database of its own (`<DATABASE_URL name>_drills`,
created, migrated and loaded with the real layers on first use) and, for the PostgreSQL drill, a
PostgreSQL cluster initialised and started here (`--pg-port`). Only processes this script started are
ever killed, by their PID. Logs go to .run/drills/.

Drills:
- scoring-main / scoring-child: a scoring run of `--sites` sites in chunks of `--chunk`; in the middle
  of it SIGKILL one of the two workers' main process (with its pool child: the whole worker dies, its
  message stays unacked until the visibility timeout; then start it again) or only its pool child
  (Celery re-queues the task: reject_on_worker_lost). The run must succeed with one result per site and
  capacity: lost = expected - distinct, duplicated = rows - distinct.
- checks-main / checks-child: the same kills in the middle of a supplier check against a slow feed on
  loopback (`--feed-rows` shipments, `--feed-delay` s before the answer). The check must succeed, every
  shipment must exist once, with one `created` event.
- redis: kill -9 the private Redis in the middle of a scoring run and three queued checks, start it
  again: everything reaches a terminal state (the sweeper re-enqueues what the restart lost) and a task
  sent once Redis is back is consumed within 30 s.
- postgres: kill -9 the private cluster's postmaster and backends in the middle of a stream of
  POST /api/v1/deliveries/ to gunicorn, restart it: every 201 is in the database with its payload,
  every delivery has exactly one `created` event, and the API answers 201 again.
- beat: two `celery beat` processes on one DatabaseScheduler fire a supplier check every `--beat-period`
  s for `--beat-seconds`: one check run per period.

Recovery is measured from the kill (or from Redis coming back) to the run's finish, with the lease
(WORK_LEASE_SECONDS) and sweeper interval given here; the machine is shared, so times are noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RUN_DIR = ROOT / ".run" / "drills"
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from orchestration.loopback import QuietHandler, serve_in_thread  # noqa: E402  (no Django import)

RECOVERY_LIMIT_S = 30.0  # workers consume again within this after Redis returns (issue 6)
TERMINAL = ("succeeded", "failed")


@dataclass
class Result:
    drill: str
    iterations: int = 0
    lost: int = 0
    duplicated: int = 0
    failed_runs: int = 0
    not_mid_run: int = 0
    max_recovery_s: float = 0.0
    recoveries_s: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # failures
    info: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.iterations > 0 and not (self.lost or self.duplicated or self.failed_runs or self.notes)

    def recovered(self, seconds: float) -> None:
        self.recoveries_s.append(round(seconds, 2))
        self.max_recovery_s = max(self.max_recovery_s, round(seconds, 2))


def wait_for(predicate: Callable[[], object], timeout: float, poll: float = 0.2) -> object:
    """The predicate's first truthy value, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def children(pid: int) -> list[int]:
    """Child PIDs of `pid`, whichever of its threads forked them (billiard re-forks from a supervisor thread)."""
    found = []
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            found += [int(c) for c in listing.read_text().split()]
    return found


def sigkill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.kill(pid, signal.SIGKILL)


def succeeded(run, label: str, result: Result, since: float | None) -> bool:
    """Whether a scoring or check run (None: unfinished) succeeded; records a failure or the recovery time."""
    if run is None or run.status != "succeeded":
        result.failed_runs += 1
        result.notes.append(f"{label}: {run.status if run else 'unfinished'} {run.error if run else ''}")
        return False
    if since is not None:
        result.recovered(run.finished_at.timestamp() - since)
    return True


# --- processes started here ----------------------------------------------------------------------------


class Procs:
    """Every process this script starts; `stop_all` ends them (and only them) by PID."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env, self.running = env, []

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(RUN_DIR / f"{name}.log", "ab")  # noqa: SIM115 - the child owns it for its lifetime
        proc = subprocess.Popen(argv, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT)
        self.running.append(proc)
        return proc

    def worker(self, name: str) -> subprocess.Popen:
        argv = [str(BIN / "celery"), "-A", "config", "worker", "-n", f"drill-{name}@%h", "-c", "1", "-P", "prefork",
                "-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
        return self.start(f"worker-{name}", argv)

    def beat(self, name: str) -> subprocess.Popen:
        argv = [str(BIN / "celery"), "-A", "config", "beat", "-S", "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile=", "--max-interval", "1", "-l", "info"]  # fmt: skip
        return self.start(name, argv)

    def kill(self, proc: subprocess.Popen, *, with_children: bool = True) -> None:
        sigkill(([*children(proc.pid)] if with_children else []) + [proc.pid])
        proc.wait(10)
        self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(self.running):
            if proc.poll() is None:
                proc.terminate()
        for proc in list(self.running):
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill(proc)
        self.running.clear()


class Workers:
    """Two single-process workers (so each pool child is always busy mid-run)."""

    def __init__(self, procs: Procs) -> None:
        self.procs = procs
        self.by_name = {name: procs.worker(name) for name in ("a", "b")}

    def running(self, task: str) -> list[str]:
        """The workers running `task` now (asked over the broker's control channel)."""
        from config.celery_app import app

        active = app.control.inspect(timeout=1.0).active() or {}
        return sorted(
            host.split("@")[0].removeprefix("drill-")
            for host, tasks in active.items()
            if any(t["name"] == task for t in tasks)
        )

    def kill(self, kind: str, rng: random.Random, among: list[str] | None = None) -> None:
        """SIGKILL the main process (and child) or only the pool child of one worker, chosen among `among`."""
        name = rng.choice(among or sorted(self.by_name))
        proc = self.by_name[name]
        if kind == "main":  # the whole worker dies; a new one is started, as a supervisor would
            self.procs.kill(proc)
            self.by_name[name] = self.procs.worker(name)
        else:  # only the pool child: the main process re-queues its task and forks a new child
            child = wait_for(lambda: children(proc.pid), 30)
            sigkill(child or [])

    def stop(self) -> None:
        for proc in self.by_name.values():
            if proc.poll() is None:
                proc.terminate()
                proc.wait(30)
            self.procs.running.remove(proc)


class PrivateRedis:
    def __init__(self, procs: Procs, port: int) -> None:
        self.procs, self.port, self.proc = procs, port, None

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--maxmemory-policy", "noeviction"]  # fmt: skip
        self.proc = self.procs.start(f"redis-{self.port}", argv)
        if not wait_for(lambda: port_open(self.port), 20):
            raise RuntimeError(f"private Redis did not start on {self.port}")

    def kill(self) -> None:
        self.procs.kill(self.proc)


class PrivatePostgres:
    """A throwaway cluster under .run/drills/pg, owned by `postgres` when run as root (initdb refuses root)."""

    def __init__(self, procs: Procs, port: int) -> None:
        self.procs, self.port = procs, port
        self.data = RUN_DIR / f"pg-{port}"
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]

    def _as_owner(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            self.data.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.data, "postgres")
            initdb = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
            subprocess.run(self._as_owner(initdb), check=True, capture_output=True)
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        ctl = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"), "-w",
               "-t", "60", "-o", options, "start"]  # fmt: skip
        subprocess.run(self._as_owner(ctl), check=True, capture_output=True)

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def crash(self) -> None:
        """SIGKILL the postmaster and every backend: what a machine crash does to the server."""
        pid = self.postmaster()
        sigkill([pid, *children(pid)])
        wait_for(lambda: not Path(f"/proc/{pid}").exists() and not port_open(self.port), 30)

    def stop(self) -> None:
        ctl = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
        subprocess.run(self._as_owner(ctl), capture_output=True)


class SlowFeed:
    """Supplier feeds on loopback, each answered after a delay (so a kill can land mid-download)."""

    def __init__(self) -> None:
        routes: dict[str, tuple[bytes, float]] = {}
        self.routes = routes

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                body, delay = routes.get(self.path, (b"{}", 0.0))
                time.sleep(delay)
                try:
                    self.send_response(200 if self.path in routes else 404)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the worker fetching it was killed

        self.httpd = serve_in_thread(Handler)
        self.port = self.httpd.server_address[1]

    def route(self, path: str, body: bytes, delay: float) -> str:
        self.routes[path] = (body, delay)
        return f"http://127.0.0.1:{self.port}{path}"


# --- environment and data ----------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drill_env(args, feed_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=args.database_url,
        REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
        WORK_LEASE_SECONDS=str(args.lease),
        SWEEPER_INTERVAL_SECONDS=str(args.sweep_every),
        # Drills re-enqueue on purpose and the machine is shared: the give-up limit is not what is tested here.
        SWEEPER_MAX_SWEEPS="50",
        SCORING_SITES_PER_CHUNK=str(args.chunk),
        SCORING_DRAWS="100",
        SUPPLIER_FEED_ALLOW_PRIVATE="true",
        # The drills post to gunicorn over plain http on loopback (production settings would redirect to https).
        DJANGO_SECURE_SSL_REDIRECT="false",
        SUPPLIER_FEED_ALLOWED_HOSTS="127.0.0.1",
        SUPPLIER_FEED_ALLOWED_PORTS=str(feed_port),
        SUPPLIER_FEED_READ_TIMEOUT=str(args.feed_delay + 5),
        SUPPLIER_FEED_TOTAL_TIMEOUT=str(args.feed_delay + 5),
        SUPPLIER_FEED_ATTEMPTS="1",
        SUPPLIER_CHECK_DEDUP_SECONDS=str(max(1, args.beat_period - 2)),
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_CONN_MAX_AGE="60",
    )
    return env


def database_ensure(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = with_database(url, "postgres").replace("postgis://", "postgres://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def migrate(env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def drill_sites(count: int) -> str:
    """`count` candidate sites at seeded random points, tagged `drill<count>`; returns the tag."""
    import numpy as np
    from django.contrib.gis.geos import Point

    from sitesel.models import Site

    tag = f"drill{count}"
    have = Site.objects.filter(tags__contains=[tag]).count()
    if have < count:
        rng = np.random.default_rng(count)
        lon, lat = rng.uniform(-100, -80, count), rng.uniform(32, 42, count)
        Site.objects.bulk_create(
            Site(name=f"Drill site {i}", source_ref=f"{tag}-{i}", point=Point(lon[i], lat[i], srid=4326), tags=[tag])
            for i in range(have, count)
        )
    return tag


def program_create(name: str):
    """One 50 MW block with a chips contract drawn from its BOM; returns (supplier, first contract line)."""
    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from orchestration.models import Category, ContractLine, Supplier
    from orchestration.services.contracts import contract_create
    from orchestration.services.projects import project_create
    from sitesel.models import Site

    supplier = Supplier.objects.filter(name=f"{name} supplier").first()
    if supplier is None:
        site = Site.objects.create(name=f"{name} site", point=Point(-97.5, 32.5, srid=4326))
        first_go_live = timezone.localdate() + timedelta(days=400)
        project = project_create(
            site=site, name=name, target_mw=50.0, block_mw=50.0, planned_first_go_live=first_go_live
        )
        supplier = Supplier.objects.create(name=f"{name} supplier", category=Category.CHIPS)
        contract_create(supplier=supplier, project=project, reference=f"{name}-chips", lines_from_bom=True,
                        unit_values={})  # fmt: skip
    line = ContractLine.objects.filter(contract__supplier=supplier).select_related("contract").order_by("pk").first()
    return supplier, line


def api_setup() -> None:
    """Run in a subprocess against the private cluster: a planner, its token and a contract line, as JSON."""
    from django.contrib.auth.models import Group, User
    from knox.models import AuthToken

    from config.api.permissions import PLANNER_GROUP

    user, _ = User.objects.get_or_create(username="drill-planner")
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    _, token = AuthToken.objects.create(user)
    _, line = program_create("Drill API program")
    print(json.dumps({"token": token, "line": line.pk, "promised": str(line.required_on_site)}))


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


# --- drills ------------------------------------------------------------------------------------------------


class Drills:
    def __init__(self, args, env: dict[str, str], procs: Procs, feed: SlowFeed, redis: PrivateRedis) -> None:
        self.args, self.env, self.procs, self.feed, self.redis = args, env, procs, feed, redis
        self.rng = random.Random(args.seed)
        self.token = f"{int(time.time())}"  # makes shipment refs unique across repeated drill runs

    # scoring ------------------------------------------------------------------------------------------

    def scoring_start(self):
        from sitesel.services.scoring import scenario_default, scoring_run_create

        return scoring_run_create(scenario=scenario_default(), site_filter={"tags": [self.tag]})

    def scoring_verify(self, run_id: int, result: Result, since: float | None) -> None:
        from django.db import connection

        from sitesel.models import ScoringRun

        run = wait_for(lambda: ScoringRun.objects.filter(pk=run_id, status__in=TERMINAL).first(), self.args.timeout)
        if not succeeded(run, f"run {run_id}", result, since):
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(DISTINCT (site_id, capacity_mw)) FROM sitesel_scoringresult WHERE run_id = %s",
                [run_id],
            )
            rows, distinct = cursor.fetchone()
        expected = run.items_total * len(run.capacities_mw)
        result.lost += expected - distinct
        result.duplicated += rows - distinct

    def scoring_kills(self, kind: str) -> Result:
        from sitesel.models import ScoringRun

        result = Result(f"kill -9 worker {kind} mid scoring run")
        while self.attempts_left(result):
            run = self.scoring_start()
            target = self.rng.randint(2, max(2, run.chunks_total - 3))
            progressed = wait_for(
                lambda run=run, target=target: (
                    ScoringRun.objects.filter(pk=run.pk, chunks_done__gte=target).exists()
                    or ScoringRun.objects.filter(pk=run.pk, status__in=TERMINAL).exists()
                ),
                self.args.timeout,
                poll=0.05,
            )
            mid_run = progressed and ScoringRun.objects.filter(pk=run.pk, status="running").exists()
            killed_at, recorded = time.time(), len(result.recoveries_s)
            self.workers.kill(kind, self.rng)
            self.scoring_verify(run.pk, result, killed_at)
            self.count(result, mid_run, recorded)
        return result

    def attempts_left(self, result: Result) -> bool:
        """Kills that land after the work finished do not count; try again, up to three times the iterations."""
        if result.iterations >= self.args.iterations:
            return False
        if result.iterations + result.not_mid_run < 3 * self.args.iterations:
            return True
        result.notes.append(f"only {result.iterations} of {self.args.iterations} kills landed mid-run")
        return False

    def count(self, result: Result, mid_run: bool, recorded_from: int) -> None:
        if mid_run:
            result.iterations += 1
        else:  # its "recovery" is only the rest of an undisturbed run
            result.not_mid_run += 1
            del result.recoveries_s[recorded_from:]
            result.max_recovery_s = max(result.recoveries_s, default=0.0)
        last = result.recoveries_s[-1:] if mid_run else "finished before the kill: not counted"
        print(f"  {result.drill}: {result.iterations}/{self.args.iterations} {last}", flush=True)

    # supplier checks ----------------------------------------------------------------------------------

    def feed_publish(self, label: str, delay: float | None = None) -> tuple[str, int]:
        """A feed of new shipments on the drill line, answered slowly; returns (shipment ref prefix, rows)."""
        prefix = f"D{self.token}-{label}-"
        rows = [
            {"shipment_ref": f"{prefix}{n}", "contract_ref": self.line.contract.reference, "line_no": self.line.line_no,
             "quantity": "0.001", "status": "scheduled", "promised_date": str(self.line.required_on_site)}
            for n in range(self.args.feed_rows)
        ]  # fmt: skip
        body = json.dumps({"schema_version": 1, "shipments": rows}).encode()
        self.supplier.feed_url = self.feed.route(
            f"/{prefix}.json", body, self.args.feed_delay if delay is None else delay
        )
        self.supplier.save(update_fields=["feed_url"])
        return prefix, len(rows)

    def check_verify(self, run_id: int, prefix: str, expected: int, result: Result, since: float | None) -> None:
        from orchestration.models import Delivery, DeliveryEvent, SupplierCheckRun

        run = wait_for(
            lambda: SupplierCheckRun.objects.filter(pk=run_id, status__in=TERMINAL).first(), self.args.timeout
        )
        if not succeeded(run, f"check {run_id}", result, since):
            return
        deliveries = Delivery.objects.filter(supplier=self.supplier, shipment_ref__startswith=prefix)
        distinct = deliveries.values("shipment_ref").distinct().count()
        created = DeliveryEvent.objects.filter(delivery__in=deliveries, kind="created").count()
        result.lost += expected - distinct
        result.duplicated += (deliveries.count() - distinct) + (created - distinct)

    def check_kills(self, kind: str) -> Result:
        from orchestration.models import SupplierCheckRun
        from orchestration.services.checks import supplier_check_request

        result = Result(f"kill -9 worker {kind} mid supplier check")
        while self.attempts_left(result):
            prefix, expected = self.feed_publish(f"{kind}{result.iterations + result.not_mid_run}")
            run = supplier_check_request(supplier=self.supplier)
            wait_for(lambda run=run: SupplierCheckRun.objects.filter(pk=run.pk, status="running").exists(), 60, 0.05)
            busy = self.workers.running("orchestration.supplier_check")  # one worker has the check; kill that one
            # The inspection took about a second of the download: the kill lands late in it or early in the apply.
            time.sleep(self.rng.uniform(0.0, self.args.feed_delay - 0.5))
            mid_run = bool(busy) and SupplierCheckRun.objects.filter(pk=run.pk, status="running").exists()
            killed_at, recorded = time.time(), len(result.recoveries_s)
            self.workers.kill(kind, self.rng, among=busy)
            self.check_verify(run.pk, prefix, expected, result, killed_at)
            self.count(result, mid_run, recorded)
        return result

    # Redis restart ------------------------------------------------------------------------------------

    def consumed_after(self, back_at: float) -> float:
        """Seconds from Redis' return until a task sent then has been run by a worker."""
        from sitesel.tasks import site_facts_refresh_task

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                site_facts_refresh_task.delay([]).get(timeout=max(1.0, deadline - time.monotonic()))
                return time.time() - back_at
            except Exception as exc:  # noqa: BLE001 - publishing fails until the connection is re-made
                print(f"  probe: {type(exc).__name__}: {exc}", flush=True)
                time.sleep(0.5)
        return float("inf")

    def redis_restart(self) -> Result:
        from orchestration.services.checks import supplier_check_request
        from sitesel.models import ScoringRun

        result = Result("kill -9 Redis mid run and check, restart")
        for i in range(self.args.redis_iterations):
            run = self.scoring_start()
            prefix, expected = self.feed_publish(f"redis{i}")
            check = supplier_check_request(supplier=self.supplier)
            wait_for(lambda run=run: ScoringRun.objects.filter(pk=run.pk, chunks_done__gte=2).exists(), 120, 0.05)
            if not ScoringRun.objects.filter(pk=run.pk, status="running").exists():
                result.not_mid_run += 1
            self.redis.kill()
            time.sleep(self.args.redis_down)
            self.redis.start()
            back_at = time.time()
            consumed = self.consumed_after(back_at)
            result.recovered(consumed)
            print(f"  redis {i}: workers consumed a task {consumed:.1f} s after Redis returned", flush=True)
            if consumed > RECOVERY_LIMIT_S:
                result.notes.append(f"workers consumed again after {consumed:.1f} s (> {RECOVERY_LIMIT_S:.0f} s)")
            self.scoring_verify(run.pk, result, None)
            self.check_verify(check.pk, prefix, expected, result, None)
            result.info.append(f"all work terminal {time.time() - back_at:.1f} s after Redis returned")
            print(f"  redis {i}: {result.info[-1]}", flush=True)
            result.iterations += 1
        return result

    # two beats ----------------------------------------------------------------------------------------

    def two_beats(self) -> Result:
        from django_celery_beat.models import IntervalSchedule, PeriodicTask

        from orchestration.models import SupplierCheckRun
        from orchestration.services.checks import supplier_check_schedule_ensure

        result = Result("two beat processes")
        self.feed_publish("beat", delay=0.0)
        every, _ = IntervalSchedule.objects.get_or_create(every=self.args.beat_period, period=IntervalSchedule.SECONDS)
        periodic = supplier_check_schedule_ensure(supplier=self.supplier)
        # An admin shortens the schedule (the model's own minimum is 5 minutes): a few periods in a bounded drill.
        PeriodicTask.objects.filter(pk=periodic.pk).update(interval=every, enabled=True, last_run_at=None)
        before = set(SupplierCheckRun.objects.filter(supplier=self.supplier).values_list("pk", flat=True))
        logs = [RUN_DIR / f"beat-{n}.log" for n in (1, 2)]
        offsets = [log.stat().st_size if log.exists() else 0 for log in logs]
        beats = [self.procs.beat(f"beat-{n}") for n in (1, 2)]
        time.sleep(self.args.beat_seconds)
        for beat in beats:
            self.procs.kill(beat)
        PeriodicTask.objects.filter(pk=periodic.pk).update(enabled=False)
        time.sleep(self.args.feed_delay + 3)  # the last firing's check finishes
        firings = [
            log.read_bytes()[offset:].decode(errors="replace").count(f"Sending due task {periodic.name}")
            for log, offset in zip(logs, offsets, strict=True)
        ]
        runs = list(
            SupplierCheckRun.objects.filter(supplier=self.supplier, trigger="scheduled")
            .exclude(pk__in=before)
            .order_by("created_at")
            .values_list("created_at", "status")
        )
        gaps = [(b[0] - a[0]).total_seconds() for a, b in zip(runs, runs[1:], strict=False)]
        result.iterations = min(firings)
        # Each beat fires once per period; one run per period means as many runs as one beat's firings
        # (give or take the period cut by stopping the beats) and no two runs closer than the de-dup window.
        window = max(1, self.args.beat_period - 2)
        result.duplicated = max(0, len(runs) - max(firings)) + sum(gap < window - 0.5 for gap in gaps)
        result.lost = max(0, min(firings) - 1 - len(runs))
        result.failed_runs = sum(status != "succeeded" for _, status in runs)
        result.notes += [] if min(firings) >= 2 else [f"a beat fired only {min(firings)} times"]
        result.info.append(f"beats fired {firings} times; {len(runs)} check runs; gaps {[round(g, 1) for g in gaps]} s")
        print(f"  {result.info[-1]}", flush=True)
        return result

    # PostgreSQL crash -----------------------------------------------------------------------------------

    def postgres_crash(self) -> Result:
        import psycopg

        result = Result("kill -9 PostgreSQL mid API writes")
        pg = PrivatePostgres(self.procs, self.args.pg_port)
        pg.start()
        url = f"postgis://postgres@127.0.0.1:{self.args.pg_port}/sitesel"
        database_ensure(url)
        env = {**self.env, "DATABASE_URL": url}
        migrate(env)
        setup = subprocess.run([str(BIN / "python"), __file__, "--api-setup"], cwd=ROOT, env=env, check=True,
                               capture_output=True, text=True)  # fmt: skip
        api = json.loads(setup.stdout.strip().splitlines()[-1])
        port = free_port()
        web = self.procs.start("gunicorn", [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
                                            "--timeout", "30"], env=env)  # fmt: skip
        try:
            wait_for(lambda: port_open(port), 60)
            outcomes = self._post_stream(port, api, pg, result)
            dsn = url.replace("postgis://", "postgres://", 1)
            with psycopg.connect(dsn) as conn:
                mine = [f"A{self.token}-%"]
                stored = dict(
                    conn.execute("SELECT shipment_ref, id FROM orchestration_delivery WHERE shipment_ref LIKE %s", mine)
                )
                events = dict(
                    conn.execute(
                        "SELECT d.shipment_ref, count(e.id) FROM orchestration_delivery d"
                        " LEFT JOIN orchestration_deliveryevent e ON e.delivery_id = d.id AND e.kind = 'created'"
                        " WHERE d.shipment_ref LIKE %s GROUP BY 1",
                        mine,
                    )
                )
            acked = {ref: body["id"] for ref, status, body in outcomes if status == 201}
            result.iterations = 1
            result.lost = sum(stored.get(ref) != pk for ref, pk in acked.items())
            result.duplicated = sum(count != 1 for count in events.values())  # half-written or doubled
            codes: dict[int, int] = {}
            for _, status, _ in outcomes:
                codes[status] = codes.get(status, 0) + 1
            result.info.append(f"{len(outcomes)} POSTs: {codes}; {len(acked)} acknowledged, {len(stored)} stored")
            print(f"  {result.info[-1]}", flush=True)
            result.notes += [] if 201 in codes and len(acked) <= len(stored) else ["acknowledged writes missing"]
            # While the database is away the API answers 503 with Retry-After; anything else is a failure.
            result.notes += [f"{n} answered {code}" for code, n in codes.items() if code not in (201, 503)]
        finally:
            self.procs.kill(web)
            pg.stop()
        return result

    def _post_stream(self, port: int, api: dict, pg: PrivatePostgres, result: Result) -> list[tuple[str, int, dict]]:
        """POST deliveries from 4 threads; crash and restart PostgreSQL a third of the way through."""
        total, crash_at = self.args.api_writes, self.args.api_writes // 3
        outcomes: list[tuple[str, int, dict, float]] = []
        lock = threading.Lock()

        def post(n: int) -> None:
            ref = f"A{self.token}-{n}"
            payload = json.dumps({"line": api["line"], "shipment_ref": ref, "quantity": "0.001",
                                  "promised_date": api["promised"]}).encode()  # fmt: skip
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/deliveries/", data=payload, method="POST",
                headers={"Content-Type": "application/json", "Authorization": f"Token {api['token']}"},
            )  # fmt: skip
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, body = response.status, json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as exc:
                status, body = exc.code, {}
            except OSError:
                status, body = 0, {}
            with lock:
                outcomes.append((ref, status, body, time.time()))

        back_at = None
        with ThreadPoolExecutor(4) as pool:
            for n in range(total):
                if n == crash_at:  # requests keep flowing from the pool's threads meanwhile
                    pg.crash()
                    time.sleep(1)
                    pg.start()
                    back_at = time.time()
                pool.submit(post, n)
                time.sleep(0.01)
        answered = [at for _, status, _, at in outcomes if status == 201 and back_at and at > back_at]
        if answered:
            result.recovered(min(answered) - back_at)
        else:
            result.notes.append("no 201 after PostgreSQL came back")
        return [(ref, status, body) for ref, status, body, _ in outcomes]

    # all ----------------------------------------------------------------------------------------------

    def run(self, names: list[str]) -> list[Result]:
        results = []
        if "postgres" in names:  # first: it needs no worker
            results.append(self.postgres_crash())
        needs_workers = [n for n in names if n != "postgres"]
        if not needs_workers:
            return results
        self.tag = drill_sites(self.args.sites)
        self.supplier, self.line = program_create("Drill program")
        self.supplier.feed_kind, self.supplier.feed_allowed_host = "https_json", "127.0.0.1"
        self.supplier.feed_url = self.feed.route("/empty.json", b'{"schema_version": 1, "shipments": []}', 0.0)
        self.supplier.save(update_fields=["feed_kind", "feed_allowed_host", "feed_url"])
        sweepers_reset()
        self.workers = Workers(self.procs)
        sweeper = self.procs.beat("beat-sweeper")
        try:
            if self.consumed_after(time.time()) == float("inf"):
                raise RuntimeError("the drill workers did not start")
            for name, drill in (("scoring", self.scoring_kills), ("checks", self.check_kills)):
                if name in names:
                    results += [drill("main"), drill("child")]
            if "redis" in names:
                results.append(self.redis_restart())
            if "beat" in names:
                self.procs.kill(sweeper)
                sweeper = None
                results.append(self.two_beats())
        finally:
            if sweeper is not None:
                self.procs.kill(sweeper)
            self.workers.stop()
        return results


def sweepers_reset() -> None:
    """The sweeper schedules at this run's interval (the drill database is the drills' own)."""
    from django_celery_beat.models import PeriodicTask

    from sitesel.services.schedules import SWEEPERS, periodic_tasks_ensure

    PeriodicTask.objects.filter(name__in=SWEEPERS).delete()
    PeriodicTask.objects.exclude(name__in=SWEEPERS).update(enabled=False)
    periodic_tasks_ensure()
    PeriodicTask.objects.exclude(name__in=SWEEPERS).update(enabled=False)


def print_table(results: list[Result], args) -> None:
    print()
    print(f"lease {args.lease} s, sweeper every {args.sweep_every} s, {args.sites} sites in chunks of {args.chunk}, "
          f"feed of {args.feed_rows} rows answered after {args.feed_delay} s")  # fmt: skip
    header = f"{'drill':42} {'iterations':>10} {'lost':>5} {'duplicated':>10} {'failed':>6} {'not mid-run':>11} " \
             f"{'max recovery s':>14}  result"  # fmt: skip
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.drill:42} {r.iterations:>10} {r.lost:>5} {r.duplicated:>10} {r.failed_runs:>6} {r.not_mid_run:>11} "
              f"{r.max_recovery_s:>14.1f}  {'pass' if r.passed else 'FAIL'}")  # fmt: skip
        for note in r.notes:
            print(f"    FAIL: {note}")
        for line in r.info:
            print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", default="scoring,checks,redis,postgres,beat")
    parser.add_argument("--iterations", type=int, default=20, help="kills of each kind, for scoring and for checks")
    parser.add_argument("--redis-iterations", type=int, default=1)
    parser.add_argument("--redis-down", type=float, default=5.0, help="seconds Redis stays down")
    parser.add_argument("--quick", action="store_true", help="the test suite's subset: 2 kills of each kind, 1 Redis")
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--lease", type=int, default=8, help="WORK_LEASE_SECONDS for the drill's workers")
    parser.add_argument("--sweep-every", type=int, default=2, help="SWEEPER_INTERVAL_SECONDS")
    parser.add_argument("--feed-rows", type=int, default=200)
    parser.add_argument("--feed-delay", type=float, default=2.0, help="seconds, at least 1")
    parser.add_argument("--beat-period", type=int, default=10)
    parser.add_argument("--beat-seconds", type=int, default=65)
    parser.add_argument("--api-writes", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=300.0, help="per run, seconds")
    parser.add_argument("--redis-port", type=int, default=56391)
    parser.add_argument("--pg-port", type=int, default=55491)
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL's server, database <name>_drills")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--api-setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.api_setup:  # the subprocess that prepares the private cluster (its env names the database)
        setup_django({})
        api_setup()
        return 0
    if args.quick:
        args.drills, args.iterations, args.sites, args.chunk = "scoring,checks,redis", 2, 2000, 100
        args.lease, args.sweep_every = 4, 1
    if args.database_url is None:
        base = os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/sitesel")
        args.database_url = with_database(base, urlsplit(base).path.lstrip("/") + "_drills")
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    names = [n.strip() for n in args.drills.split(",") if n.strip()]
    feed = SlowFeed()
    env = drill_env(args, feed.port)
    procs = Procs(env)
    started = time.monotonic()
    try:
        database_ensure(args.database_url)
        migrate(env)
        setup_django(env)
        if set(names) - {"postgres"}:
            from sitesel.services.demo_layers import demo_layers_import

            for _ in demo_layers_import():  # the real layers; unchanged files are skipped by checksum
                pass
        redis = PrivateRedis(procs, args.redis_port)
        redis.start()
        results = Drills(args, env, procs, feed, redis).run(names)
    finally:
        procs.stop_all()
    print_table(results, args)
    print(f"\n{time.monotonic() - started:.0f} s in all")
    if args.json:
        args.json.write_text(json.dumps([{**asdict(r), "passed": r.passed} for r in results], indent=2))
    return 0 if results and all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
