"""ASGI entry point: Django for HTTP, the WorkspaceConsumer for WebSockets at /ws/ (daphne or uvicorn: `manage.py run_web`)."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (after Django is set up)

from apps.realtime.auth import SlateAuthMiddleware  # noqa: E402
from apps.realtime.routing import websocket_urlpatterns  # noqa: E402
from project import daphne_options, gc_tuning  # noqa: E402
from project.asgi_limits import RequestLimits  # noqa: E402

daphne_options.adjust()  # before daphne builds its server

application = ProtocolTypeRouter(
    {
        "http": RequestLimits(django_asgi_app),
        "websocket": SlateAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)


# The web process's garbage collector (docs/performance.md, "Live fan-out"): a full collection
# walked every object of the process — Django's ~300,000 from start-up plus every open socket's —
# and stopped the event loop for 300–390 ms at 1,000 sockets, the p99 of every live frame and
# write. `gc.freeze()` (Python docs, gc module) moves what start-up made into the permanent
# generation, never scanned again; a larger first threshold lets a fan-out's short-lived
# objects die before a collection promotes them. SLATE_GC_THRESHOLD, "0" leaves Python's.
gc_tuning.apply()
