"""The benchmark's changes: scene PATCHes over Slate's REST API, open-loop at a set rate.

Open loop: change k is sent at start + k / rate whatever the earlier ones are doing, so a slow
server shows as slow answers, not as fewer changes (no coordinated omission). A scene has at most
one PATCH in flight (each PATCH names the `version` it is based on, and two at once on one scene
would answer 409), so the writer rotates over the production's scenes; if every scene is busy the
next change waits for one, and that wait shows as a lower achieved rate. Each thread keeps one
HTTP/1.1 keep-alive connection per web process, as a browser tab does.
"""
from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlparse

THREADS = 32
TIMEOUT_S = 60.0


@dataclass
class Write:
    """One PATCH: its change key, monotonic send and answer times (s), HTTP status (0: no answer) and error text."""

    key: int
    sent_at: float
    done_at: float
    status: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def http_ms(self) -> float:
        return (self.done_at - self.sent_at) * 1000


class SceneWriter:
    """Sets scenes' `synopsis` to `<marker><key>` with PATCH /api/scenes/<id>/ as the production's owner.

    `base_urls` (http://host:port of each web process) are used round-robin by key; `scenes` is
    `{scene id: version}` and is kept up to date from the answers.
    """

    def __init__(self, *, base_urls: list[str], token: str, scenes: dict[int, int], marker: str):
        self.base_urls, self.token, self.marker = base_urls, token, marker
        self.versions = dict(scenes)
        self.free: queue.Queue[int] = queue.Queue()
        for scene in scenes:
            self.free.put(scene)
        self.local = threading.local()

    def run(self, *, rate: float, duration_s: float, first_key: int = 0) -> list[Write]:
        """Send round(rate × duration_s) changes, keys from `first_key`, at `rate` a second; every answer is awaited."""
        count = max(1, round(rate * duration_s))
        with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="bench-patch") as pool:
            start = time.monotonic()
            futures = []
            for i in range(count):
                delay = start + i / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(self._patch, first_key + i, self.free.get()))
            return [future.result() for future in futures]

    def burst(self, *, count: int, first_key: int, threads: int = 4) -> list[Write]:
        """Send `count` changes as fast as `threads` parallel writers go (the events a resuming client missed)."""
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bench-burst") as pool:
            futures = [pool.submit(lambda key: self._patch(key, self.free.get()), first_key + i) for i in range(count)]
            return [future.result() for future in futures]

    def _patch(self, key: int, scene: int) -> Write:
        base = self.base_urls[key % len(self.base_urls)]
        body = json.dumps({"synopsis": f"{self.marker}{key}", "version": self.versions[scene]}).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", "Accept": "application/json"}
        sent_at = time.monotonic()
        try:
            status, answer = self._request(base, "PATCH", f"/api/scenes/{scene}/", body, headers)
            if status == 200:
                self.versions[scene] = json.loads(answer)["version"]
            else:  # a conflict or an error: read the scene's version again so the next change on it can apply
                _, current = self._request(base, "GET", f"/api/scenes/{scene}/", None, headers)
                self.versions[scene] = json.loads(current)["version"]
            return Write(key, sent_at, time.monotonic(), status, "" if status == 200 else answer[:300].decode(errors="replace"))
        except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
            return Write(key, sent_at, time.monotonic(), 0, f"{type(exc).__name__}: {exc}")
        finally:
            self.free.put(scene)

    def _request(self, base: str, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        """One request on this thread's keep-alive connection to `base`; a connection the server closed meanwhile is reopened once."""
        connections = self.local.__dict__.setdefault("connections", {})
        for attempt in (1, 2):
            conn = connections.get(base)
            reused = conn is not None
            if conn is None:
                parsed = urlparse(base)
                conn = connections[base] = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=TIMEOUT_S)
            try:
                conn.request(method, path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                if answer.will_close:
                    conn.close()
                    connections.pop(base, None)
                return answer.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                connections.pop(base, None)
                if not reused or attempt == 2:
                    raise
        raise AssertionError("unreachable")
