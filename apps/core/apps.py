from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The core app: the base models, API classes, errors, upload checks and commands every Slate app shares."""

    name = "apps.core"
    label = "core"

    def ready(self):
        from django.urls import register_converter

        from apps.core.integers import IdConverter

        register_converter(IdConverter, "id")  # `<id:pk>`: ids the database can hold; others are a 404

        from apps.core.readiness import register_core_checks

        register_core_checks()  # /api/ready/'s database, redis and media_disk (the jobs app adds `worker`)
