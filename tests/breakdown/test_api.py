"""REST: the breakdown — characters, cast members, props, locations — beyond the shared CRUD of tests/core."""
from __future__ import annotations

import pytest

from apps.breakdown.models import CastMember, Character, Location, Prop
from tests.factories import CastMemberFactory, CharacterFactory, LocationFactory, PropFactory, SceneFactory

pytestmark = pytest.mark.django_db


def test_character_names_are_kept_upper_case_like_the_screenplays_cues(api, production):
    created = api.post("/api/characters/", {"production": production.pk, "name": "  cyber bob "}, format="json")
    renamed = api.patch(f"/api/characters/{created.json()['id']}/", {"name": "Cyber Bob Jr", "version": 1}, format="json")

    assert created.json()["name"] == "CYBER BOB"
    assert renamed.json()["name"] == "CYBER BOB JR"
    assert Character.objects.get().name == "CYBER BOB JR"


def test_character_names_are_unique_in_a_production_whatever_the_case(api, production):
    CharacterFactory(production=production, name="BOB")

    response = api.post("/api/characters/", {"production": production.pk, "name": "bob"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "This production already has a character with that name."
    assert Character.objects.count() == 1


def test_casting_a_character(api, production, captured_events):
    actor = CastMemberFactory(production=production, name="Ana Ruiz", cast_id=1)
    character = CharacterFactory(production=production, name="ALICE")

    with captured_events() as events:
        response = api.patch(f"/api/characters/{character.pk}/", {"cast_member": actor.pk, "version": 1}, format="json")

    assert response.status_code == 200
    character.refresh_from_db()
    assert character.cast_member_id == actor.pk
    assert [(e["type"], e["data"]["cast_member"]) for e in events] == [("character.updated", actor.pk)]


def test_a_character_cannot_be_cast_with_an_actor_of_another_production_even_one_the_user_is_on(
        api, user, make_production, production, captured_events):
    second = make_production(owner=user)
    actor_elsewhere = CastMemberFactory(production=second)

    with captured_events() as events:
        response = api.post("/api/characters/", {"production": production.pk, "name": "ALICE", "cast_member": actor_elsewhere.pk},
                            format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "That cast member belongs to another production."
    assert not Character.objects.exists()
    assert events == []


def test_a_character_cannot_be_cast_with_an_actor_of_a_production_the_user_is_not_on(api, production, other_production):
    actor_elsewhere = CastMemberFactory(production=other_production)

    response = api.post("/api/characters/", {"production": production.pk, "name": "ALICE", "cast_member": actor_elsewhere.pk},
                        format="json")

    assert response.status_code == 400
    assert "does not exist" in response.json()["extra"]["fields"]["cast_member"][0]
    assert not Character.objects.exists()


@pytest.mark.parametrize("model, path", [(Prop, "props"), (Location, "locations"), (Character, "characters")])
def test_breakdown_rows_cannot_link_scenes_of_another_production_the_user_is_on(api, user, make_production, production,
                                                                               captured_events, model, path):
    second = make_production(owner=user)
    mine, elsewhere = SceneFactory(production=production), SceneFactory(production=second)

    with captured_events() as events:
        response = api.post(f"/api/{path}/", {"production": production.pk, "name": "MIXED", "scenes": [mine.pk, elsewhere.pk]},
                            format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "That scene belongs to another production."
    assert not model.objects.exists()
    assert events == []


@pytest.mark.parametrize("factory, path, entity", [(CharacterFactory, "characters", "character"), (PropFactory, "props", "prop"),
                                                  (LocationFactory, "locations", "location")])
def test_replacing_the_scenes_of_a_breakdown_row_publishes_the_new_set(api, production, captured_events, factory, path, entity):
    # given a row linked to scenes 1 and 2
    one, two, three = (SceneFactory(production=production) for _ in range(3))
    row = factory(production=production, scenes=[one, two])

    # when its scenes become 2 and 3
    with captured_events() as events:
        response = api.patch(f"/api/{path}/{row.pk}/", {"scenes": [two.pk, three.pk], "version": 1}, format="json")

    # then the answer, the database, GET and the event all show exactly 2 and 3
    assert response.status_code == 200, response.content
    assert sorted(response.json()["scenes"]) == sorted([two.pk, three.pk])
    assert sorted(row.scenes.values_list("pk", flat=True)) == sorted([two.pk, three.pk])
    assert [e["type"] for e in events] == [f"{entity}.updated"]
    assert events[0]["data"] == api.get(f"/api/{path}/{row.pk}/").json() == response.json()
    assert response.json()["version"] == 2


def test_breakdown_rows_filter_by_scene(api, production):
    scene = SceneFactory(production=production)
    needed = PropFactory(production=production, scenes=[scene])
    PropFactory(production=production, scenes=[SceneFactory(production=production)])

    response = api.get("/api/props/", {"scenes": scene.pk})

    assert [r["id"] for r in response.json()["results"]] == [needed.pk]


@pytest.mark.parametrize("path", ["props", "locations", "characters"])
@pytest.mark.parametrize("value", [str(2**63), "-" + str(2**63 + 1), "9" * 5000])
def test_a_scene_filter_past_the_databases_integers_is_400_naming_it(api, production, path, value):
    PropFactory(production=production, scenes=[SceneFactory(production=production)])

    response = api.get(f"/api/{path}/", {"scenes": ["1", value]})

    assert response.status_code == 400
    message = "Not an id or number this server holds (past the 64-bit range)."
    assert response.json() == {"message": f"scenes: {message}", "code": "invalid", "extra": {"fields": {"scenes": [message]}}}


def test_the_largest_id_the_database_holds_is_simply_not_found_by_a_scene_filter(api, production):
    PropFactory(production=production, scenes=[SceneFactory(production=production)])

    response = api.get("/api/props/", {"scenes": str(2**63 - 1)})

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["scenes"][0].startswith("Select a valid choice.")


def test_cast_ids_are_unique_in_a_production(api, production):
    CastMemberFactory(production=production, cast_id=1)

    response = api.post("/api/cast-members/", {"production": production.pk, "name": "Understudy", "cast_id": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "Another cast member has that cast id."
    assert CastMember.objects.count() == 1


def test_deleting_a_cast_member_uncasts_their_characters(api, production, captured_events):
    actor = CastMemberFactory(production=production)
    character = CharacterFactory(production=production, cast_member=actor)

    with captured_events() as events:
        response = api.delete(f"/api/cast-members/{actor.pk}/")

    assert response.status_code == 204
    character.refresh_from_db()
    assert character.cast_member is None
    assert [e["type"] for e in events] == ["cast_member.deleted"]


def test_a_cast_members_user_link_is_read_only(api, user, production):
    response = api.post("/api/cast-members/", {"production": production.pk, "name": "Ana", "user": user.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["user"] is None
    assert CastMember.objects.get().user is None


def test_prop_quantity_must_be_at_least_one(api, production):
    response = api.post("/api/props/", {"production": production.pk, "name": "Cup", "quantity": 0}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["quantity"]
    assert not Prop.objects.exists()


def test_prop_status_moves_to_ready(api, production, captured_events):
    prop = PropFactory(production=production)

    with captured_events() as events:
        response = api.patch(f"/api/props/{prop.pk}/", {"status": "ready", "version": 1}, format="json")

    assert response.json()["status"] == "ready"
    assert [(e["type"], e["data"]["status"]) for e in events] == [("prop.updated", "ready")]


def test_unknown_prop_status_is_400(api, production):
    prop = PropFactory(production=production)

    response = api.patch(f"/api/props/{prop.pk}/", {"status": "lost", "version": 1}, format="json")

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["status"]
    prop.refresh_from_db()
    assert prop.status == "needed"
