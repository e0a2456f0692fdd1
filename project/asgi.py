"""ASGI entry point: Django for HTTP, the WorkspaceConsumer for WebSockets at /ws/ (served by daphne)."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (after Django is set up)

from apps.realtime.auth import SlateAuthMiddleware  # noqa: E402
from apps.realtime.routing import websocket_urlpatterns  # noqa: E402



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
    import json

    from twisted.web import http

    if getattr(http.HTTPChannel, "_slate_answers_long_lines", False):
        return

    def lineLengthExceeded(self, line):
        first = getattr(self, "_HTTPChannel__first_line", 0)  # still reading the request line
        status, reason, what = (414, b"URI Too Long", "address") if first else (431, b"Request Header Fields Too Large", "header")
        body = json.dumps({"message": f"The request's {what} is longer than {self.MAX_LENGTH} bytes.",
                           "code": "too_long", "extra": {"limit_bytes": self.MAX_LENGTH}}).encode()
        self.transport.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                             % (status, reason, len(body), body))
        self.loseConnection()

    http.HTTPChannel.lineLengthExceeded = lineLengthExceeded
    http.HTTPChannel._slate_answers_long_lines = True


_close_oversized_messages_with_1009()
_leave_request_bodies_to_django()
_answer_over_long_lines()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SlateAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
