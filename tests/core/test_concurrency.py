"""Optimistic concurrency: every update names the version it was based on (DESIGN.md, REST API)."""
from __future__ import annotations

import pytest

from tests.core.resources import RESOURCE_IDS, RESOURCES, url

pytestmark = pytest.mark.django_db

by_resource = pytest.mark.parametrize("resource", RESOURCES, ids=RESOURCE_IDS)


def _values(row, names):
    row.refresh_from_db()
    return {name: getattr(row, name) for name in names}


@by_resource
def test_update_without_a_version_is_428_and_changes_nothing(resource, api, production, captured_events):
    row = resource.make(production)
    before = _values(row, [*resource.change, "version"])

    with captured_events() as events:
        response = api.patch(url(resource, row.pk), resource.change, format="json")

    assert response.status_code == 428
    body = response.json()
    assert body["code"] == "version_required"
    assert set(body) == {"message", "code", "extra"}
    assert _values(row, [*resource.change, "version"]) == before
    assert events == []


@by_resource
def test_update_with_a_stale_version_is_409_with_the_current_object(resource, api, api_for, crew, production, captured_events):
    # given a crew member saved a change first (version 1 → 2)
    row = resource.make(production)
    first = api_for(crew).patch(url(resource, row.pk), {**resource.change, "version": 1}, format="json")
    assert first.status_code == 200, first.content
    current = api.get(url(resource, row.pk)).json()

    # when the user saves their own edit still based on version 1
    with captured_events() as events:
        response = api.patch(url(resource, row.pk), {**resource.change, "version": 1}, format="json")

    # then it is refused with the object as it is now, and nothing was saved or published
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "conflict"
    assert body["extra"]["current"] == current
    assert current["version"] == 2
    assert api.get(url(resource, row.pk)).json() == current
    assert events == []


@by_resource
def test_update_with_an_if_match_header_is_accepted(resource, api, production):
    row = resource.make(production)

    response = api.patch(url(resource, row.pk), resource.change, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert _values(row, resource.change) == resource.change


def test_if_match_header_with_a_stale_version_is_409(api, production):
    from tests.factories import SceneFactory

    scene = SceneFactory(production=production, synopsis="Before", version=3)

    response = api.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "After"}, format="json", HTTP_IF_MATCH='W/"2"')

    assert response.status_code == 409
    assert response.json()["extra"]["current"]["version"] == 3
    scene.refresh_from_db()
    assert (scene.synopsis, scene.version) == ("Before", 3)


def test_body_version_wins_over_if_match(api, production):
    from tests.factories import SceneFactory

    scene = SceneFactory(production=production, synopsis="Before")

    response = api.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "After", "version": 1}, format="json", HTTP_IF_MATCH='"7"')

    assert response.status_code == 200
    scene.refresh_from_db()
    assert (scene.synopsis, scene.version) == ("After", 2)


def test_two_updates_from_the_same_version_keep_the_first_and_refuse_the_second(api, api_for, crew, production, captured_events):
    # given two people who both opened scene 7 at version 1
    from tests.factories import SceneFactory

    scene = SceneFactory(production=production, number="7", synopsis="Bob waits.", location="LIBRARY")

    # when both save, one after the other, each based on version 1
    with captured_events() as events:
        first = api.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "Bob finds the book.", "version": 1}, format="json")
        second = api_for(crew).patch(f"/api/scenes/{scene.pk}/", {"location": "ATTIC", "version": 1}, format="json")

    # then the first wins, the second is told what the first saved, and only one event went out
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["extra"]["current"] == first.json()
    scene.refresh_from_db()
    assert (scene.synopsis, scene.location, scene.version) == ("Bob finds the book.", "LIBRARY", 2)
    assert [e["type"] for e in events] == ["scene.updated"]
    assert events[0]["data"] == first.json()


def test_put_also_needs_a_version(api, production):
    from tests.factories import SceneFactory

    scene = SceneFactory(production=production, number="4", location="LIBRARY")
    body = {"production": production.pk, "number": "4", "location": "ATTIC"}

    without = api.put(f"/api/scenes/{scene.pk}/", body, format="json")
    with_version = api.put(f"/api/scenes/{scene.pk}/", {**body, "version": 1}, format="json")

    assert without.status_code == 428
    assert with_version.status_code == 200
    assert with_version.json()["location"] == "ATTIC"
    assert with_version.json()["version"] == 2


@pytest.mark.parametrize("version, message", [("two", "version must be a whole number."), (0, "version must be 1 or more.")])
def test_a_version_that_is_not_a_positive_whole_number_is_400(api, production, version, message):
    from tests.factories import SceneFactory

    scene = SceneFactory(production=production, synopsis="Before")

    response = api.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "After", "version": version}, format="json")

    assert response.status_code == 400
    assert response.json() == {"message": message, "code": "invalid", "extra": {"fields": {"version": [message.replace("version m", "M")]}}}
    scene.refresh_from_db()
    assert (scene.synopsis, scene.version) == ("Before", 1)


def test_an_update_that_changes_nothing_keeps_the_version_and_publishes_nothing(api, production, captured_events):
    from tests.factories import SceneFactory

    scene = SceneFactory(production=production, synopsis="Same")

    with captured_events() as events:
        response = api.patch(f"/api/scenes/{scene.pk}/", {"synopsis": "Same", "version": 1}, format="json")

    assert response.status_code == 200
    assert response.json()["version"] == 1
    scene.refresh_from_db()
    assert scene.version == 1
    assert events == []


def test_updating_an_object_deleted_meanwhile_is_404(api, production):
    """The compare-and-set finds no row: the service answers 404, not a misleading 409."""
    from apps.core.errors import NotFoundError
    from apps.scenes.models import Scene
    from apps.scenes.services import scene_update
    from tests.factories import SceneFactory

    scene = SceneFactory(production=production)
    stale_copy = Scene.objects.get(pk=scene.pk)
    Scene.objects.filter(pk=scene.pk).delete()

    with pytest.raises(NotFoundError):
        scene_update(instance=stale_copy, actor=production.memberships.get().user, version=1, synopsis="Too late")

    assert not Scene.objects.filter(pk=scene.pk).exists()
