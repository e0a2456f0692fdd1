from django.apps import AppConfig


class ScenesConfig(AppConfig):
    """The scenes app: scenes, their shots (setups) and takes."""

    name = "apps.scenes"
    label = "scenes"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (scene, shot, take) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.scenes.serializers import SceneSerializer, ShotSerializer, TakeSerializer

        register_serializer("scene", SceneSerializer)
        register_serializer("shot", ShotSerializer)
        register_serializer("take", TakeSerializer)
