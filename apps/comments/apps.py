from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """The comments app: threaded comments with @mentions on scenes, shots, takes, notes and dailies."""

    name = "apps.comments"
    label = "comments"
