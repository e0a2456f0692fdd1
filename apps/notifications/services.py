"""Writes on notifications: `notify` (the one entry point of every trigger), read state, preferences, push subscriptions.

Delivery happens after the caller's transaction commits: the live `notification.created` event
(`apps.realtime.services.publish_to_user`), and Huey tasks for email (`tasks.send_email`) and Web
Push (`tasks.send_push`, one per device). A rolled-back change never notifies anyone.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import metrics
from apps.core.errors import ApplicationError
from apps.core.times import parse_time
from apps.notifications.models import (
    DEFAULT_CHANNELS,
    Channel,
    Notification,
    NotificationKind,
    NotificationPreference,
    PushSubscription,
)
from apps.notifications.serializers import NotificationSerializer

log = logging.getLogger(__name__)

KINDS = tuple(NotificationKind.values)
CHANNELS = tuple(Channel.values)
DEFAULT_QUIET_HOURS = {"enabled": False, "start": "22:00", "end": "07:00", "timezone": "Europe/Madrid"}


# --- preferences ----------------------------------------------------------------------------

def channels_for(pref: NotificationPreference | None, kind: str) -> dict[str, bool]:
    """`{"in_app": bool, "email": bool, "push": bool}` for one kind: the user's choice over the contract's defaults."""
    chosen = dict(DEFAULT_CHANNELS[kind])
    if pref is not None:
        for channel, on in (pref.kinds or {}).get(kind, {}).items():
            if channel in chosen and isinstance(on, bool):
                chosen[channel] = on
    return chosen


def quiet_hours_end(pref: NotificationPreference | None, *, now: datetime | None = None) -> datetime | None:
    """When the user's quiet hours end (aware UTC datetime) if `now` falls inside them, else None.

    The window runs from `quiet_start` (inclusive) to `quiet_end` (exclusive), wall-clock times in
    the IANA zone `pref.timezone` (zoneinfo, so daylight-saving changes are honoured); a start
    after the end crosses midnight (22:00–07:00). start == end, disabled quiet hours or an unknown
    zone mean no quiet hours.
    """
    if pref is None or not pref.quiet_enabled or pref.quiet_start == pref.quiet_end:
        return None
    try:
        zone = ZoneInfo(pref.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    local = (now or timezone.now()).astimezone(zone)
    t = local.time().replace(tzinfo=None)
    start, end = _as_time(pref.quiet_start), _as_time(pref.quiet_end)
    if start < end:
        inside, end_day = start <= t < end, local.date()
    else:  # crosses midnight
        inside = t >= start or t < end
        end_day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _as_time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def preference_get(*, user) -> dict[str, Any]:
    """A user's preferences as the API shows them: `{"kinds": {kind: {channel: bool}}, "quiet_hours": {...}}`.

    Every one of the six kinds is present (defaults where the user chose nothing); quiet hours are
    `{"enabled", "start": "HH:MM", "end": "HH:MM", "timezone": IANA name}`.
    """
    pref = NotificationPreference.objects.filter(user=user).first()
    kinds = {kind: channels_for(pref, kind) for kind in KINDS}
    if pref is None:
        return {"kinds": kinds, "quiet_hours": dict(DEFAULT_QUIET_HOURS)}
    return {"kinds": kinds, "quiet_hours": {
        "enabled": pref.quiet_enabled,
        "start": _as_time(pref.quiet_start).strftime("%H:%M"),
        "end": _as_time(pref.quiet_end).strftime("%H:%M"),
        "timezone": pref.timezone,
    }}


@transaction.atomic
def preference_set(*, user, kinds: dict | None = None, quiet_hours: dict | None = None) -> dict[str, Any]:
    """Change a user's preferences; what is not sent stays as it was. Returns `preference_get`'s shape.

    `kinds`: `{kind: {channel: bool}}` for any of the six kinds and three channels. `quiet_hours`:
    any of `enabled` (bool), `start`/`end` ("HH:MM", 24-hour), `timezone` (IANA name, e.g.
    "Europe/Madrid"). Raises `ApplicationError` 400 `invalid` naming the bad kind, channel, time or zone.
    """
    pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    stored = dict(pref.kinds or {})
    for kind, channels in (kinds or {}).items():
        if kind not in KINDS:
            raise ApplicationError(f"Unknown notification kind {kind!r}; kinds are {', '.join(KINDS)}.", code="invalid",
                                   extra={"fields": {"kinds": [f"Unknown kind {kind!r}."]}})
        if not isinstance(channels, dict):
            raise ApplicationError(f"Channels of {kind!r} are an object like {{\"email\": false}}.", code="invalid",
                                   extra={"fields": {"kinds": [f"{kind}: not an object."]}})
        merged = dict(stored.get(kind, {}))
        for channel, on in channels.items():
            if channel not in CHANNELS or not isinstance(on, bool):
                raise ApplicationError(f"{kind}.{channel} must be one of {', '.join(CHANNELS)} set to true or false.", code="invalid",
                                       extra={"fields": {"kinds": [f"{kind}.{channel}: bad channel or value."]}})
            merged[channel] = on
        stored[kind] = merged
    pref.kinds = stored
    quiet = quiet_hours or {}
    if "enabled" in quiet:
        if not isinstance(quiet["enabled"], bool):
            raise ApplicationError("quiet_hours.enabled must be true or false.", code="invalid",
                                   extra={"fields": {"quiet_hours": ["enabled: true or false."]}})
        pref.quiet_enabled = quiet["enabled"]
    for name in ("start", "end"):
        if name in quiet:
            setattr(pref, f"quiet_{name}", parse_hhmm(quiet[name], field=f"quiet_hours.{name}"))
    if "timezone" in quiet:
        name = quiet["timezone"]
        try:
            if not isinstance(name, str) or not name:
                raise ValueError
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ApplicationError(f"Unknown time zone {name!r}: use an IANA name like Europe/Madrid.", code="invalid",
                                   extra={"fields": {"quiet_hours": ["timezone: unknown IANA zone."]}}) from None
        pref.timezone = name
    pref.save()
    return preference_get(user=user)


def parse_hhmm(value, *, field: str) -> time:
    """"HH:MM" (24-hour) → `datetime.time`, required; raises `ApplicationError` 400 naming `field` (apps.core.times)."""
    parsed = parse_time(value, field=field)
    if parsed is None:
        raise ApplicationError(f"{field} must be a time of day \"HH:MM\" (24-hour), not {value!r}.", code="invalid",
                               extra={"fields": {field.split(".")[0]: [f"{field}: HH:MM."]}})
    return parsed


# --- notify ---------------------------------------------------------------------------------

def notify(*, recipients: Iterable, production, kind: str, title: str, body: str = "", url: str = "", entity: str = "",
           entity_id: Any = None, actor=None, bodies: Mapping[int, str] | None = None) -> list[Notification]:
    """Tell `recipients` (users or user ids) that `kind` happened on `production`; THE entry point of every trigger.

    Skips the actor and anyone who is not a member of `production`, silently (nothing leaks about
    who is or is not on a crew). For each remaining user, by their preferences (`channels_for`):
    a `Notification` row is created when any channel is on (`in_app` says whether the bell shows
    it); after the caller's transaction commits, `notification.created` goes to the user's group
    (in_app), `tasks.send_email` is enqueued (email, users with an address) and `tasks.send_push`
    once per push subscription (push; deferred to the end of quiet hours), and the in-app ones are
    counted in `slate_notifications_sent_total`. Call it inside the caller's transaction. `title`
    is cut to 200 characters, `body` to 5,000; `bodies` gives some recipients (by user id) their own
    body instead (a call sheet names each person's own call). Returns the created rows (in recipient id order).
    Raises ValueError for an unknown `kind` (a programming error).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = {getattr(r, "pk", r) for r in recipients}
    ids.discard(None)
    if actor is not None and getattr(actor, "pk", None) is not None:
        ids.discard(actor.pk)
    if not ids:
        return []
    production_id = getattr(production, "pk", production)
    User = get_user_model()
    users = list(User.objects.filter(pk__in=ids, is_active=True, memberships__production_id=production_id).order_by("pk").distinct())
    if not users:
        return []
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users)}
    plan = []
    for user in users:
        channels = channels_for(prefs.get(user.pk), kind)
        if not any(channels.values()):
            continue
        own = (bodies or {}).get(user.pk, body)
        row = Notification(recipient=user, production_id=production_id, kind=kind, title=title[:200], body=own[:5000],
                           url=url[:500], entity=entity[:40], entity_id="" if entity_id is None else str(entity_id)[:64],
                           actor=actor if getattr(actor, "pk", None) else None, in_app=channels["in_app"])
        plan.append((row, channels, prefs.get(user.pk)))
    if not plan:
        return []
    rows = [row for row, _, _ in plan]
    with transaction.atomic():
        if _bulk_returns_ids():
            Notification.objects.bulk_create(rows)
        else:
            for row in rows:
                row.save(force_insert=True)
        push_user_ids = [row.recipient_id for row, channels, _ in plan if channels["push"]]
        subscriptions: dict[int, list[int]] = {}
        for sub_id, user_id in PushSubscription.objects.filter(user_id__in=push_user_ids).values_list("pk", "user_id"):
            subscriptions.setdefault(user_id, []).append(sub_id)
        live = [row for row, channels, _ in plan if channels["in_app"]]
        if live:
            transaction.on_commit(lambda: _send_created_to_members(live, production_id=production_id, actor=actor), robust=True)
        for row, channels, pref in plan:
            if channels["email"] and row.recipient.email:
                transaction.on_commit(lambda pk=row.pk: _enqueue_email(pk), robust=True)
            if channels["push"]:
                for sub_id in subscriptions.get(row.recipient_id, []):
                    transaction.on_commit(lambda pk=row.pk, sub=sub_id, p=pref: _enqueue_push(sub, pk, p), robust=True)
        in_app = sum(1 for _, channels, _ in plan if channels["in_app"])
        if in_app:
            transaction.on_commit(lambda: metrics.NOTIFICATIONS_SENT.labels("in_app", "sent").inc(in_app))
    return rows


