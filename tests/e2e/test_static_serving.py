"""The built browser app as a real web process serves it: compressed, cacheable, and no cookie where none is needed.

Two servers, each with the frontend build of static/app/ (`built_app`): the session's Slate as in
production (DEBUG off, collectstatic into STATIC_ROOT, as the Dockerfile does) and one started as
`make run` starts it (DEBUG on: WhiteNoise serves static/ itself through the finders). On both:

- the app's page (every deep link) is revalidated, not `no-store`: `no-cache` with an ETag and a 304
  while the build is the same, so browsers may keep it in their back/forward cache; it sets the CSRF
  cookie for a browser that has none and no cookie at all for one that has it;
- every chunk and stylesheet index.html names, and the lazily loaded pages' chunks (Vite's manifest),
  come gzip- or Brotli-compressed by Accept-Encoding (the same bytes once decompressed), with
  `Vary: Accept-Encoding`, cached for a year and immutable (their names carry their content's hash);
- the service worker (/sw.js) and the not-hashed files (the web app manifest) are never cached long.

Was (issue 16): `make run` sent the 1.4 MB bundle uncompressed with `max-age=0`, the page `no-store`
and a Set-Cookie on every load.
"""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, Http, SlateServer, serve, serve_built_app

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

APP = REPO / "static" / "app"
YEAR_S = 365 * 24 * 3600


class MakeRunServer(SlateServer):
    """`SlateServer` configured as `make run` runs the web process: DEBUG on (static files from static/ by the finders)."""

    def _environment(self) -> dict[str, str]:
        return {**super()._environment(), "DEBUG": "true"}


@pytest.fixture(scope="module")
def make_run(request, built_app: Path):
    yield from serve(request, MakeRunServer())


@pytest.fixture(params=["production", "make run"])
def server(request, built_app: Path) -> SlateServer:
    """Each of the two servers in turn."""
    if request.param == "production":
        slate = request.getfixturevalue("slate")
        serve_built_app(slate)
        return slate
    return request.getfixturevalue("make_run")


def named_assets() -> list[str]:
    """The URLs of the scripts and stylesheets static/app/index.html names (the entry and what it preloads)."""
    assets = re.findall(r'(?:src|href)="(/static/app/assets/[^"]+\.(?:js|css))"', (APP / "index.html").read_text())
    assert assets, "static/app/index.html names no /static/app/assets/ scripts"
    return assets


def lazy_chunks() -> list[str]:
    """The URLs of the chunks of the pages loaded on first use (the entry's dynamic imports in Vite's manifest)."""
    manifest = json.loads((APP / ".vite" / "manifest.json").read_text())
    entry = next(chunk for chunk in manifest.values() if chunk.get("isEntry"))
    chunks = [f"/static/app/{manifest[key]['file']}" for key in entry.get("dynamicImports", [])]
    assert len(chunks) >= 10, f"the build has {len(chunks)} lazily loaded chunks: is the app split by route (src/App.tsx)?"
    return chunks


def built_bytes(url: str) -> bytes:
    return (APP / url.removeprefix("/static/app/")).read_bytes()


def test_the_apps_page_is_revalidated_with_an_etag_and_sets_a_cookie_only_for_a_browser_without_one(server: SlateServer):
    browser = Http(server.base_url)
    first = browser.request("GET", "/productions/1/board", headers={"Accept": "text/html"})
    assert first.status == 200
    assert first.headers["Cache-Control"] == "no-cache"  # not no-store: the back/forward cache may keep the page
    etag = first.headers["ETag"]
    assert etag and "csrftoken" in browser.cookies

    # the same page for every production's board (the board's code named in it: test_the_daily_pages_name_their_code)
    again = browser.request("GET", "/productions/7/board", headers={"Accept": "text/html"})
    assert again.status == 200 and again.body == first.body
    assert again.headers["ETag"] == etag
    assert again.headers.get_all("Set-Cookie") is None

    revalidated = browser.request("GET", "/productions/1/board", headers={"Accept": "text/html", "If-None-Match": etag})
    assert revalidated.status == 304 and revalidated.body == b""
    assert revalidated.headers.get_all("Set-Cookie") is None


