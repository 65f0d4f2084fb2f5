import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from orchestration.demo.program import PROJECT_NAME, demo_feeds_build
from orchestration.models import BuildProject

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class Command(BaseCommand):
    help = (
        "Serve stand-in supplier status feeds (JSON, docs/supplier-feeds.md) for the demo program on loopback, "
        "and print alert webhooks POSTed to /alerts. Runs until stopped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="loopback only")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--project", default=PROJECT_NAME)

    def handle(self, *args, **options) -> None:
        if options["host"] not in LOOPBACK:
            raise CommandError("the stand-in feed server binds to loopback only")
        project = BuildProject.objects.filter(name=options["project"]).first()
        if project is None:
            raise CommandError(f"no project {options['project']!r}: run orchestration_demo_load first")
        out, lock = self.stdout, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                try:
                    feeds = demo_feeds_build(project=project)  # from the recorded promises: stable across checks
                finally:
                    close_old_connections()
                body = feeds.get(self.path)
                self._send(200 if body else 404, body or b'{"error": "no such feed"}')

            def do_POST(self):  # noqa: N802
                length = min(int(self.headers.get("Content-Length") or 0), 65536)
                payload = self.rfile.read(length)
                if self.path != "/alerts":
                    return self._send(404, b"{}")
                try:
                    alert = json.loads(payload)
                    line = f"webhook alert [{alert.get('kind')}] {alert.get('message')}"
                except ValueError:
                    line = "webhook: not JSON"
                with lock:
                    out.write(line)
                return self._send(200, b'{"ok": true}')

            def _send(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, fmt, *args):
                with lock:
                    out.write(f"feed server: {self.command} {self.path} {args[1] if len(args) > 1 else ''}")

        server = ThreadingHTTPServer((options["host"], options["port"]), Handler)
        server.daemon_threads = True
        paths = ", ".join(sorted(demo_feeds_build(project=project)))
        self.stdout.write(f"Stand-in supplier feeds on http://{options['host']}:{options['port']}: {paths}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
