"""REST: scenes (status workflow and stats), shots and takes, and the events they publish.

Generic CRUD, scoping, permissions and concurrency of these resources are in tests/core.
"""
from __future__ import annotations

import pytest

from apps.productions.models import Membership, Role
from apps.scenes.models import Scene, Shot, Take
from apps.scenes.services import scene_update
from tests.factories import SceneFactory, ShotFactory, TakeFactory

pytestmark = pytest.mark.django_db


def _stats(api, production) -> dict:
    return api.get(f"/api/productions/{production.pk}/").json()["stats"]


# --- scenes ---------------------------------------------------------------------------------

def test_completing_a_scene_publishes_the_scene_and_the_new_stats(api, production, captured_events):
    # given two scenes of 6/8 and 10/8, none completed
    scene = SceneFactory(production=production, page_eighths=6, status="in_progress")
    SceneFactory(production=production, page_eighths=10)

    # when the first is marked completed
    with captured_events() as events:
        response = api.patch(f"/api/scenes/{scene.pk}/", {"status": "completed", "version": 1}, format="json")

    # then scene.updated carries the scene as GET shows it, and production.updated the new stats
    assert response.status_code == 200
    assert [e["type"] for e in events] == ["scene.updated", "production.updated"]
    scene_event, stats_event = events
    assert (scene_event["production"], scene_event["entity"], scene_event["entity_id"]) == (production.pk, "scene", str(scene.pk))
    assert scene_event["data"] == api.get(f"/api/scenes/{scene.pk}/").json()
    assert scene_event["data"]["status"] == "completed"
    assert (stats_event["production"], stats_event["entity"], stats_event["entity_id"]) == (production.pk, "production", str(production.pk))
    assert stats_event["data"]["stats"] == {"scene_count": 2, "completed_scene_count": 1, "shot_count": 0, "completion_percent": 50.0,
                                            "total_eighths": 16, "completed_eighths": 6}
    assert stats_event["data"]["stats"] == _stats(api, production)


def test_changing_page_eighths_publishes_new_stats(api, production, captured_events):
    scene = SceneFactory(production=production, page_eighths=8)

    with captured_events() as events:
        api.patch(f"/api/scenes/{scene.pk}/", {"page_eighths": 12, "version": 1}, format="json")

    assert [e["type"] for e in events] == ["scene.updated", "production.updated"]
    assert events[1]["data"]["stats"]["total_eighths"] == 12


def test_a_change_that_does_not_move_the_stats_publishes_only_the_scene(api, production, captured_events):
    scene = SceneFactory(production=production)

    with captured_events() as events:
        api.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "Bob reads.", "time_of_day": "NIGHT", "version": 1}, format="json")

    assert [e["type"] for e in events] == ["scene.updated"]
    assert events[0]["data"]["slugline"] == "INT. LIBRARY - NIGHT"


def test_an_unknown_scene_status_is_refused_and_publishes_nothing(api, production, captured_events):
    scene = SceneFactory(production=production)

    with captured_events() as events:
        response = api.patch(f"/api/scenes/{scene.pk}/", {"status": "wrapped", "version": 1}, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()["extra"]["fields"]) == ["status"]
    scene.refresh_from_db()
    assert (scene.status, scene.version) == ("not_started", 1)
    assert events == []


def test_a_status_change_moves_the_scene_and_updates_the_production_stats(user, production, captured_events):
    scene = SceneFactory(production=production)

    with captured_events() as events:
        moved = scene_update(instance=scene, actor=user, version=1, status="on_hold")

    assert (moved.status, moved.version) == ("on_hold", 2)
    assert Scene.objects.get(pk=scene.pk).status == "on_hold"
    assert [e["type"] for e in events] == ["scene.updated", "production.updated"]


def test_a_new_scene_goes_last_in_script_order(api, production):
    SceneFactory(production=production, script_order=4)

    response = api.post("/api/scenes/", {"production": production.pk, "number": "20"}, format="json")

    assert response.json()["script_order"] == 5


def test_changing_a_scenes_production_is_ignored(api, user, make_production, production):
    second = make_production(owner=user)
    scene = SceneFactory(production=production, synopsis="Before")

    response = api.patch(f"/api/scenes/{scene.pk}/", {"production": second.pk, "synopsis": "After", "version": 1}, format="json")

    assert response.status_code == 200
    scene.refresh_from_db()
    assert (scene.production_id, scene.synopsis) == (production.pk, "After")


