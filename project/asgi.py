"""ASGI entry point: Django for HTTP, the WorkspaceConsumer for WebSockets at /ws/ (daphne or uvicorn: `manage.py run_web`)."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (after Django is set up)

from apps.realtime.auth import SlateAuthMiddleware  # noqa: E402
from apps.realtime.routing import websocket_urlpatterns  # noqa: E402
from project import daphne_options  # noqa: E402
from project.asgi_limits import RequestLimits  # noqa: E402

daphne_options.adjust()  # before daphne builds its server

application = ProtocolTypeRouter(
    {
        "http": RequestLimits(django_asgi_app),
        "websocket": SlateAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
