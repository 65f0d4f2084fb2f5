"""Page benchmark: server time of every planner page with a national-screen run stored, printed as a table.

    .venv/bin/python bench/bench_pages.py [--cell-km 20] [--repeats 5]

It reads DATABASE_URL (load the demo there first: `DEMO_SERVE=0 bash scripts/demo.sh`). When the database has no
succeeded national-screen run it scores one in this process at --cell-km (the same services the Celery worker
runs), so the runs pages have a national run's results and ranking archive to (not) load. Each page is requested
through Django's test client with the production settings (DEBUG off), signed in as a planner: once to warm the
process's caches, then --repeats times; the table shows the median and the slowest, in milliseconds.

A second table gives the bytes the map page costs a browser on first open (empty cache): the HTML, every script
and stylesheet it names (WhiteNoise serves them gzipped: counted as `gzip -9` of the file) and the JSON the map
fetches as it opens at national zoom (state boundaries; the geography base, gzipped by its view), with the totals
with and without the geography base.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# Production settings over plain http in-process, as scripts/serve.sh runs them on loopback.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.test import Client  # noqa: E402

from config.api.roles import PLANNER_GROUP  # noqa: E402
from orchestration.models import BuildProject  # noqa: E402
from sitesel.models import ScoringResult, ScoringRun  # noqa: E402
from sitesel.selectors import reference_run  # noqa: E402
from sitesel.services.scoring_runs import (  # noqa: E402
    scenario_default,
    scoring_chunk_compute,
    scoring_run_create,
    scoring_run_execute,
    scoring_run_finalize,
)
from sitesel.web.base_map import CONTEXT_KINDS  # noqa: E402


def national_run(cell_km: float) -> ScoringRun:
    done = ScoringRun.objects.filter(mode=ScoringRun.Mode.NATIONAL, status=ScoringRun.Status.SUCCEEDED).defer("ranking")
    run = done.order_by("-finished_at").first()
    if run is not None:
        return run
    print(f"scoring the national screen at {cell_km:g} km in this process (once)…", flush=True)
    run = scoring_run_create(scenario=scenario_default(), mode=ScoringRun.Mode.NATIONAL, cell_size_km=cell_km)
    for index in scoring_run_execute(run_id=run.pk):
        scoring_chunk_compute(run_id=run.pk, index=index)
    return scoring_run_finalize(run_id=run.pk)


BASE_ASSETS = ("/static/sitesel/web/context.js", "/static/sitesel/web/context.css")


def map_bytes(client: Client) -> None:
    page = client.get("/map/")
    rows = [("/map/ (HTML)", len(page.content), False)]
    for url in re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page.content.decode()):
        body = Path(finders.find(url.removeprefix("/static/"))).read_bytes()
        rows.append((url + " (gzip)", len(gzip.compress(body, 9)), url in BASE_ASSETS))
    rows.append(("/map/boundaries.json", len(client.get("/map/boundaries.json").content), False))
    for kind in CONTEXT_KINDS:
        response = client.get(f"/map/context/{kind}.json", HTTP_ACCEPT_ENCODING="gzip")
        rows.append((f"/map/context/{kind}.json (gzip)", len(response.content), True))
    print(f"\n{'map page on first open':<58} {'bytes':>10}")
    for url, size, base in rows:
        print(f"{url:<58} {size:>10,}{' (geography base)' if base else ''}")
    print(f"{'total without the geography base':<58} {sum(s for _, s, base in rows if not base):>10,}")
    print(f"{'total with it':<58} {sum(s for _, s, _ in rows):>10,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell-km", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    national = national_run(args.cell_km)
    run = reference_run()
    if run is None:
        sys.exit("No succeeded sites run: load the demo first (DEMO_SERVE=0 bash scripts/demo.sh).")
    top = list(
        ScoringResult.objects.filter(run=run, capacity_mw=1000, eligible=True).order_by("rank")
        .values_list("site_id", flat=True)[:4]
    )  # fmt: skip
    project = BuildProject.objects.order_by("pk").first()
    user, _ = User.objects.get_or_create(username="bench-pages")
    user.groups.add(Group.objects.get_or_create(name=PLANNER_GROUP)[0])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    pages = ["/", "/map/", "/map/?capacity=50", f"/sites/{top[0]}/", "/compare/?" + "&".join(f"sites={s}" for s in top),
             "/sites/", "/layers/", "/runs/", f"/runs/{run.pk}/", f"/runs/{national.pk}/", "/alerts/",
             "/map/boundaries.json", "/map/overlays/hv_lines.json?bbox=-126,24,-66,50",
             "/map/context/places.json"]  # fmt: skip
    if project is not None:
        pages += ["/programs/", f"/programs/{project.pk}/"]
    print(f"national run {national.pk}: {national.results_count:,} results ({national.cell_size_km:g} km cells); "
          f"reference sites run {run.pk}; {args.repeats} repeats after one warm-up")  # fmt: skip
    print(f"{'page':<58} {'median ms':>10} {'max ms':>8}")
    for url in pages:
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            response = client.get(url)
            times.append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200, (url, response.status_code)
        print(f"{url[:58]:<58} {statistics.median(times):>10.1f} {max(times):>8.1f}")
    map_bytes(client)


if __name__ == "__main__":
    main()
