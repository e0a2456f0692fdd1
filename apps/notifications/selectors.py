"""Reads of notifications: only the user's own, in productions they are still on."""
from __future__ import annotations

from django.db.models import QuerySet

from apps.notifications.models import Notification, PushSubscription


def notification_list(*, user, unread: bool | None = None, production_id: int | None = None) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first, with what `NotificationSerializer` needs (no query per row).

    Only productions the user is still a member of; `unread=True` keeps unread ones,
    `production_id` one production's.
    """
    rows = (Notification.objects.filter(recipient=user, in_app=True, production__memberships__user=user)
            .select_related("production", "actor").order_by("-created_at", "-id"))
    if unread:
        rows = rows.filter(read_at__isnull=True)
    if production_id is not None:
        rows = rows.filter(production_id=production_id)
    return rows


def unread_count(*, user) -> int:
    """How many of the user's in-app notifications are unread (the bell's number)."""
    return notification_list(user=user, unread=True).count()


def push_subscription_list(*, user) -> QuerySet[PushSubscription]:
    """The user's devices that receive push, newest first."""
    return PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")
