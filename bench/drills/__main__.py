"""`make drills`: run the fault drills (bench/drills/__init__.py says which and how)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

# Run as `python bench/drills`: the project root on the path, so the package and the apps import.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench.drills as package  # noqa: E402
from bench.drills.common import RUN_DIR, Result  # noqa: E402
from bench.drills.processes import PrivateRedis, Procs, SlowFeed  # noqa: E402
from bench.drills.provision import api_setup, database_ensure, drill_env, migrate, setup_django, with_database  # noqa: E402
from bench.drills.scenarios import Drills  # noqa: E402


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
    parser = argparse.ArgumentParser(description=package.__doc__.splitlines()[0])
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
            from sitesel.demo.layers import demo_layers_import

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

