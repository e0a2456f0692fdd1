"""Huey tasks of notifications: email and Web Push delivery, with retries. Enqueued after commit by `services.notify`.

Each try is counted in `slate_notifications_sent_total` by channel and outcome (`delivery`'s answer; `error` when
it raised and Huey tries again).
"""
from __future__ import annotations

import logging
from typing import Callable

from django.conf import settings
from huey.contrib.djhuey import db_task

from apps.core import metrics
from apps.notifications import delivery

log = logging.getLogger(__name__)

RETRIES = 3


@db_task(retries=RETRIES, retry_delay=getattr(settings, "SLATE_EMAIL_RETRY_DELAY_S", 60), name="notifications.send_email")
def send_email(notification_id: int) -> str:
    """Email notification `notification_id` to its recipient; SMTP errors are retried 3 times, a minute apart."""
    return _counted("email", lambda: delivery.email_deliver(notification_id=notification_id))


@db_task(retries=RETRIES, retry_delay=getattr(settings, "SLATE_PUSH_RETRY_DELAY_S", 30), context=True, name="notifications.send_push")
def send_push(subscription_id: int, notification_id: int | None = None, task=None) -> str:
    """Push notification `notification_id` (None: a test message) to device `subscription_id` (RFC 8030/8291/8292).

    429/5xx/timeouts raise, so Huey retries 3 times (`retry_delay` apart); the last try records the
    failure and ends instead of raising. A called-locally task (`call_local`, no `task`) is the last try.
    """
    last_attempt = task is None or task.retries == 0
    return _counted("push", lambda: delivery.push_deliver(subscription_id=subscription_id, notification_id=notification_id,
                                                          last_attempt=last_attempt))


def _counted(channel: str, deliver: Callable[[], str]) -> str:
    """Run one delivery and count its outcome ("emailed" counts as "sent"); an exception counts as "error" and is raised on."""
    try:
        outcome = deliver()
    except Exception:
        metrics.NOTIFICATIONS_SENT.labels(channel, "error").inc()
        raise
    metrics.NOTIFICATIONS_SENT.labels(channel, "sent" if outcome == "emailed" else outcome).inc()
    return outcome
