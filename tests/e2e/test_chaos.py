"""Chaos: 2,000 changes by 3 writers, watched by 20 sockets, while Redis pauses and restarts, the
worker is SIGKILLed mid-job and sockets drop — every socket ends with every stored event exactly
once, in order; no job is left running; no temp file is left (issue 11, acceptance).

Real processes throughout (tests/e2e/conftest.py): daphne, run_huey, a private redis-server (this
test pauses and kills it, so never CI's shared one), SQLite or PostgreSQL. The sockets behave as
the browser does: each remembers the last `seq` it got and, after a drop, subscribes again with
`after_seq`. They never fill a gap themselves: a frame whose `seq` is not the next one is a failure
of the server's guarantee, recorded as such.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import statistics
import threading
import time
from dataclasses import dataclass, field

import pytest

from tests.e2e.conftest import SHARED_DATA, Http, SlateServer, serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(400)]

CHANGES = int(os.environ.get("SLATE_CHAOS_CHANGES", "2000"))
WRITERS = 3
SOCKETS = 20
PAUSE_S = 4.0
CLIP = SHARED_DATA / "video" / "big_buck_bunny_0_30_vp8_vorbis_30s.webm"  # ~5 s of encoding: time to kill the worker
TERMINAL = ("succeeded", "failed", "cancelled")


@pytest.fixture(scope="module")
def chaos(request):
    """A Slate of its own, with a private Redis to pause and restart."""
    server = SlateServer(private_redis=True)
    yield from serve(request, server)


@dataclass
class Watcher:
    """One socket, as a browser tab keeps it: resubscribes after a drop from the last seq it has."""

    server: SlateServer
    token: str
    label: str
    production: int
    start_seq: int | None = None
    last_seq: int | None = None
    received: list[tuple[int, int]] = field(default_factory=list)  # (seq, id) of every stored frame, across connections
    violations: list[str] = field(default_factory=list)
    connections: int = 0
    conn: object = None
    stopping: bool = False

    async def run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        while not self.stopping:
            try:
                self.conn = await asyncio.wait_for(connect(self.server.ws_url, additional_headers={"Authorization": f"Bearer {self.token}"},
                                                           proxy=None, open_timeout=10, close_timeout=2), timeout=15)
            except (OSError, asyncio.TimeoutError, ConnectionClosed):
                await asyncio.sleep(0.3)
                continue
            self.connections += 1
            subscribe = {"type": "subscribe", "production": self.production}
            if self.last_seq is not None:
                subscribe["after_seq"] = self.last_seq
            try:
                await self.conn.send(json.dumps(subscribe))
                async for text in self.conn:
                    self._frame(json.loads(text))
            except ConnectionClosed:
                pass
            await asyncio.sleep(0.2)  # a tab's back-off, shortened

    def _frame(self, frame: dict) -> None:
        kind = frame.get("type")
        if kind == "subscribed":
            if self.start_seq is None:
                self.start_seq = self.last_seq = frame["last_seq"]
            elif frame["last_seq"] != self.last_seq:
                self.violations.append(f"subscribed at {frame['last_seq']}, but the socket has up to {self.last_seq}")
            return
        if kind in ("resync", "error"):
            self.violations.append(f"unexpected {frame}")
            return
        if frame.get("seq") is None or frame.get("production") != self.production:
            return  # ephemeral: presence, job progress
        if self.last_seq is None:
            self.violations.append(f"stored frame {frame['seq']} before subscribed")
            return
        if frame["seq"] != self.last_seq + 1:
            self.violations.append(f"seq {frame['seq']} after {self.last_seq}")
        self.last_seq = max(self.last_seq, frame["seq"])
        self.received.append((frame["seq"], frame["id"]))

    def drop(self) -> None:
        """Cut the TCP connection with no close frame (the set's Wi-Fi going away)."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.transport.abort()

    async def stop(self) -> None:
        self.stopping = True
        if self.conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.conn.close(), timeout=3)


