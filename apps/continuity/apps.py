from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    """The continuity app: the script supervisor's continuity notes and reference photos."""

    name = "apps.continuity"
    label = "continuity"
