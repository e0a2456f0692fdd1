"""`python -m apps.demo.bench.clients`: the benchmark's WebSocket clients, many real sockets in one process.

Driven over stdin/stdout, one JSON object a line (the coordinator is `apps.demo.bench.run`):

- first line, the config: `{"mode": "slate" | "bare", "urls": [ws urls, used round-robin],
  "tokens": [one access JWT per socket, slate only], "production": id, "marker": "<prefix>",
  "deflate": false}`; answered `{"event": "ready", "loop": "asyncio" | "uvloop"}`.
- `{"cmd": "connect", "at": <monotonic>, "timeout": s, "concurrency": c}`: every socket connects
  and subscribes at once (a reconnect storm: browsers that lost the set's Wi-Fi all come back
  together), or at most c at a time in this process when c is given; a socket
  that cannot connect, or is closed before `subscribed`, tries again as the browser does
  (`backoff_s`) until `at + timeout`. Answered `{"event": "connected", "done_at": <monotonic of
  the last subscribed>, "subscribed": n, "retries": n, "failed": n, "errors": {text: count}}`.
- `{"cmd": "expect", "keys": n, "until": <monotonic>}`: wait until every subscribed socket has n changes
  (or `until`), then answer `{"event": "results", "sockets": [{"subscribed": bool, "got": [[key,
  t], ...], "dups": n, "closed": code | null, "errors": {text: count}}], "frame_bytes": [...]}`.
- `{"cmd": "close"}`: close every socket, exit.

A change is recognised by its key: in Slate's `scene.updated` frames the number after the marker
in the scene's `synopsis`, in the bare server's frames their `seq`. A stored event's `seq` seen
twice on one socket is a duplicate. `t` is `time.monotonic()` when the frame came out of the
socket, before it is parsed.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from collections import Counter

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

STORM_TIMEOUT_S = 120.0


def backoff_s(retry: int) -> float:
    """The browser's wait before reconnect number `retry` (0-based): 0.5 s doubling up to 30 s, ±25 % jitter.

    The same rule as frontend/src/realtime/socket.ts, so a storm here retries as the crew's browsers would.
    """
    return min(30.0, 0.5 * 2**retry) * random.uniform(0.75, 1.25)


class Client:
    """One socket: connects and subscribes (retrying like a browser), then records the first receipt time of each change key."""

    __slots__ = ("url", "headers", "subscribe", "mode", "marker", "deflate", "conn", "first", "seqs", "dups",
                 "subscribed_at", "retries", "errors", "sizes", "reader", "_subscribed")

    def __init__(self, *, url: str, token: str | None, production: int, mode: str, marker: str, deflate: bool):
        self.url, self.mode, self.marker, self.deflate = url, mode, marker, deflate
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.subscribe = json.dumps({"type": "subscribe", "production": production})
        self.conn = None
        self.first: dict[int, float] = {}
        self.seqs: set[int] = set()
        self.dups = 0
        self.subscribed_at: float | None = None
        self._subscribed = asyncio.Event()
        self.retries = 0
        self.errors: Counter[str] = Counter()
        self.sizes: list[int] = []
        self.reader: asyncio.Task | None = None

    async def open(self, until: float, gate: asyncio.Semaphore | None = None) -> float | None:
        """Connect and subscribe, trying again after `backoff_s` until `until` (monotonic); when `subscribed` arrived, or None.

        `gate` bounds how many sockets of this process are connecting and subscribing at once (None: no bound).
        """
        while True:
            async with gate or contextlib.nullcontext():
                done = await self._attempt(until)
            if done is not None:
                return done
            if time.monotonic() >= until:
                return None
            await asyncio.sleep(min(backoff_s(self.retries), max(0.0, until - time.monotonic())))
            self.retries += 1

    async def _attempt(self, until: float) -> float | None:
        """One connect + subscribe; the monotonic time `subscribed` arrived, else None (the reason counted in `errors`)."""
        try:
            self.conn = await connect(self.url, additional_headers=self.headers, proxy=None,
                                      open_timeout=max(1.0, until - time.monotonic()),
                                      compression="deflate" if self.deflate else None, ping_interval=None,
                                      max_size=2**20, close_timeout=5)
            self.reader = asyncio.create_task(self._read())
            await self.conn.send(self.subscribe)
            waiter = asyncio.create_task(self._subscribed.wait())
            await asyncio.wait({waiter, self.reader}, timeout=max(0.1, until - time.monotonic()),
                               return_when=asyncio.FIRST_COMPLETED)
            if self.subscribed_at is not None:
                return self.subscribed_at
            waiter.cancel()
            self.errors[f"no `subscribed` (closed {self.conn.close_code})"] += 1
            await self.close()
        except Exception as exc:  # refused, reset, closed during the handshake (daphne's connect timeout), 5xx
            self.errors[f"connect: {type(exc).__name__}: {exc}"[:120]] += 1
        self.conn = None
        return None

    async def _read(self) -> None:
        marker, bare = self.marker, self.mode == "bare"
        first, seqs = self.first, self.seqs
        try:
            async for text in self.conn:
                now = time.monotonic()
                frame = json.loads(text)
                seq = frame.get("seq")
                if seq is not None:
                    if seq in seqs:
                        self.dups += 1
                    else:
                        seqs.add(seq)
                kind = frame.get("type")
                key = None
                if bare and kind == "bare.event":
                    key = seq
                elif kind == "scene.updated":
                    synopsis = (frame.get("data") or {}).get("synopsis") or ""
                    if synopsis.startswith(marker):
                        key = int(synopsis[len(marker):])
                elif kind == "subscribed":
                    self.subscribed_at = now
                    self._subscribed.set()
                elif kind in ("error", "resync"):
                    self.errors[text[:120]] += 1
                if key is not None:
                    first.setdefault(key, now)
                    if len(self.sizes) < 5:
                        self.sizes.append(len(text.encode()))
        except ConnectionClosed:
            pass

    def report(self) -> dict:
        """This socket's results: first receipt `[key, t]` pairs, duplicates, close code, errors."""
        closed = None
        if self.conn is not None and self.conn.close_code is not None:
            closed = self.conn.close_code
        return {"subscribed": self.subscribed_at is not None and self.conn is not None, "closed": closed,
                "got": [[key, round(t, 6)] for key, t in self.first.items()], "dups": self.dups, "errors": dict(self.errors)}

    async def close(self) -> None:
        if self.conn is not None:
            try:
                await asyncio.wait_for(self.conn.close(), 10)
            except Exception:  # already gone: nothing to close
                pass
        if self.reader is not None:
            self.reader.cancel()
            self.reader = None


