"""A small HTTP server on a loopback address for tests that need a host to fetch from."""

import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1"):
    """Serve ``handler`` on ``host`` (a free port) in a thread; yields the base URL."""
    server = ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on at this moment (for a server a test starts, or refusal)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
