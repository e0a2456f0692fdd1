from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Notifications: in the app, by email and as Web Push (RFC 8030/8291/8292), with each user's preferences."""

    name = "apps.notifications"
    label = "notifications"

    def ready(self) -> None:
        """Connect the receivers of other apps' signals (`apps.notifications.receivers`): a finished job tells its creator."""
        from apps.jobs.signals import job_finished
        from apps.notifications.receivers import job_finished_notify

        job_finished.connect(job_finished_notify, dispatch_uid="notifications.job_finished_notify")
