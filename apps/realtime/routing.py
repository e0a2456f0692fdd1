"""WebSocket routes: the one `/ws/` endpoint."""
from django.urls import path

from apps.realtime.consumers import WorkspaceConsumer

websocket_urlpatterns = [path("ws/", WorkspaceConsumer.as_asgi())]
