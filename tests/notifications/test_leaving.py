"""A member taken off the crew hears nothing more of the production (issue 18, "Leaving a production"):
pushes and emails queued before the removal are not sent (checked at send time, through the worker and
the local fake push service), their notifications of it are gone from the API, and nothing of it
reaches their socket on their own group."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.productions.models import Membership
from apps.productions.services import membership_remove
from tests.realtime.helpers import assert_nothing, ping_pong, receive_until, run_sync

pytestmark = pytest.mark.django_db(transaction=True)


def mention(crew, user):
    return notify(recipients=[user], production=crew.production, kind="mention", title="Ana Ruiz mentioned you",
                  body="@bo the dolly track", url=f"/productions/{crew.production.pk}/scenes/3", entity="comment", entity_id=9,
                  actor=crew.ana)


def remove(crew, user):
    membership_remove(membership=Membership.objects.get(production=crew.production, user=user), actor=crew.ana)


def test_a_push_and_an_email_queued_before_the_removal_are_not_sent(crew, push_service, subscribe_device, worker):
    subscribe_device(crew.bo)
    di_device = subscribe_device(crew.di)
    mail.outbox.clear()
    mention(crew, crew.bo)
    mention(crew, crew.di)  # Di stays on the crew: hers still go out

    remove(crew, crew.bo)
    results = worker.run()

    assert sorted(results) == ["sent", "skipped", "skipped"]  # Bo's push and email skipped, Di's push sent
    assert [r.path for r in push_service.received] == [di_device.path] and len(push_service.delivered()) == 1
    assert [m.to for m in mail.outbox] == [[crew.di.email]]


def test_a_push_deferred_to_the_end_of_quiet_hours_is_not_sent_after_the_removal(crew, push_service, subscribe_device, worker):
    from apps.notifications.services import preference_set

    subscribe_device(crew.bo)
    now = timezone.now()
    preference_set(user=crew.bo, kinds={"mention": {"email": False}}, quiet_hours={  # quiet from an hour ago to an hour from now
        "enabled": True, "start": f"{now - timedelta(hours=1):%H:%M}", "end": f"{now + timedelta(hours=1):%H:%M}", "timezone": "UTC"})
    mention(crew, crew.bo)
    assert worker.run() == [] and len(worker.scheduled()) == 1  # deferred to the end of the quiet hours

    remove(crew, crew.bo)

    assert worker.run_scheduled() == ["skipped"]
    assert push_service.received == []


def test_the_removed_members_notifications_of_the_production_are_gone_from_the_api(crew, api_for):
    Membership.objects.create(production=crew.elsewhere, user=crew.bo, role="crew")
    [row] = mention(crew, crew.bo)
    [elsewhere] = notify(recipients=[crew.bo], production=crew.elsewhere, kind="mention", title="Cy mentioned you", actor=crew.cy)
    client = api_for(crew.bo)
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 2}

    remove(crew, crew.bo)

    assert [n["id"] for n in client.get("/api/notifications/").json()["results"]] == [elsewhere.pk]
    assert client.get(f"/api/notifications/{row.pk}/").status_code == 404
    assert client.post(f"/api/notifications/{row.pk}/read/").status_code == 404
    assert client.post("/api/notifications/read-all/", {"production": crew.production.pk}, format="json").json() == {"marked": 0}
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 1}
    row.refresh_from_db()
    assert row.read_at is None


async def test_a_notification_committed_after_the_removal_never_reaches_the_socket(crew, connect_as):
    socket = await connect_as(crew.bo)
    await ping_pong(socket)  # the server has joined it to Bo's group (a socket is accepted before that)

    def mention_racing_the_removal():
        # notify read Bo's membership; the removal commits before the notification's transaction does
        with transaction.atomic():
            rows = mention(crew, crew.bo)
            remove(crew, crew.bo)
        return rows

    rows = await run_sync(mention_racing_the_removal)
    [di_row] = await run_sync(mention, crew, crew.di)
    di_socket = await connect_as(crew.di)
    await ping_pong(di_socket)
    await run_sync(mention, crew, crew.di)

    assert len(rows) == 1 and await run_sync(Notification.objects.filter(recipient=crew.bo).count) == 1
    frames = await receive_until(di_socket, lambda f: f.get("type") == "notification.created")  # delivery works…
    assert frames[-1]["data"]["title"] == "Ana Ruiz mentioned you" and di_row.pk != frames[-1]["entity_id"]
    await assert_nothing(socket)  # …and Bo's socket got nothing of it