def test_scenes_filter_by_several_statuses(api, production):
    done = SceneFactory(production=production, status="completed")
    held = SceneFactory(production=production, status="on_hold")
    SceneFactory(production=production, status="in_progress")

    response = api.get("/api/scenes/", {"status": ["completed", "on_hold"]})

    assert sorted(r["id"] for r in response.json()["results"]) == sorted([done.pk, held.pk])


def test_scenes_list_in_script_order(api, production):
    third = SceneFactory(production=production, script_order=3)
    first = SceneFactory(production=production, script_order=1)
    second = SceneFactory(production=production, script_order=2)

    response = api.get("/api/scenes/")

    assert [r["id"] for r in response.json()["results"]] == [first.pk, second.pk, third.pk]


def test_deleting_a_scene_deletes_its_shots_and_takes_and_publishes_each_delete_and_stats(api, production, captured_events):
    scene = SceneFactory(production=production)
    take = TakeFactory(shot=ShotFactory(scene=scene))

    with captured_events() as events:
        response = api.delete(f"/api/scenes/{scene.pk}/")

    assert response.status_code == 204
    assert not Shot.objects.filter(pk=take.shot_id).exists()
    assert not Take.objects.filter(pk=take.pk).exists()
    assert sorted(e["type"] for e in events[:3]) == ["scene.deleted", "shot.deleted", "take.deleted"]
    assert {(e["entity"], e["entity_id"]) for e in events[:3]} == {("scene", str(scene.pk)), ("shot", str(take.shot_id)), ("take", str(take.pk))}
    assert [e["data"]["id"] for e in events[:3] if e["entity"] == "take"] == [take.pk]
    assert events[3]["type"] == "production.updated"
    assert events[3]["data"]["stats"]["scene_count"] == 0
    assert events[3]["data"]["stats"]["shot_count"] == 0


# --- shots ----------------------------------------------------------------------------------

def test_a_new_shot_is_numbered_after_the_scenes_last_and_moves_the_shot_count(api, production, captured_events):
    scene = SceneFactory(production=production)
    ShotFactory(scene=scene, number="1", order=0)
    ShotFactory(scene=scene, number="2", order=1)

    with captured_events() as events:
        response = api.post("/api/shots/", {"scene": scene.pk, "type": "CU"}, format="json")

    assert response.status_code == 201
    data = response.json()
    assert (data["number"], data["order"], data["production"], data["type"]) == ("3", 2, production.pk, "CU")
    assert [e["type"] for e in events] == ["shot.created", "production.updated"]
    assert events[0]["data"] == data
    assert events[1]["data"]["stats"]["shot_count"] == 3


def test_a_new_shot_after_a_deleted_one_gets_the_next_free_number(api, production):
    # given shots 1, 2, 3 of which 2 was deleted
    scene = SceneFactory(production=production)
    for number in ("1", "2", "3"):
        ShotFactory(scene=scene, number=number)
    assert api.delete(f"/api/shots/{scene.shots.get(number='2').pk}/").status_code == 204

    # when a shot is added without a number
    response = api.post("/api/shots/", {"scene": scene.pk}, format="json")

    # then it takes the first free number after the count, not the taken "3"
    assert response.status_code == 201, response.content
    assert response.json()["number"] == "4"
    assert sorted(scene.shots.values_list("number", flat=True)) == ["1", "3", "4"]


