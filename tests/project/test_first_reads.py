"""The daily pages' first reads in the page (apps/core/first_reads.py): the answers the app would ask the API for first.

A signed-in member's board, scene page and dashboard carry, in a `<script type="application/json">`, exactly what the
API answers that user for each of those URLs, with the production's stream position read before them; nobody else's
page carries anything of the production, and nothing in an answer can end the element.
"""
from __future__ import annotations

import json
import re

import pytest
from django.db import transaction
from django.test import Client

from apps.core import first_reads as first_reads_module
from apps.core.first_reads import ELEMENT_ID, page_reads
from tests.project.conftest import BUILT_PAGE

pytestmark = pytest.mark.django_db

ELEMENT = re.compile(rf'<script id="{ELEMENT_ID}" type="application/json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _built(built_app):
    """Every test here has a frontend build (tests/project/conftest.py)."""
    return built_app


@pytest.fixture
def shoot(make_user, make_production):
    """A production with two scenes, its owner, a crew member and someone on no production."""
    from tests.factories import SceneFactory

    owner, member, outsider = make_user(), make_user(), make_user()
    from apps.productions.models import Role

    production = make_production(owner=owner, members={member: Role.CREW}, title="Ascent")
    scenes = [SceneFactory(production=production, location="SUMMIT"), SceneFactory(production=production, location="BASE CAMP")]
    return production, scenes, owner, member, outsider


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reads_in(response) -> dict[str, dict]:
    """The page's first reads by URL ({} when the page carries none)."""
    found = ELEMENT.findall(response.content.decode())
    assert len(found) <= 1
    return {read["url"]: read for read in json.loads(found[0])["reads"]} if found else {}


def updates(scene, actor, count: int) -> None:
    from apps.realtime.services import publish_entity

    for _ in range(count):
        with transaction.atomic():
            publish_entity(scene, "updated", actor=actor)


@pytest.mark.parametrize("page, own", [
    ("/productions/{p}/board", ["/api/productions/{p}/", "/api/scenes/?production={p}&ordering=script_order&page_size=500"]),
    ("/productions/{p}/scenes/{s}", ["/api/productions/{p}/", "/api/scenes/{s}/"]),
    ("/productions/{p}", ["/api/productions/{p}/", "/api/scenes/?production={p}&ordering=script_order&page_size=500",
                         "/api/jobs/?production={p}&page_size=100"]),
])
def test_a_members_daily_page_carries_what_the_api_answers_them_with_the_streams_position(shoot, page, own):
    production, scenes, owner, member, _ = shoot
    updates(scenes[0], owner, 2)
    ids = {"p": production.pk, "s": scenes[1].pk}
    client = signed_in(member)

    response = client.get(page.format(**ids))
    assert response.status_code == 200
    reads = reads_in(response)
    expected = ["/api/auth/me/", "/api/notifications/unread-count/", *(url.format(**ids) for url in own)]
    assert list(reads) == expected
    for url, read in reads.items():
        api = client.get(url, HTTP_ACCEPT="application/json", HTTP_SLATE_PRODUCTION=str(production.pk))
        assert api.status_code == 200, url
        assert read["body"] == api.json(), url
        assert read["position"] == int(api["Slate-Stream-Seq"]) == 2, url
    # the page is the member's own now: their browser keeps it, no shared cache does, and it varies with the session
    assert response["Cache-Control"] in ("no-cache, private", "private, no-cache")
    assert "Cookie" in response["Vary"]


def test_someone_not_on_the_production_gets_nothing_of_it_in_the_page(shoot):
    production, scenes, _, _, outsider = shoot

    client = signed_in(outsider)
    for page in [f"/productions/{production.pk}/board", f"/productions/{production.pk}/scenes/{scenes[0].pk}", f"/productions/{production.pk}"]:
        response = client.get(page)
        assert response.status_code == 200
        reads = reads_in(response)
        # what the API answers them: their own account and count, empty lists; the production and the scene are 404s,
        # left out; no stream position
        assert f"/api/productions/{production.pk}/" not in reads and f"/api/scenes/{scenes[0].pk}/" not in reads, page
        assert "/api/auth/me/" in reads and "/api/notifications/unread-count/" in reads, page
        for url, read in reads.items():
            assert read["position"] is None
            assert read["body"] == client.get(url, HTTP_ACCEPT="application/json").json(), url
        html = response.content.decode()
        assert "Ascent" not in html and "SUMMIT" not in html, page


def test_nobody_signed_in_and_other_pages_get_the_page_as_built(shoot):
    production, _, _, member, _ = shoot

    anonymous = Client().get(f"/productions/{production.pk}/board")
    assert anonymous.content.decode() == BUILT_PAGE
    assert anonymous["Cache-Control"] == "no-cache"
    for page in ["/", "/productions", f"/productions/{production.pk}/script", f"/productions/{production.pk}/board/extra",
                 "/settings/account"]:
        response = signed_in(member).get(page)
        assert response.status_code == 200
        assert reads_in(response) == {}, page
        assert response["Cache-Control"] == "no-cache", page


def test_ids_are_read_as_the_app_reads_them():
    assert page_reads("/productions/0007/board/") == (7, (
        "/api/auth/me/", "/api/notifications/unread-count/", "/api/productions/7/",
        "/api/scenes/?production=7&ordering=script_order&page_size=500"))
    assert page_reads("/productions/7/scenes/012") == (7, (
        "/api/auth/me/", "/api/notifications/unread-count/", "/api/productions/7/", "/api/scenes/12/"))
    for other in ["/productions/x/board", "/productions/7/boards", "/productions/" + "9" * 16 + "/board", "/productions/7/script"]:
        assert page_reads(other) is None, other


def test_nothing_in_an_answer_can_end_the_element_or_start_markup(shoot):
    production, scenes, _, member, _ = shoot
    hostile = '</script><script>alert("x")</script><!-- & <b>'
    scenes[0].location = hostile
    scenes[0].save()

    response = signed_in(member).get(f"/productions/{production.pk}/board")
    html = response.content.decode()
    element = ELEMENT.search(html)
    assert element is not None and "<" not in element.group(1) and ">" not in element.group(1)
    assert html.count("</script>") == BUILT_PAGE.count("</script>") + 1
    listed = reads_in(response)[f"/api/scenes/?production={production.pk}&ordering=script_order&page_size=500"]["body"]
    assert hostile in [scene["location"] for scene in listed["results"]]


def test_the_etag_follows_what_the_page_carries(shoot):
    production, scenes, owner, member, _ = shoot
    client = signed_in(member)
    page = f"/productions/{production.pk}/board"
    first = client.get(page)

    assert client.get(page, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    scenes[0].location = "NORTH FACE"
    scenes[0].save()
    changed = client.get(page, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "NORTH FACE" in changed.content.decode()


def test_a_read_that_fails_or_is_too_large_is_left_for_the_app_and_the_page_still_comes(shoot, monkeypatch, caplog):
    production, _, _, member, _ = shoot
    page = f"/productions/{production.pk}/board"
    scenes_url = f"/api/scenes/?production={production.pk}&ordering=script_order&page_size=500"
    real_read = first_reads_module._read

    def failing_scenes(request, url, position):
        if url == scenes_url:
            raise RuntimeError("the scenes' query failed")
        return real_read(request, url, position)

    monkeypatch.setattr(first_reads_module, "_read", failing_scenes)
    response = signed_in(member).get(page)
    assert response.status_code == 200
    assert scenes_url not in reads_in(response) and f"/api/productions/{production.pk}/" in reads_in(response)
    assert "the scenes' query failed" in caplog.text

    monkeypatch.setattr(first_reads_module, "_read", real_read)
    monkeypatch.setattr(first_reads_module, "FIRST_READ_MAX_BYTES", 64)
    small = reads_in(signed_in(member).get(page))
    assert "/api/notifications/unread-count/" in small and scenes_url not in small


def test_when_the_streams_position_cannot_be_read_the_page_comes_without_reads(shoot, monkeypatch):
    production, _, _, member, _ = shoot

    def down(**_):
        raise ConnectionError("database went away")

    monkeypatch.setattr(first_reads_module, "stream_position", down)
    response = signed_in(member).get(f"/productions/{production.pk}/board")
    assert response.status_code == 200 and reads_in(response) == {}
    assert response.content.decode() == BUILT_PAGE


def test_links_in_an_answer_have_the_pages_scheme(shoot, rf):
    """A list's `next` link is built from the request: behind TLS it is https, as the app's own request would get."""
    production, _, _, member, _ = shoot
    page = rf.get(f"/productions/{production.pk}/board", secure=True)
    page.user, page.session = member, signed_in(member).session

    read = first_reads_module._read(page, f"/api/scenes/?production={production.pk}&page_size=1", 5)
    body = json.loads(read.body)
    assert read.position == 5 and len(body["results"]) == 1
    assert body["next"].startswith(f"https://{page.get_host()}/api/scenes/?")
