from django.apps import AppConfig


class ScriptsConfig(AppConfig):
    """The scripts app: screenplays, their versions, and the Fountain import."""

    name = "apps.scripts"
    label = "scripts"
