from django.apps import AppConfig


class ScenesConfig(AppConfig):
    """The scenes app: scenes, their shots (setups) and takes."""

    name = "apps.scenes"
    label = "scenes"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (scene, shot, take) with realtime, for events' `data`,
        and its part of a production's stats (`apps.scenes.stats`) with productions."""
        from apps.productions.stats import register_stats_source
        from apps.realtime.events import register_serializer
        from apps.scenes import stats
        from apps.scenes.serializers import SceneSerializer, ShotSerializer, TakeSerializer

        register_serializer("scene", SceneSerializer)
        register_serializer("shot", ShotSerializer)
        register_serializer("take", TakeSerializer)
        register_stats_source(stats.SOURCE)