def mention_notify(*, users: Iterable, previously: Iterable[int] = (), production_id: int, actor, what: str, text: str, url: str,
                   entity: str, entity_id: Any) -> list[Notification]:
    """Notify kind `mention` to `users` (already resolved as members) except those in `previously` (ids mentioned before an edit).

    `what` names the place ("a comment on scene 12"); `text` is the mentioning text (cut to 500
    characters for the body). Returns the created rows.
    """
    before = set(previously)
    fresh = [u for u in users if getattr(u, "pk", u) not in before]
    if not fresh:
        return []
    who = getattr(actor, "display_name", None) or "Someone"
    snippet = text if len(text) <= 500 else text[:499].rstrip() + "…"
    return notify(recipients=fresh, production=production_id, kind=NotificationKind.MENTION, title=f"{who} mentioned you in {what}",
                  body=snippet, url=url, entity=entity, entity_id=entity_id, actor=actor)


def _bulk_returns_ids() -> bool:
    from django.db import connection

    return connection.features.can_return_rows_from_bulk_insert


def _send_event(row: Notification, type: str, *, actor=None) -> None:
    from apps.realtime.services import publish_to_user

    publish_to_user(user_id=row.recipient_id, type=type, production_id=row.production_id, entity="notification",
                 entity_id=row.pk, data=NotificationSerializer(row).data, actor=actor)


