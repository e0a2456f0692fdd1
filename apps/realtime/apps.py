from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """The realtime app: the event log, the `/ws/` WebSocket, replay and presence."""

    name = "apps.realtime"
    label = "realtime"

    def ready(self) -> None:
        """Give the app's pages the stream's position for the answers they carry (apps/core/first_reads.py)."""
        from apps.core.first_reads import register_stream_position
        from apps.realtime.positions import stream_position

        register_stream_position(stream_position)
