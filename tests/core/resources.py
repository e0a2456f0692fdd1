"""The production-owned REST resources, described once so the shared API behaviour is tested on each.

Each `Resource` knows how to put a row in a production (`make`), a valid create body, a change for
PATCH, and a create body that points at another production's object. The expected values after a
create are `create_body` with `expect` applied (e.g. a character's name is upper-cased).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from apps.breakdown.models import CastMember, Character, Location, Prop
from apps.comments.models import Comment
from apps.continuity.models import ContinuityNote
from apps.scenes.models import Scene, Shot, Take
from tests.factories import (
    CastMemberFactory,
    CharacterFactory,
    CommentFactory,
    ContinuityNoteFactory,
    LocationFactory,
    PropFactory,
    SceneFactory,
    ShotFactory,
    TakeFactory,
)


@dataclass(frozen=True)
class Resource:
    name: str  # the URL segment: /api/<name>/
    model: type
    entity: str  # the event entity: <entity>.created
    make: Callable  # (production) -> a saved row of that production
    create_body: Callable  # (production) -> a valid POST body
    change: dict  # a PATCH body (without version) that changes something
    foreign_body: Callable  # (own, foreign) -> (POST body pointing into `foreign`, the offending field)
    expect: dict = field(default_factory=dict)  # values the API derives from the body (overrides)
    moves_stats: bool = False  # create/delete also publishes production.updated

    def __str__(self) -> str:
        return self.name


def _scene(p):
    return SceneFactory(production=p)


def _shot(p):
    return ShotFactory(scene=_scene(p))


RESOURCES = [
    Resource(
        "scenes", Scene, "scene",
        make=_scene,
        create_body=lambda p: {"production": p.pk, "number": "12A", "int_ext": "EXT", "location": "PIER", "time_of_day": "NIGHT",
                               "page_eighths": 11, "synopsis": "Bob waits."},
        change={"synopsis": "Bob finds the book."},
        foreign_body=lambda own, foreign: ({"production": foreign.pk, "number": "99"}, "production"),
        expect={"slugline": "EXT. PIER - NIGHT", "status": "not_started", "version": 1},
        moves_stats=True,
    ),
    Resource(
        "shots", Shot, "shot",
        make=_shot,
        create_body=lambda p: {"scene": _scene(p).pk, "number": "3", "type": "CU", "lens_mm": 50, "movement": "dolly",
                               "description": "Push in on the book."},
        change={"description": "Pull out to the shelves."},
        foreign_body=lambda own, foreign: ({"scene": _scene(foreign).pk, "type": "WS"}, "scene"),
        expect={"status": "planned", "version": 1},
        moves_stats=True,
    ),
    Resource(
        "takes", Take, "take",
        make=lambda p: TakeFactory(shot=_shot(p)),
        create_body=lambda p: {"shot": _shot(p).pk, "circled": True, "notes": "Lovely", "timecode_in": "01:00:10:05"},
        change={"notes": "Boom in frame", "no_good": True},
        foreign_body=lambda own, foreign: ({"shot": _shot(foreign).pk}, "shot"),
        expect={"number": 1, "no_good": False, "version": 1},
    ),
    Resource(
        "characters", Character, "character",
        make=lambda p: CharacterFactory(production=p, scenes=[_scene(p), _scene(p)]),
        create_body=lambda p: {"production": p.pk, "name": "cyber bob", "description": "Robot librarian",
                               "scenes": [_scene(p).pk, _scene(p).pk]},
        change={"description": "Robot librarian, retired."},
        foreign_body=lambda own, foreign: ({"production": own.pk, "name": "SPY", "scenes": [_scene(foreign).pk]}, "scenes"),
        expect={"name": "CYBER BOB", "cast_member": None, "version": 1},
    ),
    Resource(
        "cast-members", CastMember, "cast_member",
        make=lambda p: CastMemberFactory(production=p),
        create_body=lambda p: {"production": p.pk, "name": "Ana Ruiz", "cast_id": 7, "email": "ana@example.com", "agent": "WME"},
        change={"agent": "CAA"},
        foreign_body=lambda own, foreign: ({"production": foreign.pk, "name": "Spy"}, "production"),
        expect={"user": None, "version": 1},
    ),
    Resource(
        "props", Prop, "prop",
        make=lambda p: PropFactory(production=p, scenes=[_scene(p)]),
        create_body=lambda p: {"production": p.pk, "name": "Pocket watch", "quantity": 2, "scenes": [_scene(p).pk]},
        change={"status": "sourced"},
        foreign_body=lambda own, foreign: ({"production": own.pk, "name": "Spy glass", "scenes": [_scene(foreign).pk]}, "scenes"),
        expect={"status": "needed", "version": 1},
    ),
    Resource(
        "locations", Location, "location",
        make=lambda p: LocationFactory(production=p, scenes=[_scene(p)]),
        create_body=lambda p: {"production": p.pk, "name": "LIBRARY", "address": "1 Main St", "scenes": [_scene(p).pk]},
        change={"parking": "Behind the church"},
        foreign_body=lambda own, foreign: ({"production": own.pk, "name": "PIER", "scenes": [_scene(foreign).pk]}, "scenes"),
        expect={"version": 1},
    ),
    Resource(
        "continuity-notes", ContinuityNote, "continuity_note",
        make=lambda p: ContinuityNoteFactory(scene=_scene(p)),
        create_body=lambda p: {"scene": _scene(p).pk, "category": "props", "body": "Glass half full, left hand"},
        change={"flagged": True},
        foreign_body=lambda own, foreign: ({"scene": _scene(foreign).pk, "body": "Spy"}, "scene"),
        expect={"flagged": False, "photos": [], "shot": None, "take": None, "version": 1},
    ),
    Resource(
        "comments", Comment, "comment",
        make=lambda p: CommentFactory(scene=_scene(p)),
        create_body=lambda p: {"scene": _scene(p).pk, "body": "Eyeline is off in the close-up"},
        change={"resolved": True},
        foreign_body=lambda own, foreign: ({"scene": _scene(foreign).pk, "body": "Spy"}, "scene"),
        expect={"resolved": False, "mentions": [], "parent": None, "frame": None, "timecode": None, "version": 1},
    ),
]

RESOURCE_IDS = [r.name for r in RESOURCES]


def url(resource: Resource, pk=None) -> str:
    return f"/api/{resource.name}/" if pk is None else f"/api/{resource.name}/{pk}/"


def listed_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]
