from django.apps import AppConfig


class MediaConfig(AppConfig):
    """The media app: dailies, their ffprobe metadata, poster frames and web proxies."""

    name = "apps.media"
    label = "media"
