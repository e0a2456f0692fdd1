"""Fixtures of the screenplay tests: a private MEDIA_ROOT for every test, a production with a viewer."""
from __future__ import annotations

from pathlib import Path

import pytest

from apps.productions.models import Role


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """MEDIA_ROOT in the test's own temporary folder (uploads, edits, kept renders land there)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def viewer(make_user):
    return make_user()


@pytest.fixture
def production(make_production, user, viewer):
    """A production owned by `user`, with `viewer` as a viewer (read-only)."""
    return make_production(owner=user, members={viewer: Role.VIEWER})
