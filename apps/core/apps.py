from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The core app: the base models, API classes, errors, upload checks and commands every Slate app shares."""

    name = "apps.core"
    label = "core"
