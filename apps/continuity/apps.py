from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    """The continuity app: the script supervisor's continuity notes and reference photos."""

    name = "apps.continuity"
    label = "continuity"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (continuity_note, continuity_photo) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.continuity.serializers import ContinuityNoteSerializer, ContinuityPhotoSerializer

        register_serializer("continuity_note", ContinuityNoteSerializer)
        register_serializer("continuity_photo", ContinuityPhotoSerializer)
