"""The benchmark's coordinator: for each configuration and run, measure Slate, then the bare server, and print the table.

A configuration is (database, ASGI server, N). The stack (Redis, database, worker, seeded crew)
is started once per database and ASGI server; the web processes, the client processes and the
bare server are started fresh for every run, so each run's RSS and warm-up are its own.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from typing import Callable

from websockets.asyncio.client import connect

from apps.demo.bench import stack as stack_module
from apps.demo.bench.crowd import ClientProcesses, deliveries, storm
from apps.demo.bench.driver import SceneWriter, Write
from apps.demo.bench.report import Side, cpu_line, median_side, percentile, table
from apps.demo.bench.stack import PYTHON, REPO, Stack, cpu_s, free_port, rss_kb

CLIENT_LOOPS: set[str] = set()  # the event loops the client processes ran ("asyncio", "uvloop"), for the printout


def settle_s(n: int) -> float:
    """How long to wait after the storm before RSS is read (late presence frames, allocations): 0.2 s, +0.8 s per 1,000 sockets, at most 1 s."""
    return min(1.0, 0.2 + 0.8 * n / 1000)


@dataclass
class Options:
    """The command's flags (see `manage.py bench_live --help`)."""

    clients: list[int]
    rate: float = 5.0
    duration_s: float = 20.0
    databases: tuple[str, ...] = ("sqlite",)
    asgi_servers: tuple[str | None, ...] = (None,)
    web_processes: int = 1
    runs: int = 1
    replay: int = 300
    grace_s: float = 10.0
    storm_timeout_s: float = 120.0
    storm_concurrency: int = 0  # 0: every socket at once
    client_processes: int = 1
    deflate: bool = False
    scenes: int = 20
    keep_files: bool = False
    nginx: bool = True


class CpuMeter:
    """Shares of one core used by named processes between `start()` and `stop()` (from /proc/<pid>/stat)."""

    def __init__(self, pids: dict[str, list[int]]):
        self.pids = pids

    def start(self) -> None:
        self.t0, self.before = time.monotonic(), self._read()

    def stop(self) -> dict[str, float]:
        elapsed, after = time.monotonic() - self.t0, self._read()
        return {name: 100 * (after[name] - self.before[name]) / elapsed for name in self.pids}

    def _read(self) -> dict[str, float]:
        return {name: sum(cpu_s(pid) for pid in pids) for name, pids in self.pids.items()}


@contextlib.contextmanager
def phase(side: Side, name: str):
    """Add the block's wall time to `side.phases[name]` (s)."""
    start = time.monotonic()
    try:
        yield
    finally:
        side.phases[name] = side.phases.get(name, 0.0) + time.monotonic() - start


