"""A threaded HTTP server on a free loopback port, serving from a daemon thread: the stand-in supplier
feeds of the tests and of the fault drills (bench/drills/), which differ only in their request handler."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that does not log each request to stderr."""

    def log_message(self, *args) -> None:
        pass


def serve_in_thread(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Start serving `handler` on a free port of `host`; the port is `server.server_address[1]`.
    Stop it with `shutdown()` then `server_close()`."""
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
