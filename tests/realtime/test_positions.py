"""The stream position of a REST read (`Slate-Stream-Seq`, apps/realtime/positions.py) and joining the stream from it.

A member's GET that names its production in `Slate-Production` is answered with the production's
latest event seq as it stood before the read; a socket subscribing `after_seq` that position gets
exactly the events committed since the read, so a tab that read first and joined later misses
nothing and fetches nothing again (issue 16).
"""
from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from tests.realtime.helpers import receive, run_sync

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def scene_updates(scene, actor, count: int) -> None:
    from apps.realtime.services import publish_entity

    for _ in range(count):
        with transaction.atomic():
            publish_entity(scene, "updated", actor=actor)


def read_position(user, production_id: int, path: str, *, method: str = "get") -> tuple[int, str | None]:
    response = getattr(signed_in(user), method)(path, HTTP_SLATE_PRODUCTION=str(production_id))
    return response.status_code, response.headers.get("Slate-Stream-Seq")


def test_a_members_read_carries_the_streams_position_and_others_do_not(crew, scene_in):
    scene = scene_in(crew.production)
    path = f"/api/scenes/?production={crew.production.pk}"
    assert read_position(crew.member, crew.production.pk, path) == (200, "0")
    scene_updates(scene, crew.owner, 3)
    assert read_position(crew.member, crew.production.pk, path) == (200, "3")
    assert read_position(crew.member, crew.production.pk, f"/api/scenes/{scene.pk}/") == (200, "3")
    # an outsider naming the production learns nothing of its stream
    assert read_position(crew.outsider, crew.production.pk, "/api/productions/") == (200, None)
    # no header asked, a write, a page outside /api/, a nonsense production: none given
    assert signed_in(crew.member).get(path).headers.get("Slate-Stream-Seq") is None
    assert read_position(crew.member, crew.production.pk, "/api/auth/logout/", method="post")[1] is None
    assert signed_in(crew.member).get(path, HTTP_SLATE_PRODUCTION="7; drop").headers.get("Slate-Stream-Seq") is None
    assert signed_in(crew.member).get(path, HTTP_SLATE_PRODUCTION="9" * 40).headers.get("Slate-Stream-Seq") is None
    # anonymous
    assert Client().get(path, HTTP_SLATE_PRODUCTION=str(crew.production.pk)).headers.get("Slate-Stream-Seq") is None


async def test_joining_after_a_reads_position_replays_what_changed_since_the_read_and_nothing_before(crew, connect_as, scene_in):
    scene = await run_sync(scene_in, crew.production)
    await run_sync(scene_updates, scene, crew.owner, 2)
    status, position = await run_sync(read_position, crew.member, crew.production.pk, f"/api/scenes/?production={crew.production.pk}")
    assert (status, position) == (200, "2")
    await run_sync(scene_updates, scene, crew.owner, 3)  # between the read and the socket

    socket = await connect_as(crew.member)
    await socket.send_json_to({"type": "subscribe", "production": crew.production.pk, "after_seq": int(position)})
    frames = []
    while (frame := await receive(socket))["type"] != "subscribed":
        frames.append(frame)
    assert [f["seq"] for f in frames] == [3, 4, 5]
    assert frame["replayed"] == 3 and frame["last_seq"] == 5
    await socket.disconnect()
