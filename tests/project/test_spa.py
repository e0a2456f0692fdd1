"""The browser app's pages: Django answers `/` and every deep link with the built React app's index.html."""
from __future__ import annotations

import gzip
import json
import re

import pytest

from tests.project.conftest import BUILT_PAGE

pytestmark = pytest.mark.django_db

DEEP_LINKS = ["/", "/productions/1/board", "/productions/12/scenes/7", "/signin", "/register",
              "/verify-email?uid=MQ&token=abc-123", "/invitations/Zm9vYmFyYmF6cXV4LXRva2VuLWV4YW1wbGU", "/forgot-password",
              "/reset-password?uid=MQ&token=abc-123", "/settings/account"]


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """`{% static %}` without a collectstatic manifest (the admin uses it)."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def unbuilt_app(settings, tmp_path):
    """No frontend build: BASE_DIR points at an empty folder."""
    settings.BASE_DIR = tmp_path


@pytest.mark.parametrize("path", DEEP_LINKS)
def test_every_page_of_the_app_is_the_built_index_with_a_csrf_cookie(client, built_app, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == BUILT_PAGE
    assert response.cookies["csrftoken"].value
    assert response["Cache-Control"] == "no-cache"  # kept, asked again each time; never no-store (back/forward cache)
    assert response["ETag"]


def test_the_page_is_revalidated_with_its_etag_and_answers_304_while_the_build_is_the_same(client, built_app):
    first = client.get("/productions/1/board")

    again = client.get("/productions/12/scenes/7", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "no-cache"

    built_app.write_text(BUILT_PAGE.replace("abc123", "def456"))
    rebuilt = client.get("/productions/1/board", HTTP_IF_NONE_MATCH=first["ETag"])
    assert rebuilt.status_code == 200
    assert rebuilt["ETag"] != first["ETag"]
    assert "index-def456.js" in rebuilt.content.decode()


def test_the_page_sets_no_cookie_for_a_browser_that_has_its_csrf_cookie(client, built_app):
    token = client.get("/").cookies["csrftoken"].value  # the first visit gets one

    response = client.get("/productions/1/board")  # the test client sends it back
    assert client.cookies["csrftoken"].value == token
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "Vary" not in response.headers or "Cookie" not in response["Vary"]


def test_a_malformed_csrf_cookie_is_replaced(client, built_app):
    client.cookies["csrftoken"] = "not a token"

    response = client.get("/")
    assert response.cookies["csrftoken"].value not in ("", "not a token")


def test_a_new_build_is_served_without_a_restart(client, built_app):
    client.get("/productions/1/board")
    built_app.write_text(BUILT_PAGE.replace("abc123", "def456"))

    assert "index-def456.js" in client.get("/productions/1/board").content.decode()


def test_deep_link_says_how_to_build_the_app_until_it_is_built(client, unbuilt_app):
    response = client.get("/productions/1/board")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "make frontend" in response.content.decode()
    assert response.cookies["csrftoken"].value
    assert "no-store" in response["Cache-Control"]


def test_pages_only_answer_get_and_head(client, built_app):
    assert client.head("/productions/1/board").status_code == 200
    assert client.post("/productions/1/board").status_code == 405


@pytest.mark.parametrize("path", ["/api/nonexistent/", "/api/productions/1/nothing-here/", "/api/events/extra/"])
def test_an_unknown_api_url_is_a_json_404_not_the_app(client, built_app, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": "Not found.", "code": "not_found", "extra": {}}


def test_api_admin_and_static_keep_their_own_urls(client, built_app):
    assert client.get("/api/health/").json() == {"ok": True}
    assert client.get("/api/scenes").status_code == 301  # APPEND_SLASH still redirects API URLs
    assert client.get("/admin").status_code == 301
    assert client.get("/admin/login/").status_code == 200
    assert BUILT_PAGE not in client.get("/admin/login/").content.decode()
    missing_static = client.get("/static/app/assets/missing.js")
    assert missing_static.status_code == 404
    assert BUILT_PAGE not in missing_static.content.decode()
    assert client.get("/ws/").status_code == 404


PRELOADS = {"pages": [
    {"path": "/productions/:productionId/board", "modules": ["/static/app/assets/Board-1.js", "/static/app/assets/daily-board-2.js"],
     "styles": ["/static/app/assets/Board-1.css", "https://elsewhere.example/x.css", '/static/app/assets/"><script>.css']},
    {"path": "/productions/:productionId/scenes/:sceneId", "modules": ["/static/app/assets/ScenePage-3.js"]},
    {"path": "/productions/:productionId", "modules": ["/static/app/assets/Dashboard-4.js", "https://elsewhere.example/x.js"]},
]}


def modulepreloads(response) -> list[str]:
    """The URLs of the page's `<link rel="modulepreload">` tags, in order."""
    return re.findall(r'<link rel="modulepreload" crossorigin href="([^"]+)">', response.content.decode())


