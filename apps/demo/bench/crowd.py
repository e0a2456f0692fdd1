"""The benchmark's crowd: client processes (`apps.demo.bench.clients`) holding the sockets, the connect storm, and
counting each change's deliveries (latency, lost, duplicates) into a `Side`.
"""
from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import time
from typing import TYPE_CHECKING

from apps.demo.bench.report import Side, percentile
from apps.demo.bench.stack import PYTHON, REPO

if TYPE_CHECKING:
    from apps.demo.bench.run import Options


class ClientProcesses:
    """`processes` client processes (`apps.demo.bench.clients`) sharing the sockets round-robin."""

    def __init__(self, *, config: dict, count: int, processes: int, log_dir):
        self.procs: list[subprocess.Popen] = []
        tokens = config.pop("tokens", None)
        processes = max(1, min(processes, count))
        for p in range(processes):
            mine = dict(config, count=len(range(p, count, processes)))
            if tokens:
                mine["tokens"] = tokens[p:count:processes]
            with open(log_dir / f"clients{p}.log", "ab") as log:
                proc = subprocess.Popen([PYTHON, "-m", "apps.demo.bench.clients"], cwd=REPO, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
            proc.stdin.write(json.dumps(mine) + "\n")
            self.procs.append(proc)
        self.loop = self._answers("ready")[0]["loop"]

    @property
    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs]

    def _answers(self, event: str) -> list[dict]:
        answers = []
        for proc in self.procs:
            proc.stdin.flush()
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"a client process exited ({proc.wait()}); see clients*.log in the run's files")
            answer = json.loads(line)
            assert answer["event"] == event, answer
            answers.append(answer)
        return answers

    def command(self, event: str, **command) -> list[dict]:
        for proc in self.procs:
            proc.stdin.write(json.dumps(command) + "\n")
        return self._answers(event)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.command("closed", cmd="close")
        for proc in self.procs:
            with contextlib.suppress(Exception):
                proc.stdin.close()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def storm(clients: ClientProcesses, side: Side, opts: Options) -> None:
    """All sockets connect and subscribe at once, or `opts.storm_concurrency` at a time (retrying as browsers do, for at
    most `opts.storm_timeout_s`); fills connect_s, subscribed, failures, retries."""
    at = time.monotonic()
    per_process = -(-opts.storm_concurrency // len(clients.procs)) if opts.storm_concurrency else 0
    answers = clients.command("connected", cmd="connect", at=at, timeout=opts.storm_timeout_s, concurrency=per_process)
    done = [a["done_at"] for a in answers if a["done_at"] is not None]
    side.connect_s = (max(done) - at) if done else None
    side.subscribed = sum(a["subscribed"] for a in answers)
    side.connect_failed = sum(a["failed"] for a in answers)
    side.connect_retries = sum(a["retries"] for a in answers)
    _count_errors(side, [a["errors"] for a in answers])


def _count_errors(side: Side, counts: list[dict[str, int]]) -> None:
    total: dict[str, int] = {}
    for errors in counts:
        for text, count in errors.items():
            total[text] = total.get(text, 0) + count
    side.errors += [f"{text} (×{count})" for text, count in sorted(total.items(), key=lambda item: -item[1])]


def deliveries(clients: ClientProcesses, side: Side, sent: dict[int, float], grace_s: float) -> None:
    """Wait for every subscribed socket to have every change (or the grace period); fill latency, lost, duplicates, frame size.

    Only sockets that subscribed in the storm are expected to receive the changes (the others show
    in the connect figures); `sent` is `{change key: monotonic send time}`.
    """
    answers = clients.command("results", cmd="expect", keys=len(sent), until=time.monotonic() + grace_s)
    latencies = []
    sockets = [sock for answer in answers for sock in answer["sockets"] if sock["subscribed"]]
    for sock in sockets:
        got = {key: t for key, t in sock["got"]}
        for key, sent_at in sent.items():
            if key in got:
                latencies.append((got[key] - sent_at) * 1000)
            else:
                side.lost += 1
        side.dups += sock["dups"]
    _count_errors(side, [sock["errors"] for sock in sockets])
    side.deliveries = len(sent) * len(sockets)
    side.latency_p50, side.latency_p99 = percentile(latencies, 50), percentile(latencies, 99)
    side.latency_max = max(latencies) if latencies else None
    sizes = [s for a in answers for s in a["frame_bytes"]]
    side.frame_bytes = int(statistics.median(sizes)) if sizes else None
