"""The web process's garbage-collector settings, applied once the application is loaded (project/asgi.py).

CPython's cyclic collector stops the process while it walks a generation; a full (generation 2)
collection walks every tracked object. A web process serving 1,000 sockets holds ~450,000, and
such a collection took 300–390 ms on this machine: every live frame and write in flight waited
(docs/performance.md, "Live fan-out"). Two standard remedies from the `gc` module's documentation:
`gc.freeze()` moves every object alive after start-up (Django's, ~300,000) to the permanent
generation, which collections skip; and a larger generation-0 threshold lets the short-lived
objects of a fan-out die by reference counting before a collection promotes them.
"""
from __future__ import annotations

import gc

from django.conf import settings


def parse_threshold(text: str) -> tuple[int, ...] | None:
    """`"10000,10,10"` → (10000, 10, 10); `"0"` or `""` → None (leave Python's own). ValueError for anything else."""
    text = text.strip()
    if text in ("", "0"):
        return None
    values = tuple(int(part) for part in text.split(","))
    if not 1 <= len(values) <= 3 or min(values) < 1:
        raise ValueError(f"SLATE_GC_THRESHOLD is 1 to 3 positive integers separated by commas, or 0; not {text!r}")
    return values


def apply() -> None:
    """Freeze start-up's objects and set the collection thresholds (SLATE_GC_FREEZE, SLATE_GC_THRESHOLD)."""
    threshold = parse_threshold(settings.SLATE_GC_THRESHOLD)
    if settings.SLATE_GC_FREEZE:
        gc.collect()  # what start-up left as garbage goes now, not into the permanent generation
        gc.freeze()
    if threshold:
        gc.set_threshold(*threshold)
