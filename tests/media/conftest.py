"""Fixtures of the dailies tests: a private MEDIA_ROOT per test, and a production with a viewer."""
from __future__ import annotations

from pathlib import Path

import pytest

from apps.productions.models import Role


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory) -> Path:
    """An empty MEDIA_ROOT of this test's own, so files written by one test are never seen by another
    (a directory of its own, not inside `tmp_path`, which some tests list)."""
    root = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def viewer(make_user):
    """A member whose role is viewer (may watch, may not upload or comment)."""
    return make_user()


@pytest.fixture
def production(make_production, user, viewer):
    """`user`'s production, with `viewer` as a viewer."""
    return make_production(owner=user, members={viewer: Role.VIEWER})
