"""Huey tasks of notifications: email and Web Push delivery, with retries. Enqueued after commit by `services.notify`."""
from __future__ import annotations

import logging

from django.conf import settings
from huey.contrib.djhuey import db_task

from apps.notifications import delivery

log = logging.getLogger(__name__)

RETRIES = 3


@db_task(retries=RETRIES, retry_delay=getattr(settings, "SLATE_EMAIL_RETRY_DELAY_S", 60), name="notifications.send_email")
def send_email(notification_id: int) -> str:
    """Email notification `notification_id` to its recipient; SMTP errors are retried 3 times, a minute apart."""
    return delivery.email_deliver(notification_id=notification_id)


@db_task(retries=RETRIES, retry_delay=getattr(settings, "SLATE_PUSH_RETRY_DELAY_S", 30), context=True, name="notifications.send_push")
def send_push(subscription_id: int, notification_id: int | None = None, task=None) -> str:
    """Push notification `notification_id` (None: a test message) to device `subscription_id` (RFC 8030/8291/8292).

    429/5xx/timeouts raise, so Huey retries 3 times (`retry_delay` apart); the last try records the
    failure and ends instead of raising. A called-locally task (`call_local`, no `task`) is the last try.
    """
    last_attempt = task is None or task.retries == 0
    return delivery.push_deliver(subscription_id=subscription_id, notification_id=notification_id, last_attempt=last_attempt)
