"""Email through Django's locmem backend, in-app through a real socket, and what each user's preferences let through."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import notify, preference_set, quiet_hours_end
from tests.realtime.helpers import assert_nothing, ping_pong, receive_until, run_sync

UTC = ZoneInfo("UTC")


def mention(crew, recipients=None):
    return notify(recipients=recipients or [crew.bo], production=crew.production, kind="mention", title="Ana Ruiz mentioned you",
                  body="@bo the glass was half full", url=f"/productions/{crew.production.pk}/scenes/3", entity="comment", entity_id=9,
                  actor=crew.ana)


# --- email ------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_email_goes_out_through_the_worker_with_an_absolute_deep_link(crew, worker, settings):
    settings.SLATE_PUBLIC_URL = "https://slate.example.org"
    mail.outbox.clear()

    mention(crew)
    worker.run()

    [message] = mail.outbox
    assert message.to == [crew.bo.email]
    assert message.subject == "[The Long Take] Ana Ruiz mentioned you"
    assert "@bo the glass was half full" in message.body
    assert f"https://slate.example.org/productions/{crew.production.pk}/scenes/3" in message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(crew, worker):
    from django.db import transaction

    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        mention(crew)
        raise RuntimeError("the comment failed to save")

    assert worker.run() == [] and worker.emails == []
    assert mail.outbox == [] and Notification.objects.count() == 0


# --- in the app, through a real socket ---------------------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_notification_created_reaches_the_recipients_socket_only(crew, connect_as):
    bo_socket = await connect_as(crew.bo)
    di_socket = await connect_as(crew.di)
    # The server accepts a socket before it has joined the user's group: a ping answered means it has (the consumer
    # handles frames only once `connect` has returned), so the event below cannot slip between the two.
    await ping_pong(bo_socket)
    await ping_pong(di_socket)

    [row] = await run_sync(mention, crew)

    frames = await receive_until(bo_socket, lambda f: f.get("type") == "notification.created")
    event = frames[-1]
    assert event["id"] is None and event["entity"] == "notification" and event["entity_id"] == row.pk
    assert event["production"] == crew.production.pk
    assert event["actor"] == {"id": crew.ana.pk, "name": "Ana Ruiz"}
    assert event["data"]["title"] == "Ana Ruiz mentioned you" and event["data"]["read_at"] is None
    assert event["data"]["production_title"] == "The Long Take"
    await assert_nothing(di_socket)


@pytest.mark.django_db(transaction=True)
async def test_marking_read_tells_the_users_other_tabs(crew, connect_as, api_for):
    [row] = await run_sync(mention, crew)
    other_tab = await connect_as(crew.bo)
    await ping_pong(other_tab)  # in the user's group by now (see above); the mark below went out before it, at times

    response = await run_sync(lambda: api_for(crew.bo).post(f"/api/notifications/{row.pk}/read/"))

    assert response.status_code == 200
    frames = await receive_until(other_tab, lambda f: f.get("type") == "notification.updated")
    assert frames[-1]["data"]["id"] == row.pk and frames[-1]["data"]["read_at"] is not None


# --- preferences --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_defaults_follow_the_contract(crew, enqueued, django_capture_on_commit_callbacks, subscribe_device):
    subscribe_device(crew.bo)
    with django_capture_on_commit_callbacks(execute=True):
        [job_done] = notify(recipients=[crew.bo], production=crew.production, kind="job_succeeded", title="Import finished")
        [status] = notify(recipients=[crew.bo], production=crew.production, kind="scene_status", title="Scene 3 is now completed")

    assert enqueued.email == []  # neither kind emails by default
    assert [pk for _, pk, _ in enqueued.push] == [status.pk]  # scene_status pushes, job_succeeded does not
    assert job_done.in_app and status.in_app


@pytest.mark.django_db
def test_a_channel_turned_off_is_not_used(crew, enqueued, django_capture_on_commit_callbacks, subscribe_device, sent_envelopes):
    subscribe_device(crew.bo)
    preference_set(user=crew.bo, kinds={"mention": {"email": False, "push": False}})

    with django_capture_on_commit_callbacks(execute=True):
        [row] = mention(crew)

    assert row.in_app
    assert enqueued.email == [] and enqueued.push == []
    assert [f["type"] for f in sent_envelopes if f["_group"] == f"user.{crew.bo.pk}"] == ["notification.created"]


@pytest.mark.django_db
def test_in_app_off_keeps_the_bell_quiet_but_still_emails(crew, enqueued, django_capture_on_commit_callbacks, sent_envelopes, api_for):
    preference_set(user=crew.bo, kinds={"mention": {"in_app": False}})

    with django_capture_on_commit_callbacks(execute=True):
        [row] = mention(crew)

    assert enqueued.email == [row.pk]
    assert sent_envelopes == []
    assert api_for(crew.bo).get("/api/notifications/unread-count/").json() == {"unread": 0}


@pytest.mark.django_db
def test_all_channels_off_creates_nothing(crew, enqueued, django_capture_on_commit_callbacks):
    preference_set(user=crew.bo, kinds={"mention": {"in_app": False, "email": False, "push": False}})

    with django_capture_on_commit_callbacks(execute=True):
        assert mention(crew) == []

    assert Notification.objects.count() == 0 and enqueued.email == [] and enqueued.push == []


def quiet(start: str, end: str, zone: str = "Europe/Madrid") -> NotificationPreference:
    return NotificationPreference(quiet_enabled=True, quiet_start=time.fromisoformat(start), quiet_end=time.fromisoformat(end), timezone=zone)


@pytest.mark.parametrize(("local_now", "expected_end"), [
    ("2026-03-10 23:30", "2026-03-11 07:00"),  # after the start: ends tomorrow morning
    ("2026-03-11 02:00", "2026-03-11 07:00"),  # after midnight: ends this morning
    ("2026-03-11 07:00", None),                # the end itself is outside
    ("2026-03-11 12:00", None),
    ("2026-03-11 22:00", "2026-03-12 07:00"),  # the start itself is inside
])
def test_quiet_hours_across_midnight(local_now, expected_end):
    madrid = ZoneInfo("Europe/Madrid")
    now = datetime.fromisoformat(local_now).replace(tzinfo=madrid)

    end = quiet_hours_end(quiet("22:00", "07:00"), now=now)

    assert (end.astimezone(madrid).strftime("%Y-%m-%d %H:%M") if end else None) == expected_end


def test_quiet_hours_within_a_day_and_in_the_users_zone():
    tokyo = ZoneInfo("Asia/Tokyo")
    siesta = quiet("14:00", "16:00", "Asia/Tokyo")

    assert quiet_hours_end(siesta, now=datetime(2026, 6, 1, 15, 0, tzinfo=tokyo)) == datetime(2026, 6, 1, 16, 0, tzinfo=tokyo)
    assert quiet_hours_end(siesta, now=datetime(2026, 6, 1, 16, 0, tzinfo=tokyo)) is None
    # 15:00 UTC is midnight in Tokyo: outside the siesta
    assert quiet_hours_end(siesta, now=datetime(2026, 6, 1, 15, 0, tzinfo=UTC)) is None


def test_quiet_hours_end_on_the_night_clocks_go_forward():
    madrid = ZoneInfo("Europe/Madrid")  # 2026-03-29 02:00 → 03:00
    end = quiet_hours_end(quiet("01:00", "04:00"), now=datetime(2026, 3, 29, 1, 30, tzinfo=madrid))
    assert end == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)  # 04:00 CEST


def test_disabled_or_empty_quiet_hours_never_defer():
    off = quiet("22:00", "07:00")
    off.quiet_enabled = False
    assert quiet_hours_end(off, now=datetime(2026, 1, 1, 23, 0, tzinfo=UTC)) is None
    assert quiet_hours_end(quiet("08:00", "08:00"), now=datetime(2026, 1, 1, 8, 0, tzinfo=UTC)) is None
    assert quiet_hours_end(None) is None


@pytest.mark.django_db(transaction=True)
def test_quiet_hours_defer_push_to_their_end_but_not_email_or_the_bell(crew, push_service, subscribe_device, worker):
    from django.utils import timezone

    subscribe_device(crew.bo)
    local = timezone.now().astimezone(ZoneInfo("Europe/Madrid"))
    start = local.replace(second=0, microsecond=0).time().strftime("%H:%M")
    end_dt = local + timezone.timedelta(hours=2)
    preference_set(user=crew.bo, quiet_hours={"enabled": True, "start": start, "end": end_dt.strftime("%H:%M"),
                                              "timezone": "Europe/Madrid"})
    mail.outbox.clear()

    mention(crew)
    assert worker.run() == []  # the push task was put off...
    [deferred] = worker.scheduled()
    expected = end_dt.replace(second=0, microsecond=0).astimezone(UTC).replace(tzinfo=None)
    assert deferred.eta == expected  # ...to the end of quiet hours (Huey keeps UTC)
    assert len(mail.outbox) == 1 and push_service.received == []

    assert worker.run_scheduled() == ["sent"]
    assert len(push_service.delivered()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_deferred_push_is_dropped_if_read_during_quiet_hours(crew, push_service, subscribe_device, worker):
    from apps.notifications.services import notification_mark_read

    subscribe_device(crew.bo)
    preference_set(user=crew.bo, quiet_hours={"enabled": True, "start": "00:00", "end": "23:59", "timezone": "UTC"})
    [row] = mention(crew)
    worker.run()
    notification_mark_read(notification=row, user=crew.bo)

    assert worker.run_scheduled() == ["skipped_read"]
    assert push_service.received == []


@pytest.mark.django_db(transaction=True)
def test_a_line_break_in_a_title_or_name_still_emails_on_one_subject_line(crew, worker):
    """Django refuses a header with a line break (BadHeaderError): the email failed on every retry."""
    crew.production.title = "The Long\nTake"
    crew.production.save(update_fields=["title"])
    mail.outbox.clear()

    notify(recipients=[crew.bo], production=crew.production, kind="mention", title="Ana\r\nRuiz mentioned you", body="@bo look",
           url="/", actor=crew.ana)
    worker.run()

    [message] = mail.outbox
    assert message.subject == "[The Long Take] Ana Ruiz mentioned you"
