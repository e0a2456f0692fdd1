"""`make bench-live` at a tiny scale: it starts the real stack, prints issue 12's table, and loses nothing.

The benchmark (`manage.py bench_live`, apps/demo/bench/) runs as `make bench-live` runs it, with 5
sockets, 3 changes a second for 2 seconds and a replay of 20 events: Slate's web, worker and Redis
on a private SQLite database, then the bare `websockets` server. Its figures are printed, never
asserted here (speed lives in the benchmark); what is asserted is that every change reached every
socket once, on both sides, and that every row of the table was measured.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.e2e.conftest import PYTHON, REPO

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHANGES, SOCKETS = 6, 5  # 3 a second for 2 s


def row(output: str, label: str) -> list[str]:
    """The cells after `label` in the table row that starts with it."""
    line = next((ln for ln in output.splitlines() if ln.startswith(f"| {label}")), None)
    assert line is not None, f"no row {label!r} in:\n{output}"
    return [cell.strip() for cell in line.strip("|").split("|")][1:]


def test_bench_live_prints_the_table_and_every_change_reaches_every_socket_once():
    # Given the benchmark as `make bench-live` runs it (DEBUG=true for the command itself; the stack runs DEBUG off)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(DEBUG="true", DJANGO_SETTINGS_MODULE="project.settings")

    # When it runs at a tiny scale
    done = subprocess.run(
        [PYTHON, "manage.py", "bench_live", "--clients", str(SOCKETS), "--rate", "3", "--duration", "2", "--replay", "20",
         "--grace", "15"],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240,
    )
    out = done.stdout
    assert done.returncode == 0, f"bench_live failed ({done.returncode}):\n{out[-4000:]}\n{done.stderr[-4000:]}"

    # Then the table is printed, Slate beside bare, with every figure measured
    assert "| one run | Slate | bare `websockets` broadcast, same N, rate and payload |" in out, out
    for label in ("N = 5: change → every socket, p50 / p99 / max", "5 sockets connect + subscribe", "RSS per socket",
                  "replay of 20 missed events on resume"):
        slate, bare = row(out, label)
        assert slate != "—" and bare != "—", f"{label}: {slate} | {bare}"
        assert "never subscribed" not in slate + bare
    assert row(out, "HTTP write (scene PATCH) p50 / p99")[0].endswith(" ms"), out  # every PATCH answered 200

    # And every change reached every socket exactly once, on both sides
    everything = f"0 / 0 of {CHANGES * SOCKETS}"
    assert row(out, "lost / duplicated deliveries") == [everything, everything], out