class Writers:
    """Three members' worth of scene edits over REST, each on a scene of its own; counts and times them."""

    def __init__(self, server: SlateServer, changes: int):
        self.server, self.changes = server, changes
        self.done = 0
        self.lock = threading.Lock()
        self.latencies: list[tuple[float, float]] = []  # (start, seconds)
        self.errors: list[str] = []

    def write(self, writer: int) -> None:
        client = Http(self.server.base_url, token=self.server.token("alice" if writer % 2 == 0 else "bob"))
        scene = self.server.scene_ids[writer % len(self.server.scene_ids)]
        version = client.get(f"/api/scenes/{scene}/")["version"]
        for n in range(self.changes // WRITERS + (1 if writer < self.changes % WRITERS else 0)):
            started = time.monotonic()
            response = client.request("PATCH", f"/api/scenes/{scene}/", json_body={"synopsis": f"take {writer}-{n}", "version": version})
            elapsed = time.monotonic() - started
            if response.status != 200:
                self.errors.append(f"writer {writer} change {n}: {response}")
                version = client.get(f"/api/scenes/{scene}/")["version"]
                continue
            version = response.json()["version"]
            with self.lock:
                self.done += 1
                self.latencies.append((started, elapsed))

    async def reached(self, fraction: float) -> None:
        while self.done < self.changes * fraction:
            await asyncio.sleep(0.05)


def live_ffmpeg(server: SlateServer) -> dict[int, int]:
    """`{pid: parent pid}` of the live ffmpeg processes this server's workers started (found by the run's unique
    SLATE_HUEY_NAME in their inherited environment; an orphan's parent is whoever adopted it)."""
    mark = f"SLATE_HUEY_NAME={server.env['SLATE_HUEY_NAME']}".encode()
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                argv0 = handle.read().split(b"\0")[0]
            if not argv0.endswith(b"ffmpeg"):
                continue
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if mark not in handle.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                found[int(entry)] = int(fields[1])
    return found


def job_rows(server: SlateServer) -> list[tuple[str, str, int]]:
    return [(str(job_id), status, attempts) for job_id, status, attempts in
            server.db_rows("SELECT id, status, attempts FROM jobs_job WHERE production_id = %s", (server.production_id,))]


async def wait_until(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        await asyncio.sleep(0.1)


async def test_every_socket_gets_every_event_once_in_order_through_redis_and_worker_failures(chaos: SlateServer):
    server = chaos
    alice, bob = server.token("alice"), server.token("bob")
    watchers = [Watcher(server, alice if i % 2 else bob, f"socket-{i}", server.production_id) for i in range(SOCKETS)]
    tasks = [asyncio.create_task(w.run()) for w in watchers]
    await wait_until(lambda: all(w.start_seq is not None for w in watchers), timeout=30, what="every socket subscribed")

    writers = Writers(server, CHANGES)
    writing = asyncio.gather(*(asyncio.to_thread(writers.write, n) for n in range(WRITERS)))
    timeline: list[str] = []
    try:
        # 1. Wi-Fi drops on a quarter of the tablets
        await writers.reached(0.15)
        for w in watchers[:5]:
            w.drop()
        timeline.append(f"{writers.done}: dropped 5 sockets")

        # 2. Redis hangs for a few seconds; writes must not wait for it
        await writers.reached(0.30)
        server.pause_redis()
        paused_at = time.monotonic()
        timeline.append(f"{writers.done}: Redis paused")
        await asyncio.sleep(PAUSE_S)
        server.resume_redis()
        resumed_at = time.monotonic()
        timeline.append(f"{writers.done}: Redis resumed")

        # 3. The worker dies (SIGKILL of the process alone, like the OOM killer) in the middle of an ffmpeg job
        await writers.reached(0.45)
        client = Http(server.base_url, token=alice)
        created = await asyncio.to_thread(client.request, "POST", "/api/media/", fields={"production": server.production_id},
                                          files={"file": (CLIP.name, CLIP.read_bytes(), "application/octet-stream")}, timeout=60)
        assert created.status == 201, created
        job_id = created.json()["job"]["id"]
        worker_pid = server.worker.pid
        await wait_until(lambda: worker_pid in live_ffmpeg(server).values(), timeout=60, what="the job's ffmpeg running under the worker")
        os.kill(worker_pid, signal.SIGKILL)
        server.worker.wait(timeout=10)
        timeline.append(f"{writers.done}: worker {worker_pid} killed mid-encode")
        await wait_until(lambda: not live_ffmpeg(server), timeout=5, what=f"the dead worker's ffmpeg gone: {live_ffmpeg(server)}")
        await asyncio.to_thread(server.start_worker)
        await wait_until(lambda: any(j[0].replace("-", "") == job_id.replace("-", "") and j[2] >= 2 and j[1] != "pending"
                                     for j in job_rows(server)), timeout=60, what="the killed job taken up again")
        timeline.append(f"{writers.done}: worker restarted, job re-run")

        # 4. Redis crashes and comes back empty (no persistence): subscriptions and queues are gone
        await writers.reached(0.65)
        server.restart_redis()
        timeline.append(f"{writers.done}: Redis restarted")

        # 5. Another round of dropped sockets, some of them for the second time
        await writers.reached(0.80)
        for w in watchers[3:8] + watchers[12:15]:
            w.drop()
        timeline.append(f"{writers.done}: dropped 8 sockets")
        await writing
    finally:
        with contextlib.suppress(Exception):
            server.resume_redis()
        if not writing.done():
            await asyncio.wait_for(writing, timeout=120)

    try:
        # Then no job is left running…
        await wait_until(lambda: all(status in TERMINAL for _, status, _ in job_rows(server)), timeout=90,
                         what=f"every job ended: {job_rows(server)}")
        # …and every socket catches up with the whole log
        head = lambda: server.db_rows("SELECT MAX(seq) FROM realtime_event WHERE production_id = %s", (server.production_id,))[0][0]  # noqa: E731
        await wait_until(lambda: all(w.last_seq == head() for w in watchers), timeout=30,
                         what=f"every socket at the head of the log ({head()}): {[w.last_seq for w in watchers]}")
        await asyncio.sleep(1.0)  # time for any duplicate to show up
    finally:
        for w in watchers:
            await w.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    during_pause = [s for start, s in writers.latencies if paused_at <= start <= resumed_at]
    all_latencies = [s for _, s in writers.latencies]
    events = server.db_rows("SELECT seq, id FROM realtime_event WHERE production_id = %s ORDER BY seq", (server.production_id,))
    print(f"\nchaos: {writers.done} changes, {len(events)} events; timeline: {timeline}")
    print(f"chaos: write latency p50 {statistics.median(all_latencies) * 1000:.0f} ms, max {max(all_latencies) * 1000:.0f} ms; "
          f"during the {PAUSE_S:.0f} s Redis pause: {len(during_pause)} writes, max {max(during_pause, default=0) * 1000:.0f} ms")
    print(f"chaos: connections per socket {[w.connections for w in watchers]}")

    assert writers.errors == []
    assert writers.done == CHANGES
    assert [seq for seq, _ in events] == list(range(1, len(events) + 1)), "the stored stream has a gap or a twin"
    for w in watchers:
        assert w.violations == [], f"{w.label}: {w.violations[:10]}"
        expected = [(seq, event_id) for seq, event_id in events if seq > w.start_seq]
        assert w.received == expected, f"{w.label}: got {len(w.received)} of {len(expected)} events"
    # writes committed without waiting on the paused Redis
    assert during_pause and max(during_pause) < PAUSE_S / 2, during_pause
    # the killed job was run again to the end; none is left running or pending
    jobs = {job.replace("-", ""): (status, attempts) for job, status, attempts in job_rows(server)}
    assert jobs[job_id.replace("-", "")] == ("succeeded", 2), jobs
    # and nothing was left in the processes' temp dir (the dead worker's scratch folder was cleaned at restart)
    leftovers = sorted(p.name for p in (server.tmp / "scratch").iterdir())
    assert leftovers == [], leftovers
