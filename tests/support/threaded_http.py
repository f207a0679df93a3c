"""A fake HTTP service on 127.0.0.1, served by a background thread for a `with` block."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class ThreadedServer:
    """Serves `handler` (given the attribute `fake`) on a free port of 127.0.0.1 (or on
    `host`:`port`, as a stand-in container does)."""

    def __init__(
        self,
        handler: type[BaseHTTPRequestHandler],
        fake: Any,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        bound = type("Handler", (handler,), {"fake": fake})
        self._server = ThreadingHTTPServer((host, port), bound)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        """http://127.0.0.1:PORT, without a path."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
