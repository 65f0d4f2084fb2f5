"""Scale-out: two Celery worker nodes with their own hostnames consume one national run's chunks; one node is
SIGKILLed mid-run and the run still ends ranked, with every chunk stored exactly once.

The nodes are real worker processes on this machine. Run as root, each gets its own UTS namespace (`unshare
--uts`), so its hostname (what `%h` and the chunk's `worker` record) is its own, as on two machines; otherwise
the node names differ and the host is shared. A killed node's message stays unacknowledged in Redis until the
visibility timeout (an hour), so, as in production, the sweeper takes the run back once its heartbeat is older
than the lease (here 5 s; sitesel/services/sweeper.py) and the surviving node computes what is left.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.db import connection

from sitesel.domain.scoring import ScenarioSpec, scenario_to_dict
from sitesel.models import Scenario, ScoringChunk, ScoringRun
from sitesel.scoring_runs.compute import within_counties
from sitesel.scoring_runs.grid import cell_points, conus_grid
from sitesel.scoring_runs.store import chunk_ranked
from sitesel.services.scoring_runs import scoring_run_create
from sitesel.services.sweeper import scoring_runs_sweep
from sitesel.spatial.snapshot import get_snapshot

ROOT = Path(__file__).resolve().parents[2]
OWN_HOSTNAMES = os.geteuid() == 0 and all(shutil.which(tool) for tool in ("unshare", "hostname"))


def _node(name: str, log: Path) -> subprocess.Popen:
    """A one-process worker named scoring@<name>: <name> is its hostname when namespaces are available."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}  # fmt: skip
    celery = [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-c", "1", "-l", "warning",
              "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    if OWN_HOSTNAMES:
        argv = ["unshare", "--uts", "sh", "-c", f'hostname {name} && exec "$@"', "sh", *celery, "-n", "scoring@%h"]
    else:
        argv = [*celery, "-n", f"scoring@{name}"]
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _kill(node: subprocess.Popen) -> None:
    """SIGKILL the node's main process and its pool child at once, as when a machine dies."""
    children = subprocess.run(["pgrep", "-P", str(node.pid)], capture_output=True, text=True).stdout.split()
    for pid in [node.pid, *map(int, children)]:
        os.kill(pid, signal.SIGKILL)
    node.wait(10)


def _stored_by(run: ScoringRun) -> dict[str, int]:
    chunks = ScoringChunk.objects.filter(run=run, done=True).values_list("worker", flat=True)
    counts: dict[str, int] = {}
    for worker in chunks:
        counts[worker] = counts.get(worker, 0) + 1
    return counts


@pytest.mark.celery_worker
def test_two_nodes_share_a_run_and_one_killed_mid_run_loses_and_duplicates_no_chunk(
    real_layers_committed, settings, tmp_path
):
    settings.SCORING_CELLS_PER_CHUNK, settings.WORK_LEASE_SECONDS = 2000, 5
    connection.close()  # the nodes open their own connections; nothing here holds a transaction
    nodes = {name: _node(name, tmp_path / f"{name}.log") for name in ("node-a", "node-b")}
    try:
        scenario = Scenario.objects.create(name="Default", spec=scenario_to_dict(ScenarioSpec()))
        run = scoring_run_create(scenario=scenario, mode="national", cell_size_km=10, draws=50)
        deadline = time.monotonic() + 300
        while not all(any(w.endswith(n) for w in _stored_by(run)) for n in nodes):
            assert time.monotonic() < deadline, f"both nodes should store chunks: {_stored_by(run)}"
            time.sleep(0.1)
        _kill(nodes["node-a"])  # mid-run: it holds the chunk it was computing, unacknowledged
        killed_at = ScoringRun.objects.get(pk=run.pk).chunks_done
        while ScoringRun.objects.filter(pk=run.pk, status="running").exists():
            assert time.monotonic() < deadline, "the run did not finish after a node was killed"
            scoring_runs_sweep()  # what beat does every SWEEPER_INTERVAL_SECONDS
            time.sleep(1.0)
    finally:
        for node in nodes.values():
            if node.poll() is None:
                node.terminate()
                node.wait(30)
    run.refresh_from_db()
    by_node = _stored_by(run)

    assert run.status == "succeeded", run.error
    assert 0 < killed_at < run.chunks_total, "the node was killed mid-run"
    assert set(by_node) == {f"scoring@{n}" for n in nodes} and sum(by_node.values()) == run.chunks_total
    assert (run.chunks_done, run.items_done) == (run.chunks_total, run.items_total), "each chunk counted once"
    # No cell lost or scored twice: the stored cells are exactly the grid's cells inside US counties, once each,
    # and each capacity's ranks run 1..n over the eligible ones.
    grid = conus_grid(10)
    located = within_counties(get_snapshot(), cell_points(grid, 0, grid.cells)).ids
    arrays = [chunk_ranked(run.pk, i) for i in range(run.chunks_total)]
    stored = np.concatenate([a["ids"] for a in arrays if a])
    assert np.array_equal(np.sort(stored), located)
    for k in range(len(run.capacities_mw)):
        ranks = np.concatenate([a[f"c{k}:rank"] for a in arrays if a])
        assert np.array_equal(np.sort(ranks[ranks > 0]), np.arange(1, int((ranks > 0).sum()) + 1))
