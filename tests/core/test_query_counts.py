"""Every list endpoint answers in a constant number of queries, however many rows it returns.

For each endpoint: list 5 rows, add 195 more (bulk_create, with their relations: scenes on
characters/props/locations, mentions on comments, photos on notes), list all 200 on one page, and
require the same query count both times, below a small bound.
"""
from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.breakdown.models import CastMember, Character, Location, Prop
from apps.comments.models import Comment
from apps.continuity.models import ContinuityNote, ContinuityPhoto
from apps.productions.models import Membership, Production, Role
from apps.scenes.models import Scene, Shot, Take
from tests.factories import MediaAssetFactory, SceneFactory, ShotFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 4  # count + page + one prefetch; measured 2–3
_seq = itertools.count(1)


def _scenes(production, n):
    return Scene.objects.bulk_create(
        [Scene(production=production, number=f"Q{next(_seq)}", location="LIBRARY", page_eighths=3, status="completed" if i % 2 else "not_started")
         for i in range(n)])


def _users(n):
    User = get_user_model()
    return User.objects.bulk_create(
        [User(username=f"bulk{k}", email=f"bulk{k}@example.com", name=f"Bulk {k}", password="!") for k in (next(_seq) for _ in range(n))])


def _with_scenes(model, production, n, **fields):
    """n rows of a breakdown model, each linked to three scenes (through-table bulk_create)."""
    rows = model.objects.bulk_create([model(production=production, name=f"{model.__name__} {next(_seq)}", **fields) for _ in range(n)])
    scenes = _scenes(production, 3)
    through = getattr(model, "scenes").through
    owner = f"{model._meta.model_name}_id"
    through.objects.bulk_create([through(**{owner: row.pk, "scene_id": scene.pk}) for row in rows for scene in scenes])
    return rows


def add_productions(ctx, n):
    productions = Production.objects.bulk_create([Production(title=f"Film {next(_seq)}") for _ in range(n)])
    Membership.objects.bulk_create([Membership(production=p, user=ctx["user"], role=Role.CREW) for p in productions])
    for p in productions[:3]:
        _scenes(p, 2)


def add_members(ctx, n):
    Membership.objects.bulk_create([Membership(production=ctx["production"], user=u, role=Role.CAMERA) for u in _users(n)])


def add_scenes(ctx, n):
    _scenes(ctx["production"], n)


def add_shots(ctx, n):
    scene = SceneFactory(production=ctx["production"])
    Shot.objects.bulk_create([Shot(production=ctx["production"], scene=scene, number=str(next(_seq))) for _ in range(n)])


def add_takes(ctx, n):
    shot = ShotFactory(scene=SceneFactory(production=ctx["production"]))
    Take.objects.bulk_create([Take(production=ctx["production"], shot=shot, number=next(_seq)) for _ in range(n)])


def add_characters(ctx, n):
    cast = CastMember.objects.create(production=ctx["production"], name="Ana Ruiz")
    _with_scenes(Character, ctx["production"], n, cast_member=cast)


def add_cast_members(ctx, n):
    CastMember.objects.bulk_create([CastMember(production=ctx["production"], name=f"Actor {k}", cast_id=k, user=ctx["user"])
                                    for k in (next(_seq) for _ in range(n))])


def add_props(ctx, n):
    _with_scenes(Prop, ctx["production"], n)


def add_locations(ctx, n):
    _with_scenes(Location, ctx["production"], n)


def add_continuity_notes(ctx, n):
    scene = SceneFactory(production=ctx["production"])
    notes = ContinuityNote.objects.bulk_create(
        [ContinuityNote(production=ctx["production"], scene=scene, body=f"Note {next(_seq)}", author=ctx["user"]) for _ in range(n)])
    ContinuityPhoto.objects.bulk_create(
        [ContinuityPhoto(production=ctx["production"], note=note, file=f"continuity/{next(_seq):032x}.jpg", width=4, height=3, size_bytes=9,
                         uploaded_by=ctx["user"]) for note in notes for _ in range(2)])


def add_continuity_photos(ctx, n):
    scene = SceneFactory(production=ctx["production"])
    notes = ContinuityNote.objects.bulk_create([ContinuityNote(production=ctx["production"], scene=scene, body="x") for _ in range(n)])
    ContinuityPhoto.objects.bulk_create(
        [ContinuityPhoto(production=ctx["production"], note=note, file=f"continuity/{next(_seq):032x}.jpg", width=4, height=3, size_bytes=9)
         for note in notes])


