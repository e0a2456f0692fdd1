"""Back and forward: the board comes back from Chromium's back/forward cache, still live, and asks again who is signed in.

Was (issue 16): the app's page was `Cache-Control: no-store` (and set a cookie on every load), so Back
always loaded the whole app again. Now the page is `no-cache` with an ETag; leaving it for another
page of the site and coming Back shows the same document again at once (`pageshow` with `persisted`),
which then asks the server who is signed in and refetches what it shows (main.tsx), and its live
stream reconnects: a change another member makes afterwards reaches it without a reload.

Playwright starts Chromium with `--disable-back-forward-cache`; this module's browser goes without it.
"""
from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, PAGE_MS, TIMEOUT_MS, Tab, api, board_column, open_member, scene_card
from tests.e2e.conftest import SlateServer, serve_built_app

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def chromium_with_bfcache():
    """The OS's Chromium, headless, with its back/forward cache on (as in a person's browser)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                             ignore_default_args=["--disable-back-forward-cache"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def alice(request, chromium_with_bfcache: Browser, slate_app: SlateServer):
    """Alice signed in (through /signin) in that browser; her page's screenshot and HTML are kept when the test fails."""
    serve_built_app(slate_app)
    failed_before = request.session.testsfailed
    tab = open_member(chromium_with_bfcache, slate_app, "alice")
    yield tab
    if request.session.testsfailed > failed_before:
        tab.save_failure(request.node.name)
    tab.page.context.close()


def test_back_to_the_board_restores_it_from_the_back_forward_cache_live_and_checked(alice: Tab, slate_app: SlateServer):
    scene = api(alice, "POST", "/api/scenes/", {"production": slate_app.production_id, "number": f"BF{secrets.token_hex(3).upper()}",
                                                "location": "LIGHTHOUSE"}, expect_status=201)
    alice.goto(f"/productions/{slate_app.production_id}/board")
    expect(alice.locator(f"{board_column('not_started')} {scene_card(scene['id'])}")).to_be_visible(timeout=PAGE_MS)
    alice.wait_live()
    # Settled before leaving: a fetch still in flight (joining the stream asks the unread count again) can keep a page
    # out of Chromium's back/forward cache ("outstanding-network-request-fetch"), as it would a person's; the PostgreSQL
    # pass once loaded the board anew (the reason was not recorded then: it is now, below)
    alice.page.wait_for_load_state("networkidle", timeout=PAGE_MS)
    mark = alice.mark_document()
    alice.page.evaluate("() => { window.__shown = []; addEventListener('pageshow', (e) => window.__shown.push(e.persisted)); }")

    # Alice opens another page of the site (a whole new document), then goes Back
    alice.page.goto(f"{slate_app.base_url}/robots.txt", wait_until="load")
    with alice.page.expect_request(lambda request: request.url.endswith("/api/auth/me/"), timeout=TIMEOUT_MS):
        alice.page.go_back(wait_until="commit")

    # The same document is shown again (not loaded anew), and it asked who is signed in; if not, Chromium says why
    # (PerformanceNavigationTiming.notRestoredReasons)
    if alice.page.evaluate("() => window.__slateTestMark") != mark:
        reasons = alice.page.evaluate("() => JSON.stringify(performance.getEntriesByType('navigation')[0]?.notRestoredReasons ?? null)")
        pytest.fail(f"the board was loaded anew, not restored from the back/forward cache; Chromium's reasons: {reasons}")
    alice.assert_same_document(mark)
    assert alice.page.evaluate("() => window.__shown") == [True]
    expect(alice.locator(f"{board_column('not_started')} {scene_card(scene['id'])}")).to_be_visible()
    alice.wait_live()

    # and it is live: a change made now reaches it without a reload
    api(alice, "PATCH", f"/api/scenes/{scene['id']}/", {"status": "in_progress", "version": scene["version"]})
    expect(alice.locator(f"{board_column('in_progress')} {scene_card(scene['id'])}")).to_be_visible(timeout=TIMEOUT_MS)
    alice.assert_same_document(mark)
    alice.assert_healthy()
