"""The fast subset of the fault drills (bench/drills --quick), run as in `make drills` but smaller.

Real processes on loopback: two Celery workers, beat running the sweepers and a Redis of the drill's own,
SIGKILLed and restarted mid-run. Two kills of each kind mid scoring run and mid supplier check, and one
Redis restart. The drills use their own database (`<DATABASE_URL name>_drills`), so this test needs no
pytest-django database; the first run there imports the real layers (about a minute), later runs skip them.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.celery_worker
def test_quick_drills_lose_and_duplicate_nothing(tmp_path):
    report = tmp_path / "drills.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, str(ROOT / "bench" / "drills"), "--quick", "--json", str(report),
               "--redis-port", str(free_port())]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)

    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    results = {r["drill"]: r for r in json.loads(report.read_text())}
    assert len(results) == 5, results
    for name, result in results.items():
        assert result["iterations"] >= 1, name
        assert (result["lost"], result["duplicated"], result["failed_runs"]) == (0, 0, 0), (name, result)
        assert result["notes"] == [], (name, result["notes"])
    kills = [r for name, r in results.items() if name.startswith("kill -9 worker")]
    assert len(kills) == 4 and all(r["iterations"] == 2 for r in kills)  # counted only when the work was running
    redis = results["kill -9 Redis mid run and check, restart"]
    assert redis["max_recovery_s"] < 30  # workers consume again within 30 s of Redis coming back
    assert done.returncode == 0, done.stdout[-3000:]