def add_comments(ctx, n):
    production = ctx["production"]
    scene = SceneFactory(production=production)
    asset = MediaAssetFactory(production=production, start_timecode="01:00:00:00")
    authors = _users(2)
    Membership.objects.bulk_create([Membership(production=production, user=u, role=Role.EDITOR) for u in authors])
    comments = Comment.objects.bulk_create(
        [Comment(production=production, author=authors[i % 2], body=f"@{authors[0].username} look", **(
            {"media_asset": asset, "frame": i} if i % 2 else {"scene": scene})) for i in range(n)])
    through = Comment.mentions.through
    through.objects.bulk_create([through(comment_id=c.pk, user_id=u.pk) for c in comments for u in authors])


def _stats_shown(rows):
    with_scenes = [r["stats"] for r in rows if r["stats"]["scene_count"]]
    two_scenes_one_done = {"scene_count": 2, "completed_scene_count": 1, "shot_count": 0, "completion_percent": 50.0,
                           "total_eighths": 6, "completed_eighths": 3}
    return len(with_scenes) >= 3 and all(s == two_scenes_one_done for s in with_scenes) and all(r["my_role"] for r in rows)


# endpoint → (URL, add rows, what every page must show: proves the related data was really rendered)
ENDPOINTS = {
    "productions": (lambda ctx: "/api/productions/", add_productions, _stats_shown),
    "members": (lambda ctx: f"/api/productions/{ctx['production'].pk}/members/", add_members,
                lambda rows: all(r["user"]["username"] for r in rows)),
    "scenes": (lambda ctx: "/api/scenes/", add_scenes, lambda rows: all(r["slugline"] == "INT. LIBRARY" for r in rows)),
    "shots": (lambda ctx: "/api/shots/", add_shots, lambda rows: all(r["scene"] for r in rows)),
    "takes": (lambda ctx: "/api/takes/", add_takes, lambda rows: all(r["scene"] for r in rows)),
    "characters": (lambda ctx: "/api/characters/", add_characters, lambda rows: all(len(r["scenes"]) == 3 and r["cast_member"] for r in rows)),
    "cast-members": (lambda ctx: "/api/cast-members/", add_cast_members, lambda rows: all(r["user"] for r in rows)),
    "props": (lambda ctx: "/api/props/", add_props, lambda rows: all(len(r["scenes"]) == 3 for r in rows)),
    "locations": (lambda ctx: "/api/locations/", add_locations, lambda rows: all(len(r["scenes"]) == 3 for r in rows)),
    "continuity-notes": (lambda ctx: "/api/continuity-notes/", add_continuity_notes,
                         lambda rows: all(len(r["photos"]) == 2 and r["author_name"] for r in rows)),
    "continuity-photos": (lambda ctx: "/api/continuity-photos/", add_continuity_photos, lambda rows: all(r["url"] for r in rows)),
    "comments": (lambda ctx: "/api/comments/", add_comments,
                 lambda rows: all(len(r["mentions"]) == 2 and r["author_name"] for r in rows)
                 and all(bool(r["timecode"]) == (r["media_asset"] is not None) for r in rows)
                 and any(r["timecode"] == "01:00:00:01" for r in rows)),
}


def _list(api, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, {"page_size": 500})
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_list_endpoint_uses_a_constant_number_of_queries(endpoint, api, user, production, django_assert_max_num_queries):
    url_of, add, shows_everything = ENDPOINTS[endpoint]
    ctx = {"user": user, "production": production}
    url = url_of(ctx)
    already = 1 if endpoint in ("productions", "members") else 0  # the production (and its owner) of the fixture

    # given 5 rows
    add(ctx, 5)
    few_queries, few = _list(api, url)
    assert few["count"] == 5 + already

    # when there are 200
    add(ctx, 195)
    with django_assert_max_num_queries(MAX_QUERIES):
        many_queries, many = _list(api, url)

    # then all 200 came back on one page, with as many queries as for 5
    assert many["count"] == 200 + already
    assert len(many["results"]) == 200 + already
    assert many_queries == few_queries
    assert shows_everything(few["results"])
    assert shows_everything(many["results"])
