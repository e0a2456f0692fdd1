"""The daily pages' first reads, answered in the page the server sends (issue 16; docs/performance.md, "Sixth pass").

Opening the scene board, a scene or the dashboard, the browser app asks the API the same few things before it can show
anything: who is signed in, the production, its scenes (or the scene), the bell's unread count, the dashboard's jobs.
Asked by the app, each waits for the shell's code to have arrived and run, then costs a round trip: on a tablet's slow
link the longest wait before the page's first content after the code itself. For a signed-in user the server answers
them while it makes the page, by calling the API's own views with the user's session (same permissions, same
serializers, same answers), and writes the answers into the page as JSON:

    <script id="slate-first-reads" type="application/json">
      {"reads": [{"url": "/api/productions/1/", "position": 41, "body": {…}}, …]}
    </script>

`url` is exactly the path and query the app asks (frontend/src/api/firstReads.ts takes each answer once, in place of
the request); `position` is the production's stream position read before the answer, as `Slate-Stream-Seq` gives it
(apps/realtime/positions.py), so the live stream resumes from there and nothing that changed in between is lost;
`body` is the API's JSON. Only 200 answers are written (a production the user is not on answers 404, and the page
then says nothing about it); an answer over FIRST_READ_MAX_BYTES, or a read that fails, is left for the app to ask.
The element is Django's `json_script` (`<`, `>` and `&` escaped), so no answer can end it.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils.html import json_script

log = logging.getLogger(__name__)

#: The element's id, which the app reads (frontend/src/api/firstReads.ts).
ELEMENT_ID = "slate-first-reads"

#: An answer larger than this (bytes of JSON) is left for the app to ask: the page would wait for it.
FIRST_READ_MAX_BYTES = 512 * 1024

#: Asked on every daily page: who is signed in (main.tsx, askWhoIsSignedIn) and the bell's count (the frame).
EVERY_PAGE = ("/api/auth/me/", "/api/notifications/unread-count/")

#: The daily pages' own first reads, by route (frontend/src/App.tsx, FIRST_QUERIES; the dashboard's jobs card), with
#: `{production}` and `{scene}` the route's ids. tests/e2e/test_browser_first_reads.py checks the app then asks none of them.
PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"/productions/(?P<production>\d{1,15})/board", (
        "/api/productions/{production}/",
        "/api/scenes/?production={production}&ordering=script_order&page_size=500",
    )),
    (r"/productions/(?P<production>\d{1,15})/scenes/(?P<scene>\d{1,15})", (
        "/api/productions/{production}/",
        "/api/scenes/{scene}/",
    )),
    (r"/productions/(?P<production>\d{1,15})", (
        "/api/productions/{production}/",
        "/api/scenes/?production={production}&ordering=script_order&page_size=500",
        "/api/jobs/?production={production}&page_size=100",
    )),
)
_ROUTES = tuple((re.compile(f"^{pattern}/?$"), urls) for pattern, urls in PAGES)

#: Request headers not passed on to the inner reads (they were about the page, not about the API's answers).
_PAGE_ONLY_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_ACCEPT_ENCODING", "CONTENT_TYPE", "CONTENT_LENGTH")


#: Where a production's stream stands for a user: `(user=, production_id=) -> int | None` (None: not a member). core
#: sits below realtime, which registers it (apps/realtime/apps.py: `apps.realtime.positions.stream_position`).
_stream_position: Callable[..., int | None] | None = None


def register_stream_position(read: Callable[..., int | None]) -> None:
    """Use `read(user=, production_id=)` for the answers' position. Unregistered, positions are null: the app then
    fetches again once its stream is joined, as for a read without one."""
    global _stream_position
    _stream_position = read


def stream_position(*, user, production_id: int) -> int | None:
    """The registered reader's position for `user` on production `production_id`, None when none is registered."""
    return _stream_position(user=user, production_id=production_id) if _stream_position is not None else None


