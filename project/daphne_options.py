"""What Slate changes in daphne's HTTP (twisted) and WebSocket (Autobahn) layers, which daphne has no options for.

Each adjustment fixes a way a request could reach the client as a dropped connection, or the web
process as more memory than Slate will ever accept. `adjust()` applies them all, once; the ASGI
module (`project/asgi.py`) calls it on import, which daphne does before it builds its server.
Tested through a real daphne in tests/e2e/test_daphne_server.py (which runs tests/e2e/test_http_limits.py and
the live-workspace tests under daphne).
"""
from __future__ import annotations

import json

from django.conf import settings


def adjust() -> None:
    """Apply every adjustment below (idempotent)."""
    _close_oversized_messages_with_1009()
    _leave_request_bodies_to_django()
    _answer_over_long_lines()
    _refuse_bodies_past_the_limit()


def answer_and_close(transport, status: int, reason: bytes, message: str, code: str, extra: dict) -> None:
    """Write an HTTP/1.1 answer in Slate's error shape (`{message, code, extra}`) straight to `transport`, then close it.

    For the layer below Django, where no request object exists yet to answer with.
    """
    body = json.dumps({"message": message, "code": code, "extra": extra}).encode()
    transport.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                    % (status, reason, len(body), body))
    transport.loseConnection()


def _close_oversized_messages_with_1009() -> None:
    """Make daphne answer a WebSocket message over its size limit (1 MiB) with close code 1009, not a dropped connection.

    Daphne's Autobahn factory keeps Autobahn's default `failByDrop`: a failed connection (a message
    past `--websocket-max-message-size`) is cut at the TCP level with no close frame, so the client
    cannot tell why. With it off, Autobahn closes with the code RFC 6455 (section 7.4.1) gives for
    it, 1009 "message too big". Daphne has no option for it: its factory class gets the option here,
    before daphne's server builds it (this module is imported first).
    """
    from daphne import server, ws_protocol

    class ClosingWebSocketFactory(ws_protocol.WebSocketFactory):
        def setProtocolOptions(self, *args, **kwargs):
            kwargs.setdefault("failByDrop", False)
            super().setProtocolOptions(*args, **kwargs)

    if server.WebSocketFactory is ws_protocol.WebSocketFactory:  # once, however often this module is imported
        server.WebSocketFactory = ClosingWebSocketFactory


def _leave_request_bodies_to_django() -> None:
    """Stop twisted from parsing POST bodies that daphne hands to Django anyway.

    twisted's `Request.requestReceived` reads a whole multipart/form-data body into memory and parses it
    into `request.args` (which daphne never uses): a 4 GiB `POST /api/media/` upload would sit in the
    web process's memory twice, and a body it cannot parse is answered `400` with no body and no
    Content-Type before Slate sees it. twisted's `parsePOSTFormSubmission` switch turns that
    off; daphne has no option for it, so each request gets it here, as daphne builds it.
    """
    from daphne import http_protocol

    if getattr(http_protocol.WebRequest, "_slate_unparsed_bodies", False):
        return
    build = http_protocol.WebRequest.__init__

    def __init__(self, *args, **kwargs):
        build(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    http_protocol.WebRequest.__init__ = __init__
    http_protocol.WebRequest._slate_unparsed_bodies = True


def _answer_over_long_lines() -> None:
    """Answer a request line or header line past twisted's 16 KiB line limit with 414 / 431 and Slate's JSON error.

    twisted's HTTP channel (under daphne) drops the connection without a word when a line is longer
    than `LineReceiver.MAX_LENGTH`: a client that sent `?scenes=...` a thousand times saw its
    connection closed, with no status to tell it why. RFC 9110 section 15.5.15 (414 URI Too Long)
    and RFC 6585 section 5 (431 Request Header Fields Too Large) name the answers.
    """
    from twisted.web import http

    if getattr(http.HTTPChannel, "_slate_answers_long_lines", False):
        return

    def lineLengthExceeded(self, line):
        first = getattr(self, "_HTTPChannel__first_line", 0)  # still reading the request line
        status, reason, what = (414, b"URI Too Long", "address") if first else (431, b"Request Header Fields Too Large", "header")
        answer_and_close(self.transport, status, reason, f"The request's {what} is longer than {self.MAX_LENGTH} bytes.",
                         "too_long", {"limit_bytes": self.MAX_LENGTH})

    http.HTTPChannel.lineLengthExceeded = lineLengthExceeded
    http.HTTPChannel._slate_answers_long_lines = True



def max_request_body_bytes() -> int:
    """The largest request body any Slate endpoint takes: SLATE_MAX_REQUEST_BODY_BYTES, else the largest
    upload limit (multipart media, a tus chunk, a photo, a screenplay) plus 1 MiB for the multipart framing."""
    configured = getattr(settings, "SLATE_MAX_REQUEST_BODY_BYTES", None)
    if configured:
        return configured
    return max(settings.SLATE_MAX_MEDIA_UPLOAD_BYTES, settings.SLATE_UPLOAD_MAX_CHUNK_BYTES, settings.SLATE_MAX_PHOTO_UPLOAD_BYTES,
               settings.SLATE_MAX_SCRIPT_UPLOAD_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + 1024 * 1024


def _refuse_bodies_past_the_limit() -> None:
    """Answer 413 as soon as a request body is known to be larger than any endpoint takes, before it is read.

    twisted reads the whole body (spooled to a temp file), then daphne puts all of it on the
    application's queue at once: whatever the body, it sits in the web process's memory before
    Slate's own size checks run. A declared Content-Length past `max_request_body_bytes()` is
    refused when the headers end; a chunked body when its running total passes the limit. RFC 9110
    section 15.5.14 (413 Content Too Large); the connection is closed, the rest never read.
    """
    from daphne import http_protocol

    request = http_protocol.WebRequest
    if getattr(request, "_slate_limits_bodies", False):
        return
    got_length, content_chunk = request.gotLength, request.handleContentChunk

    def refuse(self) -> None:
        self._slate_refused = True
        limit = max_request_body_bytes()
        answer_and_close(self.channel.transport, 413, b"Content Too Large",
                         f"The request body is larger than the {limit} bytes Slate accepts; upload big files resumably (/api/uploads/).",
                         "too_large", {"limit_bytes": limit})

    def gotLength(self, length):
        got_length(self, length)
        self._slate_body_bytes = 0
        if length is not None and length > max_request_body_bytes():
            refuse(self)

    def handleContentChunk(self, data):
        if getattr(self, "_slate_refused", False):
            return
        self._slate_body_bytes = getattr(self, "_slate_body_bytes", 0) + len(data)
        if self._slate_body_bytes > max_request_body_bytes():
            refuse(self)
            return
        content_chunk(self, data)

    request.gotLength, request.handleContentChunk = gotLength, handleContentChunk
    request._slate_limits_bodies = True
