"""Fixtures for the browser app's pages (tests/project/test_spa.py, test_first_reads.py)."""
from __future__ import annotations

import pytest

#: A frontend build's index.html, as small as the server's handling of it needs.
BUILT_PAGE = '<!doctype html><html><head><script type="module" src="/static/app/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>'


@pytest.fixture
def built_app(settings, tmp_path):
    """A frontend build under a temporary BASE_DIR: `<tmp>/static/app/index.html` holding BUILT_PAGE; `{% static %}`
    without a collectstatic manifest (the admin uses it)."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.BASE_DIR = tmp_path
    index = tmp_path / "static" / "app" / "index.html"
    index.parent.mkdir(parents=True)
    index.write_text(BUILT_PAGE)
    return index
