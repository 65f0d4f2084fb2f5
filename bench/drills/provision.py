"""The drills' own database, environment and data: migrated, loaded, with a program and API accounts."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from bench.drills.common import BIN, ROOT


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


def sweepers_reset() -> None:
    """The sweeper schedules at this run's interval (the drill database is the drills' own)."""
    from django_celery_beat.models import PeriodicTask

    from core.schedules import registered_schedules, schedules_sync

    sweepers = [schedule.name for schedule in registered_schedules() if schedule.task.endswith("_sweep")]
    PeriodicTask.objects.filter(name__in=sweepers).delete()
    PeriodicTask.objects.exclude(name__in=sweepers).update(enabled=False)
    schedules_sync()
    PeriodicTask.objects.exclude(name__in=sweepers).update(enabled=False)
