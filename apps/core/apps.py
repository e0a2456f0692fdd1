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

        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from apps.core.throttling import clear_failed_sign_ins, record_failed_sign_in

        # The per-account sign-in lock-out counts failures and forgets them on success (apps.core.throttling).
        user_login_failed.connect(record_failed_sign_in, dispatch_uid="slate-sign-in-failures")
        user_logged_in.connect(clear_failed_sign_ins, dispatch_uid="slate-sign-in-success")
