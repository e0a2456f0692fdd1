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


_close_oversized_messages_with_1009()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SlateAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
