from django.apps import AppConfig


class ScenesConfig(AppConfig):
    """The scenes app: scenes, their shots (setups) and takes."""

    name = "apps.scenes"
    label = "scenes"
