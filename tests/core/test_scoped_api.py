"""CRUD and scoping shared by every production-owned resource (apps.productions.scoped.ProductionScopedViewSet).

Each test runs once per resource in tests/core/resources.py: scenes, shots, takes, characters,
cast members, props, locations, continuity notes and comments.
"""
from __future__ import annotations

import pytest

from tests.core.resources import RESOURCE_IDS, RESOURCES, listed_ids, url

pytestmark = pytest.mark.django_db

by_resource = pytest.mark.parametrize("resource", RESOURCES, ids=RESOURCE_IDS)


def _snapshot(model):
    """Every row of `model` as a dict (to assert that nothing changed)."""
    return list(model.objects.order_by("pk").values())


@by_resource
def test_member_creates_a_row_and_reads_it_back(resource, api, production):
    # given a valid body for the user's production
    body = resource.create_body(production)

    # when they POST it
    response = api.post(url(resource), body, format="json")

    # then it is created in that production, answered with its representation, and GET agrees
    assert response.status_code == 201, response.content
    created = response.json()
    expected = {**body, **resource.expect}
    assert {k: created[k] for k in expected} == expected
    assert created["production"] == production.pk
    row = resource.model.objects.get(pk=created["id"])
    assert row.production_id == production.pk
    assert api.get(url(resource, row.pk)).json() == created


@by_resource
def test_member_lists_the_rows_of_their_productions(resource, api, production, make_production, user):
    # given rows in two productions the user is on
    second = make_production(owner=user)
    rows = [resource.make(production), resource.make(production), resource.make(second)]

    # when they list
    response = api.get(url(resource), {"page_size": 500})

    # then all three are there, and filtering by production narrows it
    assert sorted(listed_ids(response)) == sorted(r.pk for r in rows)
    assert response.json()["count"] == 3
    narrowed = api.get(url(resource), {"production": second.pk})
    assert listed_ids(narrowed) == [rows[2].pk]


@by_resource
def test_member_updates_a_row_based_on_its_version(resource, api, production):
    # given a row at version 1
    row = resource.make(production)

    # when a member PATCHes a change with version 1
    response = api.patch(url(resource, row.pk), {**resource.change, "version": 1}, format="json")

    # then the change is saved and the version moves to 2
    assert response.status_code == 200, response.content
    data = response.json()
    assert {k: data[k] for k in resource.change} == resource.change
    assert data["version"] == 2
    row.refresh_from_db()
    assert row.version == 2
    assert {k: getattr(row, k) for k in resource.change} == resource.change
    assert api.get(url(resource, row.pk)).json() == data


@by_resource
def test_member_deletes_a_row(resource, api, production):
    row = resource.make(production)

    response = api.delete(url(resource, row.pk))

    assert response.status_code == 204
    assert not resource.model.objects.filter(pk=row.pk).exists()
    assert api.get(url(resource, row.pk)).status_code == 404


@by_resource
def test_another_productions_row_is_404_on_retrieve_update_and_delete(resource, api, other_production, captured_events):
    # given a row of a production the user is not on
    row = resource.make(other_production)
    before = _snapshot(resource.model)

    # when they try to read, change and delete it
    with captured_events() as events:
        got = api.get(url(resource, row.pk))
        patched = api.patch(url(resource, row.pk), {**resource.change, "version": 1}, format="json")
        put = api.put(url(resource, row.pk), {**resource.create_body(other_production), "version": 1}, format="json")
        deleted = api.delete(url(resource, row.pk))

    # then every answer is 404 in the error shape (not 403: nothing leaks), and nothing changed
    for response in (got, patched, put, deleted):
        assert response.status_code == 404
        assert response.json() == {"message": "Not found.", "code": "not_found", "extra": {}}
    assert _snapshot(resource.model) == before
    assert events == []


@by_resource
def test_another_productions_rows_are_absent_from_lists(resource, api, production, other_production):
    mine = resource.make(production)
    resource.make(other_production)

    everything = api.get(url(resource), {"page_size": 500})
    filtered = api.get(url(resource), {"production": other_production.pk})

    assert listed_ids(everything) == [mine.pk]
    assert listed_ids(filtered) == []


@by_resource
def test_create_pointing_at_another_productions_object_is_400_and_creates_nothing(resource, api, production, other_production,
                                                                                  captured_events):
    # given a body whose foreign key names an object of a production the user is not on
    body, offending = resource.foreign_body(production, other_production)
    before = resource.model.objects.count()

    # when they POST it
    with captured_events() as events:
        response = api.post(url(resource), body, format="json")

    # then it is refused like a missing id, and no row and no event appear
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["code"] == "invalid"
    assert offending in error["extra"]["fields"]
    assert "does not exist" in str(error["extra"]["fields"][offending])
    assert resource.model.objects.count() == before
    assert events == []


@by_resource
def test_viewer_cannot_create_update_or_delete(resource, api_for, viewer, production, captured_events):
    # given a row and a viewer on the production
    row = resource.make(production)
    body = resource.create_body(production)
    client = api_for(viewer)
    before = _snapshot(resource.model)

    # when the viewer tries every write
    with captured_events() as events:
        created = client.post(url(resource), body, format="json")
        patched = client.patch(url(resource, row.pk), {**resource.change, "version": 1}, format="json")
        deleted = client.delete(url(resource, row.pk))

    # then each is 403 `forbidden`, nothing changed, nothing was published — but they can read
    for response in (created, patched, deleted):
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "forbidden"
    assert _snapshot(resource.model) == before
    assert events == []
    assert client.get(url(resource, row.pk)).json()["id"] == row.pk


@by_resource
def test_outsider_sees_nothing_and_cannot_write(resource, api_for, outsider, production, captured_events):
    # given a row in a production the outsider is not on
    row = resource.make(production)
    body = resource.create_body(production)
    client = api_for(outsider)
    before = resource.model.objects.count()

    with captured_events() as events:
        listed = client.get(url(resource))
        got = client.get(url(resource, row.pk))
        created = client.post(url(resource), body, format="json")

    assert listed_ids(listed) == []
    assert got.status_code == 404
    # the production (or the parent object) of the body is not theirs: "does not exist", nothing created
    assert created.status_code == 400
    assert "does not exist" in str(created.json()["extra"]["fields"])
    assert resource.model.objects.count() == before
    assert events == []


@by_resource
def test_anonymous_request_is_refused(resource, client, production):
    row = resource.make(production)

    response = client.get(f"/api/{resource.name}/{row.pk}/")

    assert response.status_code == 401  # JWT authentication comes first: 401 + WWW-Authenticate, so clients know to (re)authenticate
    assert response.json()["code"] == "not_authenticated"
