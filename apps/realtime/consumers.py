"""The one WebSocket consumer at `/ws/`: subscribe to productions, replay, presence, ping.

Protocol: DESIGN.md, "WebSocket protocol". Every client frame is validated; a bad one is answered
with `{"type": "error", "code": ..., "detail": ...}` and the connection stays up. Close codes:
4401 not signed in, 4403 origin not allowed, 4429 flooding.
"""
from __future__ import annotations

import asyncio
import collections
import json
import logging
import time
import uuid

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from apps.core import metrics
from apps.realtime import fanout, presence, replay, watch
from apps.realtime.access import is_member
from apps.realtime.services import actor_json, production_group, user_group
from apps.realtime.signouts import signed_out_by

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_ORIGIN = 4403
CLOSE_FLOOD = 4429
MAX_ID = 2**63 - 1  # ids are 64-bit (BigAutoField); a larger number would crash the query, not miss it


def _event_type(text: str) -> str | None:
    """The `type` of an envelope text (for frames read back from the log, whose type is not at hand)."""
    return json.loads(text).get("type")


class ProtocolError(Exception):
    """A client frame we answer with an `error` frame (code + detail) instead of acting on it."""

    def __init__(self, code: str, detail: str, **extra):
        super().__init__(detail)
        self.code, self.detail, self.extra = code, detail, extra


def _int_field(message: dict, name: str, *, required: bool) -> int | None:
    value = message.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise ProtocolError("invalid", f"`{name}` must be a non-negative 64-bit integer.")
    return value


