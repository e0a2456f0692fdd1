"""Huey's job queue in a backup: the pending and scheduled messages, read without taking them, put back on restore.

Through Huey's storage API (`huey.contrib.djhuey.HUEY.storage`): `enqueued_items()` lists the queue in the
order workers take it, `scheduled_items()` the delayed messages (retries waiting for their time), neither
removing anything. The messages are kept as Huey serialized them (base64 in `queue.json`), so a restore
puts back exactly what was waiting, onto whatever queue name the restoring install uses; a scheduled
message keeps its time (its `eta`). In Huey's immediate mode there is no queue: nothing is read or written.
"""
from __future__ import annotations

import base64
import datetime

from huey.contrib.djhuey import HUEY


def _eta(message: bytes) -> str | None:
    """The scheduled time of a serialized Huey message (naive, in Huey's clock), ISO 8601; None when it has none."""
    eta = HUEY.serializer.deserialize(message).eta
    return eta.isoformat() if eta else None


def queue_read() -> dict | None:
    """The queue's waiting messages: {"huey": queue name, "pending": [base64, …] in the order workers take them,
    "scheduled": [{"eta": ISO time or None, "data": base64}, …]}; None in immediate mode. Raises redis errors."""
    if HUEY.immediate:
        return None
    pending = [base64.b64encode(data).decode("ascii") for data in HUEY.storage.enqueued_items()]
    scheduled = [{"eta": _eta(data), "data": base64.b64encode(data).decode("ascii")}
                 for data in HUEY.storage.scheduled_items()]
    return {"huey": HUEY.name, "pending": pending, "scheduled": scheduled}


def queue_write(saved: dict) -> tuple[int, int] | None:
    """Put the messages of `queue_read()`'s answer back: pending ones in their order, scheduled ones at their time.

    Returns (pending, scheduled) counts put back; None in immediate mode (nothing is put back). Raises redis errors.
    """
    if HUEY.immediate:
        return None
    for data in saved.get("pending", []):
        HUEY.storage.enqueue(base64.b64decode(data))
    for item in saved.get("scheduled", []):
        eta = datetime.datetime.fromisoformat(item["eta"]) if item.get("eta") else datetime.datetime.fromtimestamp(0)
        HUEY.storage.add_to_schedule(base64.b64decode(item["data"]), eta)
    return len(saved.get("pending", [])), len(saved.get("scheduled", []))
