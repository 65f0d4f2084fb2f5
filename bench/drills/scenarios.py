"""The drills: each kills something mid-work and checks that nothing was lost or duplicated."""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bench.drills.common import (
    BIN,
    RECOVERY_LIMIT_S,
    ROOT,
    RUN_DIR,
    TERMINAL,
    Result,
    free_port,
    port_open,
    succeeded,
    wait_for,
)
from bench.drills.processes import PrivatePostgres, PrivateRedis, Procs, SlowFeed, Workers
from bench.drills.provision import database_ensure, drill_sites, migrate, program_create, sweepers_reset


class Drills:
    def __init__(self, args, env: dict[str, str], procs: Procs, feed: SlowFeed, redis: PrivateRedis) -> None:
        self.args, self.env, self.procs, self.feed, self.redis = args, env, procs, feed, redis
        self.rng = random.Random(args.seed)
        self.token = f"{int(time.time())}"  # makes shipment refs unique across repeated drill runs

    # scoring ------------------------------------------------------------------------------------------

    def scoring_start(self):
        from sitesel.services.scoring_runs import scenario_default, scoring_run_create

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
        argv = [str(BIN / "python"), str(ROOT / "bench" / "drills"), "--api-setup"]
        setup = subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
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
