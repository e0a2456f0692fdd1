"""Web Push end to end: notify → Huey (real Redis) → pywebpush → the local fake push service, which checks VAPID and decrypts."""
from __future__ import annotations

import pytest

from apps.notifications.models import Notification, PushSubscription
from apps.notifications.services import notify
from apps.notifications.vapid import vapid_public_key

pytestmark = pytest.mark.django_db(transaction=True)


def mention(crew, **extra):
    return notify(recipients=[crew.bo], production=crew.production, kind="mention", title="Ana Ruiz mentioned you in a comment on scene 12",
                  body="@bo check the glass", url=f"/productions/{crew.production.pk}/scenes/1", entity="comment", entity_id=5,
                  actor=crew.ana, **extra)


def test_a_mention_is_pushed_encrypted_with_vapid_and_decrypts_to_the_payload(crew, push_service, subscribe_device, worker):
    push_service.expected_vapid_key = vapid_public_key()
    device = subscribe_device(crew.bo)

    [row] = mention(crew)
    results = worker.run()

    assert "sent" in results
    [got] = push_service.delivered()
    assert got.path == device.path
    assert got.payload == {"title": "Ana Ruiz mentioned you in a comment on scene 12", "body": "The Long Take · @bo check the glass",
                           "url": f"/productions/{crew.production.pk}/scenes/1", "tag": "comment-5", "notification": row.pk}
    assert got.claims["aud"] == push_service.origin
    assert got.claims["sub"] == "mailto:admin@127.0.0.1"  # SLATE_PUBLIC_URL's host in the tests
    assert got.vapid_key == vapid_public_key()
    assert got.headers["content-encoding"] == "aes128gcm"
    assert got.headers["ttl"] == "86400"
    assert got.headers["urgency"] == "normal"
    assert PushSubscription.objects.get(pk=device.row.pk).last_success_at is not None


def test_call_sheets_are_pushed_with_high_urgency(crew, push_service, subscribe_device, worker):
    subscribe_device(crew.bo)

    notify(recipients=[crew.bo], production=crew.production, kind="callsheet_published", title="Call sheet for day 1",
           url="/productions/1/call-sheets/1", entity="callsheet", entity_id=1, actor=crew.ana)
    worker.run()

    [got] = push_service.delivered()
    assert got.headers["urgency"] == "high"
    assert got.payload["tag"] == "callsheet-1"


def test_every_device_of_the_recipient_gets_it_and_nobody_else(crew, push_service, subscribe_device, worker):
    phone, tablet = subscribe_device(crew.bo), subscribe_device(crew.bo)
    someone_else = subscribe_device(crew.di)

    mention(crew)
    worker.run()

    assert sorted(r.path for r in push_service.delivered()) == sorted([phone.path, tablet.path])
    assert someone_else.path not in [r.path for r in push_service.received]


@pytest.mark.parametrize("status", [410, 404])
def test_gone_subscription_is_deleted(crew, push_service, subscribe_device, worker, status):
    device = subscribe_device(crew.bo)
    push_service.answers = [status]

    mention(crew)
    results = worker.run()

    assert results == ["gone"]
    assert not PushSubscription.objects.filter(pk=device.row.pk).exists()
    assert worker.scheduled() == []  # not retried


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_failures_are_retried_then_delivered_and_the_subscription_kept(crew, push_service, subscribe_device, worker, status):
    device = subscribe_device(crew.bo)
    push_service.answers = [status]

    mention(crew)
    worker.run()  # first try fails: Huey schedules a retry

    [retry] = worker.scheduled()
    assert retry.retries == 2
    assert PushSubscription.objects.get(pk=device.row.pk).last_error == f"push service answered {status}"
    assert worker.run_scheduled() == ["sent"]
    assert len(push_service.delivered()) == 1
    assert PushSubscription.objects.filter(pk=device.row.pk).exists()


def test_gives_up_cleanly_after_the_last_retry(crew, push_service, subscribe_device, worker):
    device = subscribe_device(crew.bo)
    push_service.answers = [500, 500, 500, 500]

    mention(crew)
    worker.run()
    outcomes = []
    for _ in range(3):
        outcomes += worker.run_scheduled()

    assert outcomes[-1] == "gave_up"
    assert worker.scheduled() == [] and worker.pending() == []
    assert len(push_service.received) == 4  # first try + 3 retries
    sub = PushSubscription.objects.get(pk=device.row.pk)
    assert sub.last_failure_at is not None and sub.last_success_at is None


def test_unreachable_push_service_is_retried(crew, push_service, subscribe_device, worker):
    device = subscribe_device(crew.bo)
    push_service.stop()  # connection refused from now on

    mention(crew)
    worker.run()

    [retry] = worker.scheduled()
    assert retry.retries == 2
    assert "unreachable" in PushSubscription.objects.get(pk=device.row.pk).last_error


def test_a_notification_read_before_its_push_is_not_pushed(crew, push_service, subscribe_device, worker):
    from apps.notifications.services import notification_mark_read

    subscribe_device(crew.bo)
    [row] = mention(crew)
    notification_mark_read(notification=row, user=crew.bo)

    assert worker.run() == ["skipped_read"]
    assert push_service.received == []


def test_a_bad_key_stored_somehow_never_crashes_the_worker(crew, push_service, subscribe_device, worker):
    device = subscribe_device(crew.bo)
    PushSubscription.objects.filter(pk=device.row.pk).update(p256dh="AAAA")  # not a point: encryption cannot use it

    mention(crew)

    assert worker.run() == ["rejected"]
    assert worker.scheduled() == []


def test_test_push_reaches_every_device_of_the_caller(crew, push_service, subscribe_device, worker, api_for):
    subscribe_device(crew.bo)

    response = api_for(crew.bo).post("/api/push-subscriptions/test/")
    worker.run()

    assert response.status_code == 200 and response.json() == {"queued": 1}
    [got] = push_service.delivered()
    assert got.payload["notification"] is None and got.payload["tag"] == "slate-test"


def test_the_vapid_key_is_generated_once_and_kept(crew):
    from apps.notifications.models import VapidKey
    from apps.notifications import vapid

    first = vapid_public_key()
    vapid._cached = None  # another process
    assert vapid_public_key() == first
    assert VapidKey.objects.count() == 1
    assert Notification.objects.count() == 0
