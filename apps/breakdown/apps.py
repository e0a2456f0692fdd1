from django.apps import AppConfig


class BreakdownConfig(AppConfig):
    """The breakdown app: characters, cast, props and locations each scene needs."""

    name = "apps.breakdown"
    label = "breakdown"
