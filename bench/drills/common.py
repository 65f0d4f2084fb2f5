"""What every drill shares: paths, the result row, waiting, ports and killing by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_DIR = ROOT / ".run" / "drills"
BIN = ROOT / ".venv" / "bin"
RECOVERY_LIMIT_S = 30.0  # workers consume again within this after Redis returns
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