def _send_created_to_members(rows: list[Notification], *, production_id: int, actor=None) -> None:
    """After commit: `notification.created` to each row's recipient still on the production's crew (one query).

    Someone removed between `notify`'s membership read and its commit gets nothing live (issue 18,
    "Leaving a production"); their row stays out of their list (`selectors.notification_list`).
    """
    from apps.productions.models import Membership

    members = set(Membership.objects.filter(production_id=production_id, user_id__in=[r.recipient_id for r in rows])
                  .values_list("user_id", flat=True))
    for row in rows:
        if row.recipient_id in members:
            _send_event(row, "notification.created", actor=actor)


def _enqueue_email(notification_id: int) -> None:
    from apps.notifications import tasks

    tasks.send_email(notification_id)


def _enqueue_push(subscription_id: int, notification_id: int | None, pref: NotificationPreference | None) -> None:
    from apps.notifications import tasks

    eta = quiet_hours_end(pref)
    if eta is not None:
        tasks.send_push.schedule(args=(subscription_id, notification_id), eta=eta)
    else:
        tasks.send_push(subscription_id, notification_id)


# --- read state -----------------------------------------------------------------------------

@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's own notifications read (idempotent) and send `notification.updated` to their group.

    Raises `NotFoundError` (404) for someone else's notification.
    """
    from apps.core.errors import NotFoundError

    if notification.recipient_id != user.pk:
        raise NotFoundError()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
        _send_event(notification, "notification.updated", actor=user)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user, production_id: int | None = None) -> int:
    """Mark all the user's unread notifications read (of one production when given; only productions they are still
    on, as the list shows); returns how many changed.

    Sends `notification.updated` for each changed row (other tabs update their count and list).
    """
    unread = (Notification.objects.filter(recipient=user, read_at__isnull=True, in_app=True, production__memberships__user=user)
              .select_related("production", "actor"))
    if production_id is not None:
        unread = unread.filter(production_id=production_id)
    rows = list(unread)
    if not rows:
        return 0
    now = timezone.now()
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(read_at=now, updated_at=now)
    for row in rows:
        row.read_at = row.updated_at = now
        _send_event(row, "notification.updated", actor=user)
    return len(rows)


# --- push subscriptions ---------------------------------------------------------------------

@transaction.atomic
def push_subscription_save(*, user, endpoint: str, p256dh: str, auth: str, expiration_time: datetime | None = None,
                           user_agent: str = "") -> tuple[PushSubscription, bool]:
    """Store a browser's push subscription (W3C `PushSubscription.toJSON()`); returns `(row, created)`.

    The endpoint and keys are checked by `apps.notifications.push.validate_subscription` (https,
    an allowed push service host, a P-256 point, a 16-byte auth secret: RFC 8030/8291); the same
    endpoint again updates the row's keys and moves it to `user` (a shared device signed in as
    someone else). Raises `ApplicationError` 400 `invalid_subscription` naming what is wrong.
    """
    from apps.notifications.push import validate_subscription

    endpoint, p256dh, auth = validate_subscription(endpoint=endpoint, p256dh=p256dh, auth=auth)
    values = {"user": user, "p256dh": p256dh, "auth": auth, "expiration_time": expiration_time, "user_agent": (user_agent or "")[:300],
              "last_error": ""}
    try:
        with transaction.atomic():
            return PushSubscription.objects.update_or_create(endpoint=endpoint, defaults=values)
    except IntegrityError:  # the same device registered twice at once: the other insert won, update it
        row = PushSubscription.objects.get(endpoint=endpoint)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        return row, False


def push_subscription_delete(*, user, subscription: PushSubscription | None = None, endpoint: str | None = None) -> int:
    """Forget one of the user's devices, by row or by endpoint (unsubscribe); returns how many rows went (0 or 1).

    Someone else's subscription is never touched (0).
    """
    rows = PushSubscription.objects.filter(user=user)
    if subscription is not None:
        rows = rows.filter(pk=subscription.pk)
    elif endpoint:
        rows = rows.filter(endpoint=endpoint)
    else:
        return 0
    deleted, _ = rows.delete()
    return deleted


def push_send_test(*, user) -> int:
    """Send a test push to each of the user's devices (after commit, through the worker); returns how many were queued."""
    ids = list(PushSubscription.objects.filter(user=user).values_list("pk", flat=True))
    for sub_id in ids:
        transaction.on_commit(lambda sub=sub_id: _enqueue_push(sub, None, None), robust=True)
    return len(ids)
