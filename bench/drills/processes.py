"""The processes a drill starts and kills: workers, beat, a private Redis and PostgreSQL, a slow feed."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from pathlib import Path

from bench.drills.common import BIN, ROOT, RUN_DIR, children, port_open, sigkill, wait_for
from orchestration.loopback import QuietHandler, serve_in_thread


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
