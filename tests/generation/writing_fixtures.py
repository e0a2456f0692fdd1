"""Fixtures for the AI writing and breakdown suites: the fake Anthropic server wired into settings, a script
with a version, its crew.

The anthropic SDK itself runs (nothing is mocked): it reaches `tests.generation.fake_anthropic`
through ANTHROPIC_BASE_URL. Jobs run through `apps.jobs.services.job_run`, as in the worker.
A module, not a conftest.py, so they apply only to the suites that import them
(`from tests.generation.writing_fixtures import *`); tests/generation is shared with the storyboard suites.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.generation.fake_anthropic import FakeAnthropic
from tests.realtime.conftest import connect_as, session_cookie, sockets  # noqa: F401 — sockets through the ASGI app

__all__ = ["NEW_SCENE", "SCREENPLAY", "connect_as", "fake_claude", "make_story", "no_enqueue", "not_configured", "session_cookie",
           "sockets", "story"]

SCREENPLAY = """Title: The Quiet Stacks
Author: Test

INT. LIBRARY - NIGHT

Rain drums on the skylight. CYBER BOB, a robot librarian, shelves books.

CYBER BOB
Closing time, Ms. Vance.

MAYA VANCE (40s) hides a ledger under her coat.

EXT. ALLEY - NIGHT

Maya runs past a parked police cruiser, siren off.

INT. LIBRARY - DAY

Sunlight. Cyber Bob finds the ledger's empty slot.

CYBER BOB
Someone has been reading.
"""

NEW_SCENE = """INT. ARCHIVE - NIGHT

Dust hangs in torch light. Maya lifts the ledger from a steel drawer.

MAYA
Every name is here.

CYBER BOB (O.S.)
Every name but yours.
"""


@pytest.fixture(autouse=True)
def no_enqueue(monkeypatch):
    """Jobs stay pending on commit; tests run them with `job_run` (no Huey worker in the suite)."""
    monkeypatch.setattr("apps.jobs.services.job_enqueue", lambda *, job_id: True)


@pytest.fixture
def fake_claude(settings):
    """The fake Messages API, with settings pointing the SDK at it (dummy key, short timeout)."""
    fake = FakeAnthropic().start()
    settings.ANTHROPIC_API_KEY = "sk-ant-test-dummy"
    settings.ANTHROPIC_BASE_URL = fake.url
    settings.SLATE_ANTHROPIC_MODEL = "claude-test-model"
    settings.SLATE_ANTHROPIC_MAX_TOKENS = 2000
    settings.SLATE_ANTHROPIC_TEMPERATURE = 0.7
    settings.SLATE_ANTHROPIC_TIMEOUT_S = 2.0
    yield fake
    fake.stop()


@pytest.fixture
def not_configured(settings):
    settings.ANTHROPIC_API_KEY = ""


def make_story(*, owner, members: dict | None = None):
    """A production whose script 'The Quiet Stacks' has v1 (three scenes, imported), locked genre and tone, two character sheets."""
    from apps.breakdown.models import Character
    from apps.scripts.models import Script, VersionSource
    from apps.scripts.services import script_version_create
    from tests.factories import production_with

    production = production_with(owner=owner, members=members or {})
    script = Script.objects.create(production=production, title="The Quiet Stacks", logline="A robot librarian hunts a stolen ledger.",
                                   genre="Neo-noir", genre_locked=True, tone="Hushed, wry", tone_locked=True, created_by=owner)
    v1 = script_version_create(script=script, text=SCREENPLAY, source=VersionSource.UPLOAD, actor=owner, source_name="stacks.fountain")
    bob = Character.objects.get(production=production, name="CYBER BOB")
    for name, values in {"CYBER BOB": dict(personality="Fastidious, secretly sentimental", goals="Keep every book where it belongs",
                                           voice="Clipped, catalogue-precise", backstory="Rebuilt from a 1970s card-sorting machine")}.items():
        Character.objects.filter(pk=bob.pk).update(**values)
    maya = Character.objects.create(production=production, name="MAYA VANCE", personality="Restless, charming", goals="Expose the ledger's names",
                                    voice="Fast, sardonic", backstory="Former archivist, fired for asking questions")
    scenes = {s.number: s for s in production.scenes.all()}
    return SimpleNamespace(production=production, script=script, v1=v1, scenes=scenes, bob=Character.objects.get(pk=bob.pk), maya=maya)


@pytest.fixture
def story(db, user, make_user):
    """`make_story` for `user` (owner), plus a crew member and a viewer."""
    from apps.productions.models import Role

    member, viewer = make_user(), make_user()
    ns = make_story(owner=user, members={member: Role.CAMERA, viewer: Role.VIEWER})
    ns.owner, ns.member, ns.viewer = user, member, viewer
    return ns