class WorkspaceConsumer(AsyncWebsocketConsumer):
    """One client's live connection to the productions it subscribes to.

    Live frames do not come through a channel-layer channel of the socket's own: the web process
    subscribes once per group and hands each message to its consumers (`apps.realtime.fanout`),
    which queue it (`deliver`) and send it from one task per socket.
    """

    # No channel of its own (Channels would open a Redis subscription and a receive task per socket).
    channel_layer_alias = "slate.fanout"

    async def dispatch(self, message):
        """Route a client message (connect, receive, disconnect) to its handler.

        Channels' `dispatch` first closes stale database connections through the thread-sensitive
        sync thread — a thread hop per message. Every handler here reaches the database only
        through `database_sync_to_async`, which does that itself in its thread, so the hop is skipped.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        """Accept the handshake, then close with 4403 when the Origin is not ours or 4401 when nobody is signed in.

        Accepting first lets the client read the close code. A signed-in user joins their own group.
        """
        self.user = self.scope.get("user")
        # production id → the seq of the last stored event this client has. Its stream goes out
        # with no gap and no twin: a live frame at or below it is dropped, one beyond the next is
        # preceded by the missing ones, read from the event log (`_stream_upto`).
        self.subscriptions: dict[int, int] = {}
        # Held while frames of a production's stream are sent: the dispatch loop and the
        # process's stream watch (`apps.realtime.watch`) both send them.
        self.stream_lock = asyncio.Lock()
        # Messages from the process's fan-out waiting for this socket, and the task sending them.
        self.inbox: collections.deque[dict] = collections.deque()
        self.drainer: asyncio.Task | None = None
        self.joined: set[str] = set()
        # Names this connection in presence (Channels' channel name, before the fan-out).
        self.channel_name = f"ws.{uuid.uuid4().hex}"
        self.tokens = float(settings.SLATE_WS_BURST)
        self.refilled = time.monotonic()
        # Until the server's close frame is answered, daphne still delivers the client's frames:
        # a connection we rejected or closed must not act on them (see `receive`).
        self.closing = True
        await self.accept()
        metrics.WS_OPEN_SOCKETS.inc()
        self.counted_open = True
        if self.scope.get("origin_rejected"):
            await self.close(code=CLOSE_ORIGIN)
            return
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.closing = False
        await self._join(user_group(self.user.pk))

    async def disconnect(self, code):
        """Leave every subscribed production (telling the others who is gone) and the user's own group."""
        if getattr(self, "counted_open", False):
            self.counted_open = False
            metrics.WS_OPEN_SOCKETS.dec()
            metrics.WS_CLOSED.labels(metrics.close_code_label(code)).inc()
        if not getattr(self, "user", None) or not self.user.is_authenticated:
            return
        self.closing = True
        for production_id in list(getattr(self, "subscriptions", {})):
            await self._leave(production_id)
        watch.for_this_loop().forget(self)
        hub = fanout.for_this_loop()
        for group in list(self.joined):
            await hub.leave(group, self)
        self.joined.clear()
        while self.inbox:
            fanout.tally_done(self.inbox.popleft(), 0)

    # --- client → server ----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        """Handle one client frame: a JSON text object whose `type` is subscribe, unsubscribe, presence or ping.

        A bad frame gets an `error` frame (`code`, `detail`) and the connection stays up. Beyond the rate
        limit (SLATE_WS_BURST frames, refilled at SLATE_WS_RATE_PER_S a second) the client gets a
        `rate_limited` error and the socket closes with 4429. Frames after a close are ignored.
        """
        if self.closing:
            return
        if not self._take_token():
            await self._send_json({"type": "error", "code": "rate_limited", "detail": "Too many messages; slow down."})
            metrics.WS_RATE_LIMITED.inc()
            self.closing = True
            await self.close(code=CLOSE_FLOOD)
            return
        try:
            message = self._parse(text_data, bytes_data)
            handler = {
                "subscribe": self._subscribe,
                "unsubscribe": self._unsubscribe,
                "presence": self._presence,
                "ping": self._ping,
            }.get(message["type"])
            if handler is None:
                raise ProtocolError("unknown_type", f"Unknown message type {message['type']!r}.")
            await handler(message)
        except ProtocolError as exc:
            await self._send_json({"type": "error", "code": exc.code, "detail": exc.detail, **exc.extra})
        except Exception:  # a consumer must never die on one client's frame; the bug is logged, not hidden
            log.exception("websocket frame failed for user %s", getattr(self.user, "pk", None))
            await self._send_json({"type": "error", "code": "internal", "detail": "The server could not handle that message."})

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(float(settings.SLATE_WS_BURST), self.tokens + (now - self.refilled) * settings.SLATE_WS_RATE_PER_S)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def _parse(self, text_data, bytes_data) -> dict:
        if bytes_data is not None:
            raise ProtocolError("malformed", "Send JSON text frames, not binary.")
        if len(text_data.encode("utf-8")) > settings.SLATE_WS_MAX_FRAME_BYTES:
            raise ProtocolError("too_large", f"Frames are limited to {settings.SLATE_WS_MAX_FRAME_BYTES} bytes.")
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError):
            raise ProtocolError("malformed", "The frame is not valid JSON.") from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise ProtocolError("malformed", 'A frame is a JSON object with a string "type".')
        return message

    async def _ping(self, message):
        await self._send_json({"type": "pong"})

    async def _subscribe(self, message):
        production_id = _int_field(message, "production", required=True)
        after = _int_field(message, "after", required=False)
        after_seq = _int_field(message, "after_seq", required=False)
        group = production_group(production_id)
        # Joined before the log is read, so nothing committed after the read is missed; live frames
        # queue up while we replay, and `_stream_upto` drops those already sent. A non-member
        # leaves again at once: `event_message` sends nothing of a production not subscribed.
        if group not in self.joined:
            await self._join(group)
        async with self.stream_lock:
            result = await database_sync_to_async(replay.subscription)(user=self.user, production_id=production_id,
                                                                       after=after, after_seq=after_seq)
            if result is None:
                if production_id not in self.subscriptions:
                    self.joined.discard(group)
                    await fanout.for_this_loop().leave(group, self)
                raise ProtocolError("forbidden", "You are not a member of this production.", production=production_id)
            if result.resync:
                metrics.WS_RESYNCS.inc()
                await self._send_json({"type": "resync", "production": production_id, "last_seq": result.last_seq})
            elif result.frames:
                metrics.WS_REPLAYS.inc()
                for text in result.frames:
                    await self.send(text_data=text)
                metrics.WS_FRAMES_DELIVERED.inc(len(result.frames))
            if production_id not in self.subscriptions:
                metrics.WS_SUBSCRIPTIONS.labels(str(production_id)).inc()
            self.subscriptions[production_id] = result.last_seq
        watch.for_this_loop().follow(production_id, self)
        await self._send_json({"type": "subscribed", "production": production_id, "replayed": len(result.frames),
                               "last_id": result.last_id, "last_seq": result.last_seq})
        members = await presence.for_this_loop().snapshot(production_id)
        await self.send(text_data=presence.envelope(production_id, members, actor=None))

    async def _unsubscribe(self, message):
        production_id = _int_field(message, "production", required=True)
        if production_id in self.subscriptions:
            await self._leave(production_id)
        await self._send_json({"type": "unsubscribed", "production": production_id})

    async def _presence(self, message):
        production_id = _int_field(message, "production", required=True)
        if production_id not in self.subscriptions:
            raise ProtocolError("not_subscribed", "Subscribe to the production first.", production=production_id)
        where = presence.validate_where(message.get("where"))
        if await presence.update(production_id, self.channel_name, user=actor_json(self.user), where=where):
            presence.for_this_loop().changed(production_id, actor_json(self.user))

    async def _join(self, group: str):
        self.joined.add(group)
        await fanout.for_this_loop().join(group, self)

    async def _leave(self, production_id: int):
        if self.subscriptions.pop(production_id, None) is not None:
            metrics.WS_SUBSCRIPTIONS.labels(str(production_id)).dec()
        watch.for_this_loop().unfollow(production_id, self)
        group = production_group(production_id)
        self.joined.discard(group)
        await fanout.for_this_loop().leave(group, self)
        if await presence.remove(production_id, self.channel_name):
            presence.for_this_loop().changed(production_id, actor_json(self.user))

    # --- server → client ----------------------------------------------------------------------

    def deliver(self, message: dict) -> None:
        """Queue a message from the process's fan-out for this socket (`apps.realtime.fanout.Hub`); never blocks."""
        if self.closing:
            fanout.tally_done(message, 0)
            return
        self.inbox.append(message)
        if self.drainer is None or self.drainer.done():
            self.drainer = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self):
        """Send the inbox in arrival order; one failed message is logged, the next ones still go. Each message is
        reported to its fan-out tally with the frames it took (`apps.realtime.fanout.tally_done`)."""
        while self.inbox and not self.closing:
            message = self.inbox.popleft()
            sent = 0
            try:
                sent = await self.event_message(message)
            except Exception:  # noqa: BLE001 — a consumer must never die on one frame
                log.exception("could not send %s to user %s", message.get("event_type"), self.user.pk)
            finally:
                fanout.tally_done(message, sent or 0)

    async def event_message(self, message) -> int:
        """A published or broadcast event from the channel layer: forward it, keeping each production's stream whole.

        Ephemeral frames (`seq` null) go out as they come. A stored event goes out once, in seq
        order: one the client has is dropped, and one that arrives after a gap (a frame lost on
        the way, or overtaken by a later one) is preceded by the missing events from the log.
        Returns how many event frames went to the socket.
        """
        if self.closing:
            return 0  # daphne raises on a send to a socket whose close is under way
        if "sign_out" in message:  # this user's sign-ins ended somewhere (apps.realtime.signouts): is this one of them?
            session = self.scope.get("session")
            if signed_out_by(message["sign_out"], session_key=getattr(session, "session_key", None), jwt_payload=self.scope.get("jwt_payload")):
                self.closing = True
                await self.close(code=CLOSE_UNAUTHENTICATED)
            return 0
        production_id = message.get("production")
        if production_id is not None and production_id not in self.subscriptions:
            return 0
        seq = message.get("seq")
        if production_id is None or seq is None:
            await self.send(text_data=message["text"])
            return 1
        async with self.stream_lock:
            return await self._stream_upto(production_id, seq, live=(message["text"], message.get("event_type")))

    async def catch_up(self, production_id: int, upto_seq: int):
        """Send the client the production's stored events up to `upto_seq` that it does not have yet (the stream watch's repair)."""
        async with self.stream_lock:
            sent = await self._stream_upto(production_id, upto_seq)
        if sent:
            metrics.WS_FRAMES_DELIVERED.inc(sent)

    def stream_position(self, production_id: int) -> int | None:
        """The seq of the last stored event of the production this client has; None when not subscribed."""
        return self.subscriptions.get(production_id)

    async def _stream_upto(self, production_id: int, upto_seq: int, live: tuple[str, str | None] | None = None) -> int:
        """Bring the client's stream of the production up to `upto_seq`; `live` is that event's frame and type when at hand.

        Call with `stream_lock` held. Too much missing (past SLATE_REPLAY_LIMIT) is answered with
        `resync` (the client refetches over REST) and the stream goes on from there. Returns how
        many event frames it sent.
        """
        if self.closing:
            return 0
        last = self.subscriptions.get(production_id)
        if last is None or upto_seq <= last:
            return 0
        frames: list[tuple[str, str | None]] = []
        missing_upto = upto_seq - 1 if live is not None else upto_seq
        if missing_upto > last:
            texts = await replay.frames_between.between(production_id, last, missing_upto)
            if texts is None and not await database_sync_to_async(is_member)(user=self.user, production_id=production_id):
                # The skipped frames may hold this user's `membership.deleted`: a removed member gets no resync, only
                # the answer a subscribe would get now, and leaves the stream (issue 18, "Leaving a production").
                await self._leave(production_id)
                await self._send_json({"type": "error", "code": "forbidden", "detail": "You are no longer a member of this production.",
                                       "production": production_id})
                return 0
            if texts is None:
                log.warning("socket of user %s missed events %d-%d of production %d: resync", self.user.pk, last + 1, missing_upto, production_id)
                metrics.WS_RESYNCS.inc()
                await self._send_json({"type": "resync", "production": production_id, "last_seq": missing_upto})
                texts = []
            else:
                metrics.WS_REPLAYS.inc()
            frames = [(text, None) for text in texts]
        if live is not None:
            frames.append(live)
        sent = 0
        for text, event_type in frames:
            if self.closing or production_id not in self.subscriptions:
                return sent
            await self.send(text_data=text)
            sent += 1
            if (event_type or _event_type(text)) == "membership.deleted":
                if ((json.loads(text).get("data") or {}).get("user") or {}).get("id") == self.user.pk:
                    await self._leave(production_id)
                    return sent
        self.subscriptions[production_id] = upto_seq
        return sent

    async def _send_json(self, payload: dict):
        await self.send(text_data=json.dumps(payload, separators=(",", ":")))
