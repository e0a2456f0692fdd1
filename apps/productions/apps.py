from django.apps import AppConfig


class ProductionsConfig(AppConfig):
    name = "apps.productions"
    label = "productions"