def test_the_daily_pages_name_their_code_in_the_page_and_it_is_served(server: SlateServer):
    """The board, a scene and the dashboard: the page names their chunks (`<link rel="modulepreload">`, from the build's
    page-preloads.json) after what index.html names itself, and their stylesheets (`<link rel="preload" as="style">`),
    each a file of this build that the server sends; another page names only what index.html does."""
    preloads = re.compile(r'<link rel="modulepreload" crossorigin href="([^"]+)">')
    style_preloads = re.compile(r'<link rel="preload" as="style" crossorigin href="([^"]+)">')
    browser = Http(server.base_url)
    built = preloads.findall((APP / "index.html").read_text())
    table = json.loads((APP / "page-preloads.json").read_text())
    assert [page["path"] for page in table["pages"]] == [
        "/productions/:productionId/board", "/productions/:productionId/scenes/:sceneId", "/productions/:productionId"]
    for path, page in zip(["/productions/1/board", "/productions/1/scenes/3", "/productions/1"], table["pages"]):
        html = browser.request("GET", path, headers={"Accept": "text/html"}).body.decode()
        assert page["modules"] and preloads.findall(html) == built + page["modules"], path
        assert page["styles"] and style_preloads.findall(html) == page["styles"], path
        for url in page["modules"] + page["styles"]:
            assert browser.request("GET", url, headers={"Accept": "*/*"}).status == 200, url
    other = browser.request("GET", "/productions/1/script", headers={"Accept": "text/html"}).body.decode()
    assert preloads.findall(other) == built and style_preloads.findall(other) == []


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_apps_scripts_and_stylesheets_come_compressed_and_immutable(server: SlateServer, encoding: str):
    browser = Http(server.base_url)
    accept = "br, gzip, deflate" if encoding == "br" else "gzip, deflate"  # Chromium's, over HTTPS and over HTTP
    for url in named_assets() + lazy_chunks():
        answer = browser.request("GET", url, headers={"Accept": "*/*", "Accept-Encoding": accept})
        assert answer.status == 200, url
        if len(built_bytes(url)) >= 1024:  # the build leaves smaller files as they are (vite.config.ts, precompress)
            assert answer.headers["Content-Encoding"] == encoding, url
            if encoding == "gzip":
                assert gzip.decompress(answer.body) == built_bytes(url), url
            assert len(answer.body) < len(built_bytes(url)), url
            assert "Accept-Encoding" in answer.headers["Vary"], url
        cache = answer.headers["Cache-Control"]
        assert "immutable" in cache and "public" in cache, (url, cache)
        assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= YEAR_S, (url, cache)
        assert answer.headers.get_all("Set-Cookie") is None, url


def test_a_browser_that_takes_no_compression_gets_the_files_as_built(server: SlateServer):
    url = named_assets()[0]
    answer = Http(server.base_url).request("GET", url, headers={"Accept": "*/*", "Accept-Encoding": "identity"})

    assert answer.status == 200
    assert answer.headers.get("Content-Encoding") in (None, "identity")
    assert answer.body == built_bytes(url)


def test_the_service_worker_and_the_files_without_a_hash_are_not_cached_long(server: SlateServer):
    browser = Http(server.base_url)
    worker = browser.request("GET", "/sw.js", headers={"Accept": "*/*"})
    assert worker.status == 200
    assert "no-cache" in worker.headers["Cache-Control"] or "max-age=0" in worker.headers["Cache-Control"]

    manifest = browser.request("GET", "/static/app/manifest.webmanifest", headers={"Accept": "*/*"})
    assert manifest.status == 200
    assert "immutable" not in manifest.headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", manifest.headers["Cache-Control"]).group(1)) <= 3600
