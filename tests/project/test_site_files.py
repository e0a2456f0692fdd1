"""Paths browsers and crawlers ask for by themselves: `/favicon.ico`, `/robots.txt` and other file names are not the app.

Was (issue 16): `/favicon.ico` (and any other unknown path) answered the browser app's index.html with 200.
"""
from __future__ import annotations

import pytest

from tests.project.conftest import BUILT_PAGE

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_the_apps_png_icon(client, built_app):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/app/favicon-32.png"
    assert client.head("/favicon.ico").status_code == 301
    assert client.post("/favicon.ico").status_code == 405


def test_favicon_ico_is_404_until_the_icon_is_collected(client, settings):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    settings.STATIC_ROOT = settings.BASE_DIR / "var" / "no-such-static-root"

    assert client.get("/favicon.ico").status_code == 404


def test_robots_txt_keeps_crawlers_out(client, built_app):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "User-agent: *\nDisallow: /\n"


@pytest.mark.parametrize("path", ["/apple-touch-icon.png", "/wp-login.php", "/.env", "/productions/1/board/export.csv", "/sitemap.xml"])
def test_a_file_name_that_is_not_served_is_a_404_not_the_app(client, built_app, path):
    response = client.get(path)

    assert response.status_code == 404
    assert BUILT_PAGE not in response.content.decode()