def measure_slate(stack: Stack, writer: SceneWriter, n: int, opts: Options) -> Side:
    """One run of Slate with `n` sockets: storm, RSS, changes at the rate, deliveries, replay."""
    side = Side()
    seed = stack.seed
    try:
        with phase(side, "start web"):
            stack.start_web()
        with phase(side, "warm-up"):  # every web process serves a socket and a PATCH (directly) before its RSS is read
            writer.base_urls = stack.web_urls
            for url in stack.web_urls:
                asyncio.run(_subscribe_once(_ws(url), seed.member_tokens[0], seed.production))
            writer.marker = f"warm-up {secrets.token_hex(3)} #"
            writer.burst(count=len(stack.web_urls), first_key=0, threads=1)
        writer.base_urls = stack.client_urls
        ws_urls = [_ws(url) for url in stack.client_urls]
        rss_before = sum(rss_kb(pid) for pid in stack.web_pids)
        config = {"mode": "slate", "urls": ws_urls, "tokens": seed.member_tokens[:n], "production": seed.production,
                  "marker": f"bench {secrets.token_hex(4)} #", "deflate": opts.deflate}
        writer.marker = config["marker"]
        with phase(side, "start clients"):
            clients = ClientProcesses(config=config, count=n, processes=opts.client_processes, log_dir=stack.tmp)
        CLIENT_LOOPS.add(clients.loop)
        try:
            with phase(side, "storm"):
                storm(clients, side, opts)
                time.sleep(settle_s(n))
            side.rss_kb_per_socket = (sum(rss_kb(pid) for pid in stack.web_pids) - rss_before) / max(1, side.subscribed)
            meter = CpuMeter({"web": stack.web_pids, **({"nginx": stack.nginx_pids} if stack.nginx_pids else {}),
                              "worker": [stack.worker.pid], "redis": [stack.redis.pid], "clients": clients.pids,
                              "driver": [os.getpid()]})
            with phase(side, "changes"):
                meter.start()
                writes = writer.run(rate=opts.rate, duration_s=opts.duration_s)
                side.cpu = meter.stop()
            _writes_into(side, writes)
            with phase(side, "deliveries"):
                deliveries(clients, side, {w.key: w.sent_at for w in writes if w.ok}, opts.grace_s)
        finally:
            with phase(side, "close clients"):
                clients.close()
        if opts.replay:
            with phase(side, "replay"):
                side.replay_ms = asyncio.run(_replay_slate(ws_urls[0], seed, writer, opts.replay, len(writes)))
    finally:
        with phase(side, "stop web"):
            stack.stop_web()
    return side


def _ws(base_url: str) -> str:
    """The socket URL (`ws://host:port/ws/`) of a base URL (`http://host:port`)."""
    return base_url.replace("http://", "ws://", 1) + "/ws/"


def _writes_into(side: Side, writes: list[Write]) -> None:
    ok = [w for w in writes if w.ok]
    side.changes = len(writes)
    side.http_errors = len(writes) - len(ok)
    side.errors += [f"PATCH {w.status}: {w.error}" for w in writes if not w.ok][:5]
    times = [w.http_ms for w in ok]
    side.http_p50, side.http_p99 = percentile(times, 50), percentile(times, 99)
    if len(writes) > 1:
        side.achieved_rate = (len(writes) - 1) / (writes[-1].sent_at - writes[0].sent_at)


async def _subscribe_once(url: str, token: str | None, production: int, after_seq: int | None = None) -> int:
    """Connect, subscribe, close; the `last_seq` of the `subscribed` answer."""
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"} if token else {}, proxy=None,
                       compression=None, ping_interval=None, open_timeout=30) as conn:
        message = {"type": "subscribe", "production": production}
        if after_seq is not None:
            message["after_seq"] = after_seq
        await conn.send(json.dumps(message))
        while True:
            frame = json.loads(await asyncio.wait_for(conn.recv(), 30))
            if frame.get("type") == "subscribed":
                return frame["last_seq"]
            if frame.get("type") in ("error", "resync"):
                raise RuntimeError(f"subscribe answered {frame}")


async def _resume(url: str, token: str | None, production: int, after_seq: int, count: int) -> float | None:
    """Reconnect and subscribe from `after_seq`; ms from the subscribe frame sent to the `count`th event received."""
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"} if token else {}, proxy=None,
                       compression=None, ping_interval=None, open_timeout=30, max_queue=None) as conn:
        start = time.monotonic()
        await conn.send(json.dumps({"type": "subscribe", "production": production, "after_seq": after_seq}))
        while True:
            frame = json.loads(await asyncio.wait_for(conn.recv(), 60))
            if (frame.get("seq") or 0) >= after_seq + count:
                return (time.monotonic() - start) * 1000
            if frame.get("type") in ("error", "resync") or (frame.get("type") == "subscribed" and frame["last_seq"] < after_seq + count):
                return None


