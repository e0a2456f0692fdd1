"""Plain Django views: the browser app's pages and the JSON 404 of the API (health and readiness: `apps.core.health`)."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe


def spa_index_path() -> Path:
    """Where Vite builds the browser app's page: `<BASE_DIR>/static/app/index.html` (frontend/vite.config.ts)."""
    return Path(settings.BASE_DIR) / "static" / "app" / "index.html"


@require_safe
@never_cache
@ensure_csrf_cookie
def spa(request, *args, **kwargs):
    """The browser app (React) at `/` and at every deep link (`/productions/7/board`, `/signin`, `/invitations/<token>`…).

    Its `index.html` is read from disk on every request, so a new frontend build is live without a
    restart; the app's router then shows the page the path names. Sets the CSRF cookie the app sends
    back as `X-CSRFToken`, and is never cached (the page names the current build's hashed assets).
    Until the frontend is built the answer is a 503 page that says how to build it.
    """
    try:
        html = spa_index_path().read_bytes()
    except FileNotFoundError:
        return HttpResponse(
            "<!doctype html><title>Slate</title><h1>Slate</h1><p>The browser app is not built yet: run "
            "<code>make frontend</code> (or <code>make run</code>). The API is up at <a href=\"/api/docs/\">/api/docs/</a>.</p>",
            status=503, content_type="text/html; charset=utf-8",
        )
    return HttpResponse(html, content_type="text/html; charset=utf-8")


def not_found(request, exception=None):
    """404 for a URL nothing answers (`handler404`): Slate's JSON error under `/api/`, Django's page elsewhere.

    Only reached with DEBUG off (DEBUG shows Django's technical 404 page).
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Not found.", "code": "not_found", "extra": {}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500 for an exception Django caught outside a view (`handler500`, DEBUG off): Slate's JSON error under
    `/api/`, Django's page elsewhere. Exceptions inside API views are answered by `ApiServerErrorMiddleware`."""
    from apps.core.middleware import is_api, server_error_response

    return server_error_response() if is_api(request) else defaults.server_error(request)
