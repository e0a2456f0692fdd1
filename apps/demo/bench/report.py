"""The benchmark's figures (`Side`: one server's results in one run), their medians over runs, and the printed table."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, fields


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank `p`th percentile (0 < p <= 100) of `values`; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Side:
    """One server's figures in one run (Slate's or the bare server's). Times in ms unless named `_s`; None: not measured.

    `phases` is the wall time of each step of the run (s), to see where a run's time goes.
    `deliveries` is the number of (socket, change) pairs expected, `lost` those not received by the
    end of the grace period, `dups` the stored events received twice on one socket. `cpu` is the
    share of one core each process used while the changes were made, by name (`web`, `clients`…).
    """

    latency_p50: float | None = None
    latency_p99: float | None = None
    latency_max: float | None = None
    deliveries: int = 0
    lost: int = 0
    dups: int = 0
    http_p50: float | None = None
    http_p99: float | None = None
    http_errors: int = 0
    changes: int = 0
    achieved_rate: float | None = None
    connect_s: float | None = None
    subscribed: int = 0
    connect_failed: int = 0
    connect_retries: int = 0
    rss_kb_per_socket: float | None = None
    replay_ms: float | None = None
    frame_bytes: int | None = None
    cpu: dict[str, float] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def median_side(sides: list[Side]) -> Side:
    """The median of each figure over runs; counts (lost, duplicated, errors, failures) are summed instead."""
    summed = {"deliveries", "lost", "dups", "http_errors", "changes", "connect_failed", "connect_retries"}
    merged = Side()
    for f in fields(Side):
        values = [getattr(side, f.name) for side in sides]
        if f.name in summed:
            setattr(merged, f.name, sum(values))
        elif f.name in ("cpu", "phases"):
            names = list(dict.fromkeys(name for side in sides for name in getattr(side, f.name)))
            setattr(merged, f.name, {name: statistics.median([getattr(side, f.name).get(name, 0.0) for side in sides]) for name in names})
        elif f.name == "errors":
            merged.errors = [e for side in sides for e in side.errors][:10]
        else:
            present = [v for v in values if v is not None]
            setattr(merged, f.name, statistics.median(present) if present else None)
    return merged


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def _trio(side: Side) -> str:
    if side.latency_p50 is None:
        return "—"
    return f"{_ms(side.latency_p50)} / {_ms(side.latency_p99)} / {_ms(side.latency_max)} ms"


def table(slate: Side, bare: Side, *, n: int, runs: int, replay: int) -> list[str]:
    """The issue-12 table, Slate beside bare, as Markdown lines."""
    ratio = "—"
    if slate.latency_p99 is not None and bare.latency_p99:
        ratio = f"{slate.latency_p99 / bare.latency_p99:.1f}×"
    what = "median of " + str(runs) + " runs" if runs > 1 else "one run"
    rows = [
        (f"N = {n:,}: change → every socket, p50 / p99 / max", _trio(slate), _trio(bare)),
        ("p99 ratio to bare", ratio, "1×"),
        (f"lost / duplicated deliveries{' (all runs)' if runs > 1 else ''}",
         f"{slate.lost:,} / {slate.dups:,} of {slate.deliveries:,}", f"{bare.lost:,} / {bare.dups:,} of {bare.deliveries:,}"),
        ("HTTP write (scene PATCH) p50 / p99", f"{_ms(slate.http_p50)} / {_ms(slate.http_p99)} ms"
         + (f" ({slate.http_errors} not 200)" if slate.http_errors else ""), "—"),
        (f"{n:,} sockets connect + subscribe",
         _connect(slate, n), _connect(bare, n)),
        ("RSS per socket", _kb(slate.rss_kb_per_socket), _kb(bare.rss_kb_per_socket)),
        (f"replay of {replay} missed events on resume", f"{_ms(slate.replay_ms)} ms" if slate.replay_ms is not None else "—",
         f"{_ms(bare.replay_ms)} ms" if bare.replay_ms is not None else "—"),
    ]
    lines = [f"| {what} | Slate | bare `websockets` broadcast, same N, rate and payload |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return lines


def _connect(side: Side, n: int) -> str:
    if side.connect_s is None:
        return "—"
    text = f"{side.connect_s:.2f} s"
    if side.subscribed < n:
        text += f" ({n - side.subscribed} never subscribed)"
    if side.connect_retries:
        text += f" ({side.connect_retries} retries)"
    return text


def _kb(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} KB"


def cpu_line(side: Side) -> str:
    """`web 97%, worker 1%, …` (share of one core while the changes were made)."""
    return ", ".join(f"{name} {share:.0f}%" for name, share in side.cpu.items()) or "—"
