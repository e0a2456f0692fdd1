"""`python -m apps.demo.bench.bare --port P`: the baseline, a minimal `websockets` broadcast server.

What any WebSocket fan-out costs on this machine with the same clients: no auth, no database, no
channel layer. A client sends `{"type": "subscribe", "after_seq"?: n}`, is sent the frames after
`n` it missed (from memory), then `{"type": "subscribed", "last_seq": n}`, and from then on every
broadcast frame. Frames look like Slate's envelopes and are padded to the size asked for:
`{"id", "seq", "type": "bare.event", "production", "t", "data": {"pad": "xxx…"}}`.

Control frames (from the coordinator, `{"type": "control", ...}` on a socket of its own):
- `{"cmd": "broadcast", "count": n, "rate": per_s, "size": bytes}`: n frames at that rate, each
  sent with one `websockets.asyncio.server.broadcast` call; answered `{"type": "done", "sent":
  [[seq, t], ...]}` where `t` is `time.monotonic()` just before the call.
- `{"cmd": "write", "count": n, "size": bytes}`: n frames at once (what a resuming client missed);
  answered `{"type": "done", "last_seq": n}`.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time

from websockets.asyncio.server import broadcast, serve

LOG: list[str] = []
SUBSCRIBERS: set = set()


def frame(seq: int, size: int) -> str:
    """A frame of about `size` bytes (within a few: the digits of `t` vary) carrying `seq` and its send time."""
    body = {"id": seq, "seq": seq, "type": "bare.event", "production": 1, "t": round(time.monotonic(), 6), "data": {"pad": ""}}
    text = json.dumps(body, separators=(",", ":"))
    body["data"]["pad"] = "x" * max(0, size - len(text))
    return json.dumps(body, separators=(",", ":"))


async def _control(ws, message: dict) -> None:
    if message["cmd"] == "broadcast":
        sent = []
        start = time.monotonic()
        for i in range(message["count"]):
            delay = start + i / message["rate"] - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            seq = len(LOG) + 1
            text = frame(seq, message["size"])
            LOG.append(text)
            sent.append([seq, time.monotonic()])
            broadcast(SUBSCRIBERS, text)
        await ws.send(json.dumps({"type": "done", "sent": sent}))
    elif message["cmd"] == "write":
        for _ in range(message["count"]):
            text = frame(len(LOG) + 1, message["size"])
            LOG.append(text)
            broadcast(SUBSCRIBERS, text)
        await ws.send(json.dumps({"type": "done", "last_seq": len(LOG)}))


async def handler(ws) -> None:
    """One connection: a subscriber (replayed from `after_seq`, then live) or the coordinator's control socket."""
    async for text in ws:
        message = json.loads(text)
        if message.get("type") == "control":
            await _control(ws, message)
        elif message.get("type") == "subscribe" and ws not in SUBSCRIBERS:
            after = message.get("after_seq")
            if after is not None:
                for missed in LOG[after:]:
                    await ws.send(missed)
            await ws.send(json.dumps({"type": "subscribed", "production": message.get("production"), "last_seq": len(LOG)}))
            SUBSCRIBERS.add(ws)
    SUBSCRIBERS.discard(ws)


async def main(host: str, port: int) -> None:
    # websockets' defaults (listen backlog, permessage-deflate only when the client offers it), but
    # max_size as daphne's 1 MiB and no keepalive pings.
    async with serve(handler, host, port, max_size=2**20, ping_interval=None) as server:
        print(f"bare websockets server on {host}:{port}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(main(args.host, args.port))