class _InnerRequest(HttpRequest):
    """A GET made inside the page's request: the page's scheme (links an answer builds, like a list's `next`, are
    https behind TLS as the app's own request's would be), the rest set by `_read`."""

    def __init__(self, scheme: str):
        super().__init__()
        self._scheme = scheme

    def _get_scheme(self) -> str:
        return self._scheme


@dataclass(frozen=True)
class FirstRead:
    """One answer for the page: the URL the app asks, the stream position before it (None: no production, or not a
    member), and the API's JSON body as sent (bytes)."""

    url: str
    position: int | None
    body: bytes


def page_reads(request_path: str) -> tuple[int, tuple[str, ...]] | None:
    """The production id and the URLs the page at `request_path` reads first, or None for a page that is not a daily
    page. Ids are written as integers (`/productions/01/board` reads `/api/productions/1/`, as the app does)."""
    for route, urls in _ROUTES:
        match = route.match(request_path)
        if match:
            ids = {name: int(value) for name, value in match.groupdict().items()}
            return ids["production"], EVERY_PAGE + tuple(url.format(**ids) for url in urls)
    return None


def first_reads(request: HttpRequest) -> list[FirstRead]:
    """The daily page's first reads for `request`'s user (Django's `request.user`, from the session), each answered by
    the API's view as a GET from that user would be; [] for anyone not signed in and for other pages. Never raises:
    a read that fails is logged and left out, and when the session or the stream's position cannot be read (the
    database is down) there are none: the page is still sent, and the app asks for itself."""
    wanted = page_reads(request.path)
    if wanted is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []  # without a session cookie nobody is signed in: the session is not looked at (no `Vary: Cookie`)
    production, urls = wanted
    try:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        # As StreamPositionMiddleware does for each read: the position first, then the data. One position read before
        # all of them is a lower bound for each (everything up to it is in every answer).
        position = stream_position(user=user, production_id=production)
    except Exception:  # noqa: BLE001 — the page is still sent without them
        log.warning("first reads for the page %s: who is signed in or the stream's position could not be read", request.path, exc_info=True)
        return []
    reads = []
    for url in urls:
        try:
            read = _read(request, url, position)
        except Exception:  # noqa: BLE001 — the page is still sent; the app asks this one itself
            log.warning("first read %s for the page %s failed", url, request.path, exc_info=True)
            continue
        if read is not None:
            reads.append(read)
    return reads


def _read(request: HttpRequest, url: str, position: int | None) -> FirstRead | None:
    """GET `url` through its API view as `request`'s user; the answer when it is a 200 JSON body within the limit."""
    path, _, query = url.partition("?")
    try:
        match = resolve(path)
    except Resolver404:
        log.warning("first read %s: no view answers it", url)
        return None
    inner = _InnerRequest(request.scheme)
    inner.method = "GET"
    inner.path = inner.path_info = path
    inner.META = {key: value for key, value in request.META.items() if key not in _PAGE_ONLY_HEADERS}
    inner.META.update(REQUEST_METHOD="GET", PATH_INFO=path, QUERY_STRING=query, HTTP_ACCEPT="application/json")
    inner.GET = QueryDict(query)
    inner.COOKIES = request.COOKIES
    inner.session = request.session
    inner.user = request.user
    inner.resolver_match = match
    response = match.func(inner, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("application/json"):
        return None
    body = bytes(response.content)
    if len(body) > FIRST_READ_MAX_BYTES:
        return None
    return FirstRead(url=url, position=position, body=body)


def first_reads_element(reads: list[FirstRead]) -> str:
    """The `<script type="application/json">` element carrying `reads` (shape in the module's docstring), "" for none:
    Django's `json_script`, which escapes `<`, `>` and `&` so no answer can end the element."""
    if not reads:
        return ""
    return json_script({"reads": [{"url": read.url, "position": read.position, "body": json.loads(read.body)} for read in reads]},
                       ELEMENT_ID)