def test_a_shot_number_is_unique_within_its_scene(api, production):
    scene = SceneFactory(production=production)
    ShotFactory(scene=scene, number="1A")

    response = api.post("/api/shots/", {"scene": scene.pk, "number": "1A"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "This scene already has a shot with that number."
    assert scene.shots.count() == 1


def test_a_shot_moves_to_another_scene_of_its_production(api, production):
    shot = ShotFactory(scene=SceneFactory(production=production))
    target = SceneFactory(production=production)

    response = api.patch(f"/api/shots/{shot.pk}/", {"scene": target.pk, "version": 1}, format="json")

    assert response.status_code == 200
    shot.refresh_from_db()
    assert shot.scene_id == target.pk


def test_a_shot_cannot_move_to_a_scene_of_another_production_even_one_the_user_is_on(api, user, make_production, production,
                                                                                    captured_events):
    second = make_production(owner=user)
    shot = ShotFactory(scene=SceneFactory(production=production))
    elsewhere = SceneFactory(production=second)

    with captured_events() as events:
        response = api.patch(f"/api/shots/{shot.pk}/", {"scene": elsewhere.pk, "version": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "The scene belongs to another production."
    shot.refresh_from_db()
    assert (shot.scene.production_id, shot.version) == (production.pk, 1)
    assert events == []


def test_shots_filter_by_scene(api, production):
    scene = SceneFactory(production=production)
    mine = ShotFactory(scene=scene)
    ShotFactory(scene=SceneFactory(production=production))

    response = api.get("/api/shots/", {"scene": scene.pk})

    assert [r["id"] for r in response.json()["results"]] == [mine.pk]


def test_lens_outside_the_physical_range_is_400(api, production):
    scene = SceneFactory(production=production)

    response = api.post("/api/shots/", {"scene": scene.pk, "lens_mm": 3}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["lens_mm"]
    assert not scene.shots.exists()


# --- takes ----------------------------------------------------------------------------------

def test_a_new_take_is_numbered_after_the_shots_last(api, production, captured_events):
    shot = ShotFactory(scene=SceneFactory(production=production))
    TakeFactory(shot=shot, number=1)
    TakeFactory(shot=shot, number=4)

    with captured_events() as events:
        response = api.post("/api/takes/", {"shot": shot.pk, "no_good": True}, format="json")

    assert response.status_code == 201
    data = response.json()
    assert (data["number"], data["scene"], data["shot"], data["production"], data["no_good"]) == (5, shot.scene_id, shot.pk, production.pk, True)
    assert [e["type"] for e in events] == ["take.created"]
    assert events[0]["data"] == data


def test_circling_a_take(api, production, captured_events):
    take = TakeFactory(shot=ShotFactory(scene=SceneFactory(production=production)))

    with captured_events() as events:
        response = api.patch(f"/api/takes/{take.pk}/", {"circled": True, "version": 1}, format="json")

    assert response.json()["circled"] is True
    take.refresh_from_db()
    assert take.circled is True
    assert [(e["type"], e["data"]["circled"]) for e in events] == [("take.updated", True)]


def test_a_take_cannot_move_to_a_shot_of_another_production(api, user, make_production, production, captured_events):
    second = make_production(owner=user)
    take = TakeFactory(shot=ShotFactory(scene=SceneFactory(production=production)))
    elsewhere = ShotFactory(scene=SceneFactory(production=second))

    with captured_events() as events:
        response = api.patch(f"/api/takes/{take.pk}/", {"shot": elsewhere.pk, "version": 1}, format="json")

    assert response.status_code == 400
    take.refresh_from_db()
    assert take.shot.production_id == production.pk
    assert events == []


def test_a_malformed_timecode_is_400(api, production):
    shot = ShotFactory(scene=SceneFactory(production=production))

    response = api.post("/api/takes/", {"shot": shot.pk, "timecode_in": "1:00:00"}, format="json")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {"timecode_in": ["Timecode is HH:MM:SS:FF (or ;FF drop-frame)."]}
    assert not shot.takes.exists()


def test_takes_filter_by_scene_and_circled(api, production):
    scene = SceneFactory(production=production)
    circled = TakeFactory(shot=ShotFactory(scene=scene), circled=True)
    TakeFactory(shot=ShotFactory(scene=scene))
    TakeFactory(shot=ShotFactory(scene=SceneFactory(production=production)), circled=True)

    response = api.get("/api/takes/", {"shot__scene": scene.pk, "circled": "true"})

    assert [r["id"] for r in response.json()["results"]] == [circled.pk]


def test_script_supervisor_logs_takes(api_for, make_user, production):
    supervisor = make_user()
    Membership.objects.create(production=production, user=supervisor, role=Role.SCRIPT_SUPERVISOR)
    shot = ShotFactory(scene=SceneFactory(production=production))

    response = api_for(supervisor).post("/api/takes/", {"shot": shot.pk, "notes": "Good for sound"}, format="json")

    assert response.status_code == 201
    assert shot.takes.get().notes == "Good for sound"


def test_an_assignee_id_past_the_databases_range_is_a_400_not_a_500(api, production):
    scene = SceneFactory(production=production)

    updated = api.patch(f"/api/scenes/{scene.pk}/", {"assignees": [2**64], "version": scene.version}, format="json")
    created = api.post("/api/scenes/", {"production": production.pk, "number": "77", "assignees": [2**64]}, format="json")

    assert updated.status_code == 400 and "assignees" in updated.json()["extra"]["fields"]
    assert created.status_code == 400 and not Scene.objects.filter(number="77").exists()
    scene.refresh_from_db()
    assert scene.version == 1 and not scene.assignees.exists()
