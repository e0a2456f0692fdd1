"""Plain Django views: the browser app's pages and the JSON 404 of the API (health and readiness: `apps.core.health`)."""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from html import escape
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views import defaults
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from apps.core.csrf import ensure_csrf_cookie_once
from apps.core.first_reads import first_reads, first_reads_element


def spa_index_path() -> Path:
    """Where Vite builds the browser app's page: `<BASE_DIR>/static/app/index.html` (frontend/vite.config.ts)."""
    return Path(settings.BASE_DIR) / "static" / "app" / "index.html"


def page_preloads_path() -> Path:
    """The build's table of the daily pages' code (frontend/config/dailyPagesChunks.ts, `pagePreloads`)."""
    return spa_index_path().with_name("page-preloads.json")


@lru_cache(maxsize=4)
def _page_preloads(path: Path, mtime_ns: int) -> tuple[tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]], ...]:
    """The table at `path` as (route regex, module URLs, stylesheet URLs) triples; read once per build (its mtime is in
    the cache key). A table without `styles` (an older build) names no stylesheets."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
        pages = [
            (str(page["path"]), tuple(str(url) for url in page["modules"]), tuple(str(url) for url in page.get("styles", ())))
            for page in table["pages"]
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ()  # no table, or not one this code reads: the page loads its code after the shell, as before
    return tuple((route_regex(pattern), modules, styles) for pattern, modules, styles in pages)


def route_regex(pattern: str) -> re.Pattern[str]:
    """A React Router path (`/productions/:productionId/board`) as a regex of the paths it matches: each `:param` one
    path segment, an optional trailing slash (https://reactrouter.com/start/library/routing#dynamic-segments)."""
    return re.compile("^" + re.sub(r":[A-Za-z_]\w*", "[^/]+", re.escape(pattern)) + "/?$")


def page_preload_links(request_path: str) -> str:
    """`<link rel="modulepreload">` tags for the code of the page at `request_path` when it is a daily page (the scene
    board, a scene, the dashboard), and `<link rel="preload" as="style">` tags for its stylesheets, else "". The browser
    then fetches them beside the shell's code instead of once the shell has run (docs/performance.md, "Fifth pass" and
    "Sixth pass"); Vite's loader, when the shell asks for the page, finds them fetched. The style preloads are CORS
    (`crossorigin`) as the loader's stylesheet links are, or the browser would fetch them twice
    (https://html.spec.whatwg.org/multipage/links.html#link-type-preload). Only URLs of the app's static files are
    used, HTML-escaped."""
    table_path = page_preloads_path()
    try:
        mtime = table_path.stat().st_mtime_ns
    except OSError:
        return ""
    for route, modules, styles in _page_preloads(table_path, mtime):
        if route.match(request_path):
            return "".join(
                [f'<link rel="modulepreload" crossorigin href="{escape(url)}">' for url in modules if url.startswith("/static/")]
                + [f'<link rel="preload" as="style" crossorigin href="{escape(url)}">' for url in styles if url.startswith("/static/")]
            )
    return ""


@require_safe
@gzip_page
def spa(request, *args, **kwargs):
    """The browser app (React) at `/` and at every deep link (`/productions/7/board`, `/signin`, `/invitations/<token>`…).

    Its `index.html` is read from disk on every request, so a new frontend build is live without a restart; the app's
    router then shows the page the path names. The page names the current build's hashed assets, so browsers keep it
    but ask again each time (`Cache-Control: no-cache` with an `ETag` of its bytes: a 304 while the build and what the
    page carries are the same). The scene board, a scene page and the dashboard also name their own code in it
    (`page_preload_links`) and, for a signed-in user, carry the answers to their first API reads
    (apps/core/first_reads.py; the page is then `private`). Not `no-store`, which keeps a page out of the browsers'
    back/forward cache: a page shown again from that cache asks the API again (frontend/src/main.tsx). Sets the CSRF
    cookie the app sends back as `X-CSRFToken` when the browser has none (`ensure_csrf_cookie_once`). The page carries
    the shell's stylesheet (60 KB: frontend/vite.config.ts, `inlineEntryCss`), so it is sent gzipped to a browser that
    takes it (Django's `gzip_page`; the page holds no secret token for BREACH to find: the CSRF token is in the cookie,
    and the first reads are what the user's own API reads answer). Until the frontend is built the answer is a 503 page that says how to
    build it (never cached).
    """
    ensure_csrf_cookie_once(request)
    try:
        html = spa_index_path().read_bytes()
    except FileNotFoundError:
        response = HttpResponse(
            "<!doctype html><title>Slate</title><h1>Slate</h1><p>The browser app is not built yet: run "
            "<code>make frontend</code> (or <code>make run</code>). The API is up at <a href=\"/api/docs/\">/api/docs/</a>.</p>",
            status=503, content_type="text/html; charset=utf-8",
        )
        add_never_cache_headers(response)
        return response
    links = page_preload_links(request.path)
    if links:
        html = html.replace(b"</head>", links.encode() + b"</head>", 1)
    reads = first_reads_element(first_reads(request))
    if reads:
        html = html.replace(b"</body>", reads.encode() + b"</body>", 1)
    etag = quote_etag(hashlib.sha256(html).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag) or HttpResponse(html, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    # With the user's first reads in it the page is theirs: kept by their browser only (RFC 9111, 5.2.2.7); reading the
    # session made the session middleware add `Vary: Cookie`.
    if reads:
        patch_cache_control(response, no_cache=True, private=True)
    else:
        patch_cache_control(response, no_cache=True)
    return response


#: Slate is a private workspace: nothing in it is for search engines (the sign-in page included).
ROBOTS_TXT = "User-agent: *\nDisallow: /\n"


@require_safe
def favicon(request):
    """`/favicon.ico`, which browsers and crawlers ask for by themselves: a permanent redirect to the app's 32×32 PNG
    icon (frontend/public/favicon-32.png, built into static/app/; under its hashed, long-cached name in production).

    404 until the frontend is built and collected (the icon has no URL yet).
    """
    try:
        return HttpResponsePermanentRedirect(static("app/favicon-32.png"))
    except ValueError:  # ManifestStaticFilesStorage: not collected yet
        raise Http404("The app's icon is not built yet.") from None


@require_safe
def robots_txt(request):
    """`/robots.txt`: crawlers keep out of everything (`ROBOTS_TXT`), as text/plain."""
    response = HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


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
