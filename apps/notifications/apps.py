from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Notifications: in the app, by email and as Web Push (RFC 8030/8291/8292), with each user's preferences."""

    name = "apps.notifications"
    label = "notifications"
