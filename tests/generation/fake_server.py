"""What the local fakes of the generation providers share (tests/generation/fake_fal.py, fake_replicate.py): the
recorded traffic, the failure knobs and a threaded HTTP(S) server on a free port of 127.0.0.1.

A fake subclasses `FakeProviderServer`, sets `handler` (its `BaseHTTPRequestHandler` class, which reaches the fake as
`self.owner`) and `thread_name`, and may give `start(tls=...)` a server-side `ssl.SSLContext` (fal-client only speaks
HTTPS). `start()` answers the fake itself, so `with Fake() as fake:` and `Fake().start()` both work.
"""
from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Self


class FakeProviderServer:
    """A provider's fake with its knobs and records; `start()` serves it, `stop()` shuts it down.

    Knobs: `behaviour` ("normal", "error", "hang", "reject": each fake's docstring says what they do), `fail_at`
    (0-based index of the request that fails under "error"), `error_message`. Records: `requests` (every HTTP
    request), `submissions` (the bodies of the generations asked for), `request_ids` (the ids given out),
    `cancelled` (the ids cancelled). `_lock` guards the fake's own state across the server's threads.
    """

    handler: ClassVar[type[BaseHTTPRequestHandler]]
    thread_name: ClassVar[str] = "fake-provider"

    def __init__(self, *, error_message: str):
        self.behaviour = "normal"
        self.fail_at = 2
        self.error_message = error_message
        self.requests: list[dict] = []
        self.submissions: list[dict] = []
        self.request_ids: list[str] = []
        self.cancelled: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        """The port it listens on (once started)."""
        return self._server.server_address[1]

    def start(self, *, tls: ssl.SSLContext | None = None) -> Self:
        """Listen on 127.0.0.1 (a free port) and serve in a daemon thread; with `tls`, over HTTPS."""
        handler = type(self.handler.__name__, (self.handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.thread_name,
                         daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (a no-op if never started)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
