from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """The comments app: threaded comments with @mentions on scenes, shots, takes, notes and dailies."""

    name = "apps.comments"
    label = "comments"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (comment) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.comments.serializers import CommentSerializer

        register_serializer("comment", CommentSerializer)
