from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    name = "apps.continuity"
    label = "continuity"
