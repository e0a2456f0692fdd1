from django.apps import AppConfig


class ScriptsConfig(AppConfig):
    """The scripts app: screenplays, their versions, and the Fountain import."""

    name = "apps.scripts"
    label = "scripts"

    def ready(self) -> None:
        """Register the serializers of this app's live entities (script, script_version) with realtime, for events' `data`."""
        from apps.realtime.events import register_serializer
        from apps.scripts.serializers import ScriptSerializer, ScriptVersionSerializer

        register_serializer("script", ScriptSerializer)
        register_serializer("script_version", ScriptVersionSerializer)