@pytest.fixture
def built_app_with_preloads(built_app):
    """The build with the daily pages' table (frontend/config/dailyPagesChunks.ts writes page-preloads.json)."""
    (built_app.parent / "page-preloads.json").write_text(json.dumps(PRELOADS))
    return built_app


def test_the_daily_pages_name_their_own_code_in_the_page_and_other_pages_do_not(client, built_app_with_preloads):
    board = client.get("/productions/1/board")
    assert modulepreloads(board) == ["/static/app/assets/Board-1.js", "/static/app/assets/daily-board-2.js"]
    assert board.content.decode().index("modulepreload") < board.content.decode().index("</head>")
    assert modulepreloads(client.get("/productions/12/scenes/7/")) == ["/static/app/assets/ScenePage-3.js"]
    # the dashboard's table also names a URL off the site: only the app's own static files are named
    assert modulepreloads(client.get("/productions/12")) == ["/static/app/assets/Dashboard-4.js"]
    for path in ["/signin", "/", "/productions/1/board/extra", "/productions/1/script", "/productions"]:
        response = client.get(path)
        assert response.status_code == 200
        assert modulepreloads(response) == [], path


def style_preloads(response) -> list[str]:
    """The URLs of the page's `<link rel="preload" as="style">` tags, in order."""
    return re.findall(r'<link rel="preload" as="style" crossorigin href="([^"]+)">', response.content.decode())


def test_the_daily_pages_name_their_stylesheets_to_be_fetched_beside_the_shell(client, built_app_with_preloads):
    board = client.get("/productions/1/board").content.decode()
    # only the app's own static files, escaped; as CORS requests, as Vite's loader asks for them (or they come twice)
    assert style_preloads(client.get("/productions/1/board")) == ["/static/app/assets/Board-1.css",
                                                                   "/static/app/assets/&quot;&gt;&lt;script&gt;.css"]
    assert "<script>.css" not in board
    assert board.index('rel="preload" as="style"') < board.index("</head>")
    # a table an older build wrote (no styles) names none
    assert style_preloads(client.get("/productions/12/scenes/7")) == []
    assert style_preloads(client.get("/productions/1/script")) == []


def test_each_daily_page_has_its_own_etag_and_is_revalidated_with_it(client, built_app_with_preloads):
    board = client.get("/productions/1/board")
    scene = client.get("/productions/1/scenes/2")
    assert board["ETag"] != scene["ETag"]
    again = client.get("/productions/7/board", HTTP_IF_NONE_MATCH=board["ETag"])
    assert again.status_code == 304


def test_a_table_it_cannot_read_leaves_the_page_as_built(client, built_app):
    (built_app.parent / "page-preloads.json").write_text('{"pages": [{"path": 3}]')  # cut short
    response = client.get("/productions/1/board")
    assert response.status_code == 200
    assert response.content.decode() == BUILT_PAGE


def test_the_page_is_sent_gzipped_to_a_browser_that_takes_it_and_still_revalidates(client, built_app):
    built_app.write_text(BUILT_PAGE.replace("</head>", "<style>" + ".a{color:red}" * 100 + "</style></head>"))
    answer = client.get("/productions/1/board", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert answer["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer["Vary"]
    assert gzip.decompress(answer.content).decode() == built_app.read_text()
    assert client.get("/productions/1/board", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304
    assert client.get("/productions/1/board").get("Content-Encoding") is None  # identity for a client that asks no coding
