"""Delivering one notification by email or to one device by Web Push; called by the Huey tasks in `tasks.py`.

Each function takes ids, loads what it needs, and answers with what happened (a short word the
tasks log and tests check). Only transient failures raise, so Huey tries again; everything
else — a gone subscription, a notification read meanwhile, a refusal — ends cleanly.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from apps.notifications.models import Notification, NotificationKind, PushSubscription
from apps.notifications.push import PushGone, PushRejected, PushTransient, deliver, payload_for

log = logging.getLogger(__name__)

URGENT_KINDS = (NotificationKind.CALLSHEET_PUBLISHED, NotificationKind.CALLSHEET_REVISED)


def absolute_url(path: str) -> str:
    """`path` inside the app as an absolute URL on SLATE_PUBLIC_URL (e.g. http://localhost:8000/productions/7/...)."""
    base = getattr(settings, "SLATE_PUBLIC_URL", "http://localhost:8000").rstrip("/")
    if not path:
        return base + "/"
    return path if path.startswith(("http://", "https://")) else base + "/" + path.lstrip("/")


def email_deliver(*, notification_id: int) -> str:
    """Email one notification to its recipient (django.core.mail, plain text, with the deep link); returns "emailed" or "skipped".

    The subject is `[production title] title` on one line (line breaks in either become spaces).
    Skipped when the row is gone, the recipient has no address, is inactive or is no longer on the
    production's crew (removed after it was queued: checked at send time, issue 18). SMTP errors raise
    (the task retries them).
    """
    row = Notification.objects.select_related("recipient", "production").filter(pk=notification_id).first()
    if row is None or not row.recipient.email or not row.recipient.is_active or not still_member(row):
        return "skipped"
    lines = [row.body] if row.body else []
    lines += [f"Open in Slate: {absolute_url(row.url)}", "", f"— Slate, {row.production.title}",
              f"Change what Slate sends you: {absolute_url('/settings/notifications')}"]
    # One line: Django refuses a header with a line break (BadHeaderError), and titles and names may hold one.
    subject = " ".join(f"[{row.production.title}] {row.title}".split())
    send_mail(subject=subject, message="\n".join(lines), from_email=None,
              recipient_list=[row.recipient.email], fail_silently=False)
    return "emailed"


def still_member(row: Notification) -> bool:
    """Whether the notification's recipient is still on its production's crew: what was queued before they were
    removed is not sent after (issue 18, "Leaving a production"). One query."""
    return Notification.objects.filter(pk=row.pk, production__memberships__user_id=row.recipient_id).exists()


def push_deliver(*, subscription_id: int, notification_id: int | None, last_attempt: bool = False) -> str:
    """Send one push to one device; returns "sent", "missing", "skipped_read", "skipped", "gone", "rejected" or "gave_up".

    `notification_id` None sends a test message. A notification read meanwhile (during quiet hours,
    say) is not pushed; neither is one whose device has since moved to another user, nor one whose
    recipient has left the production since it was queued ("skipped"). 404/410 delete
    the subscription (RFC 8030 section 7.3). Transient failures (429, 5xx, timeouts) raise
    `PushTransient` so Huey retries, unless `last_attempt`: then the failure is recorded and the
    task ends ("gave_up"). Call sheets go out with `Urgency: high` (RFC 8030 section 5.3).
    """
    sub = PushSubscription.objects.filter(pk=subscription_id).first()
    if sub is None:
        return "missing"
    if notification_id is None:
        payload, urgency = payload_for(title="Slate", body="Push notifications work on this device.", url="/settings/notifications"), "normal"
    else:
        row = Notification.objects.filter(pk=notification_id).first()
        if row is None or row.recipient_id != sub.user_id or not still_member(row):
            return "skipped"
        if row.read_at is not None:
            return "skipped_read"
        payload = payload_for(row)
        urgency = "high" if row.kind in URGENT_KINDS else "normal"
    ttl = int(getattr(settings, "SLATE_PUSH_TTL_S", 86400))
    try:
        deliver(endpoint=sub.endpoint, p256dh=sub.p256dh, auth=sub.auth, payload=payload, ttl=ttl, urgency=urgency)
    except PushGone as exc:
        log.info("push subscription %s removed: %s", sub.pk, exc)
        sub.delete()
        return "gone"
    except PushTransient as exc:
        _failed(sub, str(exc))
        if last_attempt:
            log.warning("push to subscription %s given up after retries: %s", sub.pk, exc)
            return "gave_up"
        raise
    except (PushRejected, ValueError, TypeError) as exc:  # ValueError/TypeError: keys the encryption cannot use
        _failed(sub, str(exc) if isinstance(exc, PushRejected) else "the subscription's keys cannot be used")
        log.warning("push to subscription %s refused: %s", sub.pk, exc if isinstance(exc, PushRejected) else type(exc).__name__)
        return "rejected"
    PushSubscription.objects.filter(pk=sub.pk).update(last_success_at=timezone.now(), last_error="")
    return "sent"


def _failed(sub: PushSubscription, message: str) -> None:
    PushSubscription.objects.filter(pk=sub.pk).update(last_failure_at=timezone.now(), last_error=message[:300])
