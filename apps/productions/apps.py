from django.apps import AppConfig


class ProductionsConfig(AppConfig):
    """The productions app: productions, their crews and the roles that decide who may do what."""

    name = "apps.productions"
    label = "productions"
