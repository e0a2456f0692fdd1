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


_close_oversized_messages_with_1009()
_leave_request_bodies_to_django()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SlateAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