async def _lines():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**28)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        yield json.loads(line)


def _answer(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


async def main() -> None:
    """Read the config and the commands from stdin; answer on stdout (see the module docstring)."""
    commands = _lines()
    config = await anext(commands)
    urls, tokens = config["urls"], config.get("tokens") or []
    count = len(tokens) if tokens else config["count"]
    clients = [Client(url=urls[i % len(urls)], token=tokens[i] if tokens else None, production=config.get("production", 0),
                      mode=config["mode"], marker=config.get("marker", ""), deflate=config.get("deflate", False))
               for i in range(count)]
    _answer({"event": "ready", "loop": "uvloop" if "uvloop" in type(asyncio.get_running_loop()).__module__ else "asyncio"})
    async for command in commands:
        if command["cmd"] == "connect":
            until = command["at"] + command.get("timeout", STORM_TIMEOUT_S)
            gate = asyncio.Semaphore(command["concurrency"]) if command.get("concurrency") else None
            done = await asyncio.gather(*(client.open(until, gate) for client in clients))
            ok = [t for t in done if t is not None]
            errors: Counter[str] = Counter()
            for client in clients:
                errors.update(client.errors)
                client.errors.clear()  # reported here; the results carry only what went wrong afterwards
            _answer({"event": "connected", "done_at": max(ok) if ok else None, "subscribed": len(ok),
                     "retries": sum(c.retries for c in clients), "failed": len(clients) - len(ok), "errors": dict(errors)})
        elif command["cmd"] == "expect":
            wanted = command["keys"]
            while time.monotonic() < command["until"] and any(len(c.first) < wanted for c in clients if c.subscribed_at is not None):
                await asyncio.sleep(0.05)
            _answer({"event": "results", "sockets": [c.report() for c in clients],
                     "frame_bytes": [s for c in clients for s in c.sizes][:100]})
        elif command["cmd"] == "close":
            await asyncio.gather(*(client.close() for client in clients))
            _answer({"event": "closed"})
            return


if __name__ == "__main__":
    try:  # uvloop when it happens to be installed (it is not a requirement); the loop in use is reported
        import uvloop
    except ImportError:
        asyncio.run(main())
    else:
        uvloop.run(main())