async def _replay_slate(url: str, seed, writer: SceneWriter, count: int, first_key: int) -> float | None:
    """A member subscribed at the stream's head leaves, `count` scene PATCHes are made, the member comes back."""
    token = seed.member_tokens[0]
    left_at = await _subscribe_once(url, token, seed.production)
    writes = await asyncio.to_thread(writer.burst, count=count, first_key=first_key + 1)
    if not all(w.ok for w in writes):
        return None
    return await _resume(url, token, seed.production, left_at, count)


def measure_bare(n: int, frame_bytes: int, opts: Options, log_dir) -> Side:
    """One run of the bare server with `n` sockets, the same rate and duration, frames of `frame_bytes`."""
    side = Side()
    port = free_port()
    url = f"ws://127.0.0.1:{port}/"
    with open(log_dir / "bare.log", "ab") as log:
        server = subprocess.Popen([PYTHON, "-m", "apps.demo.bench.bare", "--port", str(port)], cwd=REPO,
                                  stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        with phase(side, "start server"):  # its first subscriber is the warm-up
            _wait_until(lambda: asyncio.run(_subscribe_once(url, None, 1)) is not None, what="the bare server")
        rss_before = rss_kb(server.pid)
        config = {"mode": "bare", "urls": [url], "production": 1, "deflate": opts.deflate}
        with phase(side, "start clients"):
            clients = ClientProcesses(config=config, count=n, processes=opts.client_processes, log_dir=log_dir)
        try:
            with phase(side, "storm"):
                storm(clients, side, opts)
                time.sleep(settle_s(n))
            side.rss_kb_per_socket = (rss_kb(server.pid) - rss_before) / max(1, side.subscribed)
            meter = CpuMeter({"server": [server.pid], "clients": clients.pids})
            with phase(side, "changes"):
                meter.start()
                sent = asyncio.run(_control(url, {"cmd": "broadcast", "count": max(1, round(opts.rate * opts.duration_s)),
                                                  "rate": opts.rate, "size": frame_bytes}))["sent"]
                side.cpu = meter.stop()
            side.changes = len(sent)
            with phase(side, "deliveries"):
                deliveries(clients, side, {seq: t for seq, t in sent}, opts.grace_s)
        finally:
            with phase(side, "close clients"):
                clients.close()
        if opts.replay:
            with phase(side, "replay"):
                side.replay_ms = asyncio.run(_replay_bare(url, opts.replay, frame_bytes))
    finally:
        stack_module.stop_process(server)
    return side


async def _control(url: str, command: dict) -> dict:
    async with connect(url, proxy=None, compression=None, ping_interval=None, max_size=2**26) as conn:
        await conn.send(json.dumps({"type": "control", **command}))
        return json.loads(await conn.recv())


async def _replay_bare(url: str, count: int, frame_bytes: int) -> float | None:
    left_at = await _subscribe_once(url, None, 1)
    await _control(url, {"cmd": "write", "count": count, "size": frame_bytes})
    return await _resume(url, None, 1, left_at, count)


def _wait_until(check: Callable[[], bool], *, what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if check():
                return
        except (OSError, asyncio.TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {timeout_s:.0f} s")
        time.sleep(0.1)


def run(opts: Options, out: Callable[[str], None] = print) -> list[tuple[dict, Side, Side]]:
    """Every configuration of `opts`, each `opts.runs` times; prints each run and the tables; returns (parameters, Slate, bare) medians."""
    fd_limit = stack_module.raise_fd_limit()
    results = []
    for database in opts.databases:
        for server in opts.asgi_servers:
            stack = Stack(database=database, web_processes=opts.web_processes, asgi_server=server, members=max(opts.clients),
                          scenes=opts.scenes, keep_files=opts.keep_files, use_nginx=opts.nginx)
            try:
                started = time.monotonic()
                stack.start()
                out(f"Stack ready in {time.monotonic() - started:.1f} s: {database}, {max(opts.clients):,} members, "
                    f"files in {stack.tmp}")
                writer = SceneWriter(base_urls=[], token=stack.seed.owner_token, scenes=stack.seed.scenes, marker="")
                for n in opts.clients:
                    params = {"n": n, "database": database, "asgi_server": stack.server_name, "web_processes": opts.web_processes}
                    pairs = []
                    for i in range(opts.runs):
                        slate = measure_slate(stack, writer, n, opts)
                        bare = measure_bare(n, slate.frame_bytes or 600, opts, stack.tmp)
                        pairs.append((slate, bare))
                        if opts.runs > 1:
                            out(f"  run {i + 1}/{opts.runs}, N={n}: Slate p50/p99 {slate.latency_p50 or 0:.0f}/{slate.latency_p99 or 0:.0f} ms, "
                                f"bare {bare.latency_p50 or 0:.0f}/{bare.latency_p99 or 0:.0f} ms, lost {slate.lost}/{bare.lost}, "
                                f"connect {slate.connect_s or 0:.2f}/{bare.connect_s or 0:.2f} s")
                    slate, bare = median_side([p[0] for p in pairs]), median_side([p[1] for p in pairs])
                    _print_result(out, params, slate, bare, opts, stack, fd_limit)
                    if any(side.lost or side.dups or side.http_errors or side.connect_failed for side in (slate, bare)):
                        stack.keep_files = True
                        out(f"Something was lost, duplicated, refused or never subscribed: the processes' logs are kept in {stack.tmp}")
                    results.append((params, slate, bare))
            except Exception:
                if not opts.keep_files:
                    stack.keep_files = True
                    out(f"The run failed; its files (logs of every process) are kept in {stack.tmp}")
                raise
            finally:
                stack.stop()
    return results


def _print_result(out, params: dict, slate: Side, bare: Side, opts: Options, stack: Stack, fd_limit: int) -> None:
    out("")
    out(f"Live fan-out benchmark, {date.today().isoformat()}: N = {params['n']:,} sockets, one scene PATCH every "
        f"{1000 / opts.rate:.0f} ms ({opts.rate:g}/s) for {opts.duration_s:g} s; database {params['database']}; "
        f"{params['web_processes']} web process(es) ({params['asgi_server']}), clients reach them: {stack.proxy}; "
        f"{opts.runs} run(s); replay {opts.replay} events; sockets connect "
        f"{f'at most {opts.storm_concurrency} at a time' if opts.storm_concurrency else 'all at once'}")
    out("")
    for line in table(slate, bare, n=params["n"], runs=opts.runs, replay=opts.replay):
        out(line)
    out("")
    out(f"Achieved change rate: Slate {slate.achieved_rate or 0:.2f}/s, bare {opts.rate:g}/s; "
        f"event frame {int(slate.frame_bytes or 0)} bytes (bare frames padded to it)")
    out(f"CPU while the changes were made (share of one core; the machine has {os.cpu_count()}): "
        f"Slate: {cpu_line(slate)}; bare: {cpu_line(bare)}")
    out(f"Clients: {opts.client_processes} process(es) of the `websockets` client (asyncio, "
        f"{' and '.join(sorted(CLIENT_LOOPS)) or 'asyncio'} event loop), permessage-deflate "
        f"{'offered' if opts.deflate else 'not offered'}; open-file limit {fd_limit:,}. "
        f"Stack environment beyond `make run`'s: " + ", ".join(f"{k}={v}" for k, v in stack_module.BENCH_SETTINGS.items()))
    out("Wall time of the run's steps: Slate: " + ", ".join(f"{k} {v:.1f} s" for k, v in slate.phases.items())
        + "; bare: " + ", ".join(f"{k} {v:.1f} s" for k, v in bare.phases.items()))
    out(f"Load average (1 min) at the end: {os.getloadavg()[0]:.2f} — other work on the machine's {os.cpu_count()} cores "
        "shows in every figure")
    errors = (slate.errors + bare.errors)[:5]
    if errors:
        out("First errors: " + " | ".join(errors))
