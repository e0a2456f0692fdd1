"""Fixtures of the schedule and call-sheet suites: a small board of two days built through the services."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.factories import CastMemberFactory, CharacterFactory, LocationFactory, SceneFactory, crew, other_production, outsider, viewer  # noqa: F401


def make_day(production, actor, date: str, **fields):
    from apps.callsheets.services import shoot_day_create

    return shoot_day_create(actor=actor, production=production, date=dt.date.fromisoformat(date), **fields)


def put(day, actor, scene=None, *, text: str = "", position=None):
    from apps.callsheets.services import strip_create

    return strip_create(actor=actor, shoot_day=day, kind="scene" if scene is not None else "banner", scene=scene, text=text,
                        position=position)


@pytest.fixture
def board(production, user):
    """Two days: day 1 (Tue 24 Nov 2026) scenes 1 (ANA+BOB, 11/8) and 2 (ANA, 4/8); day 2 scene 3 (BOB, night, 8/8).

    Cast: 1 Ana Ruiz plays ANA, 2 Bob Stone plays BOB. Scene 1 is shot at the LIBRARY location.
    """
    ana = CastMemberFactory(production=production, name="Ana Ruiz", cast_id=1)
    bob = CastMemberFactory(production=production, name="Bob Stone", cast_id=2)
    s1 = SceneFactory(production=production, number="1", location="LIBRARY", page_eighths=11, synopsis="Ana finds the book.")
    s2 = SceneFactory(production=production, number="2", location="LIBRARY", page_eighths=4)
    s3 = SceneFactory(production=production, number="3", int_ext="EXT", location="PIER", time_of_day="NIGHT", page_eighths=8)
    CharacterFactory(production=production, name="ANA", cast_member=ana, scenes=[s1, s2])
    CharacterFactory(production=production, name="BOB", cast_member=bob, scenes=[s1, s3])
    library = LocationFactory(production=production, name="LIBRARY", address="1 Main St", parking="Lot B", scenes=[s1, s2])
    d1 = make_day(production, user, "2026-11-24")
    d2 = make_day(production, user, "2026-11-25")
    strips = [put(d1, user, s1), put(d1, user, s2), put(d2, user, s3)]
    return SimpleNamespace(ana=ana, bob=bob, scenes=[s1, s2, s3], days=[d1, d2], strips=strips, library=library)
