from django.apps import AppConfig


class MediaConfig(AppConfig):
    """The media app: dailies, their ffprobe metadata, poster frames and web proxies."""

    name = "apps.media"
    label = "media"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (media_asset, clip) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.media.serializers import ClipSerializer, MediaAssetSerializer

        register_serializer("media_asset", MediaAssetSerializer)
        register_serializer("clip", ClipSerializer)
