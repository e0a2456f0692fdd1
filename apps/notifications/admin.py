"""Admin: notifications and push subscriptions, read-mostly (the keys of a device and the VAPID key are never shown)."""
from django.contrib import admin

from apps.notifications.models import Notification, NotificationPreference, PushSubscription


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Who was told what, and whether they read it."""

    list_display = ["id", "recipient", "production", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient", "production", "actor"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Each user's channels per kind and quiet hours."""

    list_display = ["user", "quiet_enabled", "quiet_start", "quiet_end", "timezone"]
    raw_id_fields = ["user"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Devices that receive Web Push; the keys stay hidden."""

    list_display = ["id", "user", "endpoint", "created_at", "last_success_at", "last_failure_at", "last_error"]
    exclude = ["p256dh", "auth"]
    raw_id_fields = ["user"]
