"""Fixtures for the storyboard suites: the fake fal.ai queue wired into fal-client, a private MEDIA_ROOT, a shot to order for.

The real fal-client SDK talks HTTPS to `tests.generation.fake_fal`, reached through fal-client's
host setting FAL_QUEUE_RUN_HOST and trusted through SSL_CERT_FILE. A module, not a conftest.py,
so they apply only to the suites that import them (`from tests.generation.storyboard_fixtures import *`).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from apps.generation.storyboards import generate
from apps.productions.models import Role
from tests.generation.fake_fal import FakeFal

__all__ = ["NOIR_PASTEL", "ORDER", "fal", "media_root", "order", "production", "shot", "stored_files", "viewer"]

ORDER = "/api/ai/storyboards/"
NOIR_PASTEL = "{shot.type}, {shot.lens_mm}mm lens, {scene.location} at {scene.time_of_day}, {style: noir|pastel}"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def fal(monkeypatch, settings):
    """The fake queue, with fal-client pointed at it: FAL_KEY, its queue host, and its CA trusted."""
    import fal_client.client

    with FakeFal() as fake:
        monkeypatch.setenv("FAL_QUEUE_RUN_HOST", fake.host)
        # fal-client 1.0.3 reads FAL_QUEUE_RUN_HOST once, at import (fal_client.auth → client.QUEUE_URL_FORMAT).
        monkeypatch.setattr(fal_client.client, "QUEUE_URL_FORMAT", f"https://{fake.host}/")
        monkeypatch.setenv("SSL_CERT_FILE", str(fake.ca_path))
        settings.FAL_KEY = fake.key
        settings.SLATE_FAL_MODEL = "fal-ai/flux/schnell"
        settings.SLATE_FAL_TIMEOUT_S = 30.0
        settings.SLATE_JOB_PROGRESS_INTERVAL_S = 0.0  # every message reaches the recorder
        monkeypatch.setattr(generate, "POLL_INTERVAL_S", 0.01)
        yield fake


@pytest.fixture
def viewer(make_user):
    return make_user()


@pytest.fixture
def production(make_production, user, viewer):
    return make_production(owner=user, members={viewer: Role.VIEWER})


@pytest.fixture
def shot(production):
    from tests.factories import SceneFactory, ShotFactory

    scene = SceneFactory(production=production, number="12", int_ext="INT", location="LIBRARY", time_of_day="NIGHT")
    return ShotFactory(scene=scene, number="3", type="CU", lens_mm=35, movement="handheld", description="Maya hides the ledger")


def order(api, shot, **body):
    return api.post(ORDER, {"shot": shot.pk, "template": NOIR_PASTEL, "seeds": "1-3"} | body, format="json")


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
