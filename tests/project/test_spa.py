"""The browser app's pages: Django answers `/` and every deep link with the built React app's index.html."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BUILT_PAGE = '<!doctype html><html><head><script type="module" src="/static/app/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>'
DEEP_LINKS = ["/", "/productions/1/board", "/productions/12/scenes/7", "/signin", "/register",
              "/verify-email?uid=MQ&token=abc-123", "/invitations/Zm9vYmFyYmF6cXV4LXRva2VuLWV4YW1wbGU", "/forgot-password",
              "/reset-password?uid=MQ&token=abc-123", "/settings/account"]


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """`{% static %}` without a collectstatic manifest (the admin uses it)."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def built_app(settings, tmp_path):
    """A frontend build under a temporary BASE_DIR: `<tmp>/static/app/index.html`."""
    settings.BASE_DIR = tmp_path
    index = tmp_path / "static" / "app" / "index.html"
    index.parent.mkdir(parents=True)
    index.write_text(BUILT_PAGE)
    return index


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
