from django.apps import AppConfig


class BreakdownConfig(AppConfig):
    name = "apps.breakdown"
    label = "breakdown"
