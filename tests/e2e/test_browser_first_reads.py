"""The daily pages' first reads come in the page (apps/core/first_reads.py), in a real Chromium against the running Slate.

Opening the board, a scene page or the dashboard, a signed-in member's browser asks the API nothing the page already
answered (who is signed in, the production, its scenes or the scene, the dashboard's jobs), and shows them; the page's
own stylesheets come from the page's preloads, once each. A change made by someone else after the page was made and
before the app ran reaches the page through the live stream, from the position the page carried: not lost, and not
fetched again.
Fixtures: `slate_app` and `chromium` (tests/e2e/conftest.py), `tabs` (tests/e2e/test_browser.py).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Request, expect

from tests.e2e.browser import DESKTOP, PAGE_MS, TIMEOUT_MS, Tab, api, board_column, scene_card, sign_in
from tests.e2e.conftest import SlateServer
from tests.e2e.test_browser import new_scene, tabs  # noqa: F401  (the signed-in tabs fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(240)]


def recording(tab: Tab) -> list[str]:
    """Every request the tab makes from now on, as 'METHOD path?query'."""
    seen: list[str] = []

    def note(request: Request) -> None:
        seen.append(f"{request.method} {re.sub(r'^https?://[^/]+', '', request.url)}")

    tab.page.on("request", note)
    return seen


def first_reads(slate: SlateServer, page: str, scene_id: int) -> list[str]:
    """The reads the server answers in each daily page (apps/core/first_reads.py), as the app would ask them; the
    unread count is asked again by design once the stream is joined (the user's notifications), so it is not here."""
    p = slate.production_id
    scenes = f"/api/scenes/?production={p}&ordering=script_order&page_size=500"
    own = {"board": [f"/api/productions/{p}/", scenes],
           "scene": [f"/api/productions/{p}/", f"/api/scenes/{scene_id}/"],
           "dashboard": [f"/api/productions/{p}/", scenes, f"/api/jobs/?production={p}&page_size=100"]}[page]
    return ["/api/auth/me/", *own]


def test_the_daily_pages_show_without_asking_what_the_page_answered(tabs, slate_app: SlateServer):
    alice = tabs("alice")
    scene = new_scene(alice, slate_app, "FIRST READS CAVE")
    p = slate_app.production_id
    pages = {
        "board": (f"/productions/{p}/board", alice.locator(f"{board_column('not_started')} {scene_card(scene['id'])}")),
        "scene": (f"/productions/{p}/scenes/{scene['id']}", alice.page.get_by_role("heading", level=1, name=re.compile("FIRST READS CAVE"))),
        "dashboard": (f"/productions/{p}", alice.page.get_by_role("heading", level=1, name="E2E Live")),
    }
    for name, (path, shown) in pages.items():
        seen = recording(alice)
        alice.goto(path)
        expect(shown).to_be_visible(timeout=PAGE_MS)
        alice.wait_live()
        alice.page.wait_for_load_state("networkidle", timeout=PAGE_MS)
        asked = [request.split(" ", 1)[1] for request in seen if request.startswith("GET /api/")]
        for url in first_reads(slate_app, name, scene["id"]):
            assert url not in asked, f"the {name} asked {url}, which its page answered: {asked}"
        styles = [request for request in seen if request.endswith(".css")]
        assert styles and len(styles) == len(set(styles)), f"the {name}'s stylesheets, each once: {styles}"
    alice.assert_healthy()


def test_a_change_made_before_the_app_ran_reaches_the_page_from_the_position_it_carried(tabs, chromium: Browser, slate_app: SlateServer):
    # Alice without the service worker, which would serve the shell from its precache, out of the page's routes' reach
    context = chromium.new_context(viewport=DESKTOP, base_url=slate_app.base_url, service_workers="block")
    alice = Tab.open(context, "alice", slate_app.base_url)
    tabs.opened.append(alice)  # closed, and kept on a failure, with the others
    sign_in(alice, slate_app.members["alice"])
    bob = tabs("bob")
    scene = new_scene(alice, slate_app, "HELD SHELL PASS")
    board = f"/productions/{slate_app.production_id}/board"
    scenes_url = f"/api/scenes/?production={slate_app.production_id}&ordering=script_order&page_size=500"

    # Alice's board page is made (its first reads inside, the scene not started), but its shell is held back …
    held = []
    alice.page.route(re.compile(r"/static/app/assets/index-[^/]+\.js$"), lambda route: held.append(route))
    seen = recording(alice)
    with alice.page.expect_request(re.compile(r"/static/app/assets/index-[^/]+\.js$"), timeout=PAGE_MS):
        alice.page.goto(slate_app.base_url + board, wait_until="commit")
    for _ in range(100):  # the route's handler runs as Playwright dispatches the interception: let it
        if held:
            break
        alice.page.wait_for_timeout(50)
    assert len(held) == 1
    # … while Bob, the director, moves the scene on
    api(bob, "PATCH", f"/api/scenes/{scene['id']}/", {"status": "in_progress", "version": scene["version"]})
    held[0].continue_()

    # The page shows Bob's change: the stream replayed it from the page's position; nothing was fetched again
    expect(alice.locator(f"{board_column('in_progress')} {scene_card(scene['id'])}")).to_be_visible(timeout=PAGE_MS)
    alice.wait_live()
    expect(alice.locator(f"{board_column('not_started')} {scene_card(scene['id'])}")).to_have_count(0)
    alice.page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    assert f"GET {scenes_url}" not in seen, seen
    alice.assert_healthy()
