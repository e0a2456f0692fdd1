"""Security headers on every response (issue 18): Content-Security-Policy (django-csp), Permissions-Policy
(django-permissions-policy) and Referrer-Policy (Django's SecurityMiddleware), through the real middleware stack."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_urls(settings):
    """Static URLs without collectstatic's manifest (the admin's and the docs' pages name their files)."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def directives(header: str) -> dict[str, list[str]]:
    """`"default-src 'self'; img-src 'self' data:"` → `{"default-src": ["'self'"], "img-src": ["'self'", "data:"]}`
    (CSP Level 3, section 2.2.1: directives separated by ";", name then space-separated values)."""
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize("path", ["/", "/productions/7/board", "/admin/login/", "/api/health/", "/robots.txt"])
def test_every_response_carries_the_three_policies(client, path):
    response = client.get(path)

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]            # no inline script, no eval, nothing from elsewhere
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]           # the API and the same host's WebSocket
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_docs_serve_their_starter_script_as_a_file(client):
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert '<script src="/api/docs/?script="></script>' in page
    assert "<script>" not in page                         # an inline one would be refused under script-src 'self'
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_the_redoc_page_loads_nothing_from_elsewhere(client):
    page = client.get("/api/redoc/").content.decode()

    assert "googleapis" not in page and "https://" not in page   # its fonts would be refused under style-src 'self'
    assert '<redoc spec-url="/api/schema/"></redoc>' in page
