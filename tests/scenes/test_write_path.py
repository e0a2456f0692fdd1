"""The scene PATCH does a fixed, small amount of database work, whatever the size of the production.

A count, not a time: `manage.py bench_write` prints the times (docs/performance.md, "Scene PATCH
(write path)"). Requests carry a real access token, as the web app's do, so the count includes the
authenticating user's row.
"""
from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from apps.productions.models import Membership, Role
from apps.realtime.models import Event
from apps.scenes.models import Scene, Shot
from tests.factories import SceneFactory, ShotFactory, TakeFactory

pytestmark = pytest.mark.django_db

# The user (JWT), the scene with the user's role (one join), the UPDATE, the assignees' ids, the next seq and
# the insert of `scene.updated`, the production with its stats, the next seq and the insert of
# `production.updated`: 9 queries, and 4 savepoints with their releases (the service, the entity
# update, each event). PostgreSQL adds each event's advisory lock. Before the write path was trimmed:
# 17 queries, and the same savepoints.
def _max_queries() -> int:
    return 17 + (2 if connection.vendor == "postgresql" else 0)


_numbers = itertools.count(1)  # "1G", "2G"…: never a number SceneFactory's sequence ("1", "2"…) gives


def _bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def _grow(production, *, scenes: int, shots: int) -> None:
    made = Scene.objects.bulk_create([Scene(production=production, number=f"{next(_numbers)}G", page_eighths=4) for _ in range(scenes)])
    Shot.objects.bulk_create([Shot(production=production, scene=made[k % len(made)], number=str(k + 1)) for k in range(shots)])


def _patch_status(client, scene, status: str):
    scene.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        response = client.patch(f"/api/scenes/{scene.pk}/", {"status": status, "version": scene.version}, format="json")
    assert response.status_code == 200, response.content
    return response, len(queries)


def test_a_status_patch_runs_a_small_fixed_number_of_queries(user, production, django_assert_max_num_queries, captured_events):
    # given a scene of a production, and a member signed in with an access token
    scene = SceneFactory(production=production, status="in_progress")
    client = _bearer(user)

    # when the scene is marked completed
    with captured_events() as events, django_assert_max_num_queries(_max_queries()):
        response = client.patch(f"/api/scenes/{scene.pk}/", {"status": "completed", "version": 1}, format="json")

    # then it is saved and both events are published, within the bound
    assert response.status_code == 200
    assert [e["type"] for e in events] == ["scene.updated", "production.updated"]
    assert events[1]["data"]["stats"]["completed_scene_count"] == 1


def test_the_query_count_does_not_grow_with_the_production(user, production, make_user, captured_events):
    # given a scene with two assignees in a production of one scene
    client = _bearer(user)
    assigned = [make_user(), make_user()]
    Membership.objects.bulk_create([Membership(production=production, user=u, role=Role.CAMERA) for u in assigned])
    scene = SceneFactory(production=production, status="in_progress")
    scene.assignees.set(assigned)
    _, small = _patch_status(client, scene, "completed")

    # when the production grows to 60 scenes and 40 shots
    _grow(production, scenes=59, shots=40)
    with captured_events() as events:
        response, large = _patch_status(client, scene, "in_progress")

    # then the same write runs the same number of queries, with the new stats, and the assignees are told
    assert large == small
    assert response.json()["assignees"] == sorted(u.pk for u in assigned)
    assert [e["type"] for e in events] == ["scene.updated", "production.updated"]
    assert events[1]["data"]["stats"]["scene_count"] == 60
    assert events[1]["data"]["stats"]["shot_count"] == 40
    assert events[1]["data"]["stats"]["total_eighths"] == scene.page_eighths + 59 * 4
    assert sorted(production.notifications.values_list("recipient_id", flat=True)) == sorted(u.pk for u in assigned * 2)


def test_the_patch_answers_with_the_representation_its_event_carried(user, production, captured_events):
    # given a scene with an assignee
    scene = SceneFactory(production=production)
    scene.assignees.set([user])
    client = _bearer(user)

    # when its synopsis changes
    with captured_events() as events:
        response = client.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "Bob reads.", "version": 1}, format="json")

    # then the answer, the event's data and a fresh GET are the same object
    assert response.status_code == 200
    assert response.json() == events[0]["data"] == client.get(f"/api/scenes/{scene.pk}/").json()
    assert response.json()["version"] == 2
    assert response.json()["assignees"] == [user.pk]


def test_a_patch_that_changes_nothing_answers_the_scene_and_publishes_nothing(user, production, captured_events):
    scene = SceneFactory(production=production, synopsis="Bob reads.")
    client = _bearer(user)

    with captured_events() as events:
        response = client.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "Bob reads.", "version": 1}, format="json")

    assert response.status_code == 200
    assert response.json() == client.get(f"/api/scenes/{scene.pk}/").json()
    assert response.json()["version"] == 1
    assert events == []
    assert not Event.objects.filter(entity="scene", entity_id=str(scene.pk)).exists()


# --- an update validates what it changes, and every rule that involves it ----------------------

def test_renumbering_a_scene_onto_another_scenes_number_is_400_and_changes_nothing(user, production, captured_events):
    SceneFactory(production=production, number="12")
    scene = SceneFactory(production=production, number="13")
    client = _bearer(user)

    with captured_events() as events:
        response = client.patch(f"/api/scenes/{scene.pk}/", {"number": "12", "version": 1}, format="json")

    assert response.status_code == 400
    assert "already has a scene with that number" in response.content.decode()
    scene.refresh_from_db()
    assert (scene.number, scene.version) == ("13", 1)
    assert events == []


def test_marking_a_circled_take_no_good_is_400_and_changes_nothing(user, production, captured_events):
    # the rule "not circled and NG" involves a field the PATCH changes and one it does not
    take = TakeFactory(shot=ShotFactory(scene=SceneFactory(production=production)), circled=True)
    client = _bearer(user)

    with captured_events() as events:
        response = client.patch(f"/api/takes/{take.pk}/", {"no_good": True, "version": 1}, format="json")

    assert response.status_code == 400
    assert "cannot be both circled and NG" in response.content.decode()
    take.refresh_from_db()
    assert (take.circled, take.no_good, take.version) == (True, False, 1)
    assert events == []


def test_an_events_representation_is_the_serializers_own(user, production):
    # `represent` renders with one serializer per thread: the same data as a serializer made for the row
    from apps.productions.entities import entity_representation
    from apps.productions.serializers import ProductionSerializer
    from apps.productions.selectors import production_with_stats
    from apps.scenes.serializers import SceneSerializer

    scenes = [SceneFactory(production=production, status=status) for status in ("completed", "on_hold")]
    scenes[0].assignees.set([user])
    ShotFactory(scene=scenes[0])

    for scene in scenes:
        assert entity_representation(scene) == SceneSerializer(scene).data
    with_stats = production_with_stats(production_id=production.pk)
    assert entity_representation(with_stats) == ProductionSerializer(with_stats).data
    assert entity_representation(with_stats)["stats"]["shot_count"] == 1
