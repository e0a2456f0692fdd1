from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """The realtime app: the event log, the `/ws/` WebSocket, replay and presence."""

    name = "apps.realtime"
    label = "realtime"
