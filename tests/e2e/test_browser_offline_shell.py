"""Installable and opens offline: the service worker and the kept query cache, in a real Chromium against the running Slate.

Alice, on a touch tablet (1024x768), opens the board and a scene page with a shot, a take and a continuity note. The
service worker (/sw.js, built by vite-plugin-pwa from frontend/src/pwa/sw.ts) controls the page and has precached
the app shell, and Chromium finds the app installable; the kept queries are in IndexedDB. The Wi-Fi drops (`context.set_offline(True)`): a reload of the scene
page opens it as it was, the board too (a client-side move and a deep-link reload), a page never opened before still
gets the app's shell, the take log reloads on its shot, and an /api/ URL is not answered with the shell. Back online the page is live again. The same
worker still shows a push (delivered through the DevTools protocol). Alice signs out: nothing of hers is left in
IndexedDB, and Olga (another production only) signing in on the same tablet keeps only her own data. Screenshots of
the offline reloads. Fixtures: `slate_app`, `chromium` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import json
import secrets

import pytest
from playwright.sync_api import Browser, Error as PlaywrightError, expect

from tests.e2e.browser import PAGE_MS, SCREENSHOTS, Tab, api, eventually, scene_card, sign_in, tid
from tests.e2e.conftest import SlateServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

TABLET = {"width": 1024, "height": 768}

# The kept cache's slot (frontend/src/pwa/persist.ts: DATABASE, the store "persisted", STORAGE_KEY).
READ_KEPT_CACHE = """() => new Promise((resolve, reject) => {
    const opening = indexedDB.open("slate-query-cache");
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
        const db = opening.result;
        if (!db.objectStoreNames.contains("persisted")) { db.close(); resolve(null); return; }
        const get = db.transaction("persisted").objectStore("persisted").get("queries");
        get.onsuccess = () => { db.close(); resolve(get.result ?? null); };
        get.onerror = () => reject(get.error);
    };
})"""

# How long the first visit may take to install the service worker: it precaches the whole shell (every page's chunks,
# ~2 MB) before it takes control; on a loaded two-core machine that took over PAGE_MS once.
SW_INSTALL_S = 60

SERVICE_WORKER_STATE = """async () => {
    const registration = await navigator.serviceWorker.getRegistration("/");
    return {controlled: !!navigator.serviceWorker.controller, active: registration?.active?.state ?? null,
            script: registration?.active?.scriptURL ?? null, scope: registration?.scope ?? null};
}"""


def kept_keys(tab: Tab) -> list[list] | None:
    """The query keys in the kept cache (IndexedDB), or None when the slot is empty."""
    text = tab.page.evaluate(READ_KEPT_CACHE)
    return [q["queryKey"] for q in json.loads(text)["clientState"]["queries"]] if text else None


def wait_until_kept(tab: Tab, *wanted: list) -> list[list]:
    """Wait for the throttled write (a second) that puts every key of `wanted` into IndexedDB."""
    seen: list = []

    def holding() -> list[list] | None:
        seen[:] = kept_keys(tab) or []
        return seen if all(w in seen for w in wanted) else None

    try:
        return eventually(holding, what=f"the kept cache holding {wanted}")
    except AssertionError as missing:
        raise AssertionError(f"{missing}; it holds {seen}") from None


@pytest.fixture
def tablet(request, chromium: Browser, slate_app: SlateServer):
    """A touch tablet's browser context (1024x768, has_touch), its own storage and service workers; no one signed in."""
    context = chromium.new_context(viewport=TABLET, has_touch=True, base_url=slate_app.base_url)
    tab = Tab.open(context, "tablet", slate_app.base_url)
    failed_before = request.session.testsfailed
    yield tab
    if request.session.testsfailed > failed_before:
        tab.save_failure(request.node.name)
    context.close()


def test_the_app_opens_offline_with_the_board_and_the_scene_as_they_were(tablet: Tab, slate_app: SlateServer):
    production = slate_app.production_id
    board = f"/productions/{production}/board"
    sign_in(tablet, slate_app.members["alice"], path=board)
    scene = api(tablet, "POST", "/api/scenes/", {
        "production": production, "number": f"OFF{secrets.token_hex(2).upper()}", "int_ext": "EXT", "location": "ROOFTOP",
        "time_of_day": "NIGHT", "synopsis": "Rain on the roof; Ana waits for the signal.", "page_eighths": 13}, expect_status=201)
    shot = api(tablet, "POST", "/api/shots/", {"scene": scene["id"], "type": "WS", "lens_mm": 24, "description": "Ana against the skyline"}, expect_status=201)
    take = api(tablet, "POST", "/api/takes/", {"shot": shot["id"], "circled": True, "notes": "Best light"}, expect_status=201)
    note = api(tablet, "POST", "/api/continuity-notes/", {"scene": scene["id"], "body": "Umbrella in her left hand, closed"}, expect_status=201)
    scene_page = f"/productions/{production}/scenes/{scene['id']}"

    # Online: the board, then the scene page by touch
    tablet.goto(board)
    expect(tablet.locator(scene_card(scene["id"]))).to_be_visible(timeout=PAGE_MS)
    tablet.locator(scene_card(scene["id"])).locator(tid("scene-link")).tap()
    expect(tablet.by_testid("scene-page")).to_have_attribute("data-scene-id", str(scene["id"]), timeout=PAGE_MS)
    expect(tablet.by_testid("take")).to_have_count(1, timeout=PAGE_MS)
    expect(tablet.by_testid("continuity-note")).to_contain_text(note["body"], timeout=PAGE_MS)
    # (each full page load restores what the last page kept: wait for its write before leaving it)
    wait_until_kept(tablet, ["me"], ["scenes", production], ["scene", scene["id"]], ["takes", scene["id"]])
    take_log = f"/productions/{production}/takes?scene={scene['id']}&shot={shot['id']}"
    tablet.goto(take_log)
    expect(tablet.locator(f'{tid("take-card")}[data-take-number="1"]')).to_be_visible(timeout=PAGE_MS)
    wait_until_kept(tablet, ["scenes", production], ["shots", scene["id"]], ["takes", scene["id"]])
    tablet.goto(scene_page)
    expect(tablet.by_testid("scene-page")).to_have_attribute("data-scene-id", str(scene["id"]), timeout=PAGE_MS)

    # The worker controls the page, its shell precached (it activates only once the precache is complete)
    eventually(lambda: tablet.page.evaluate(SERVICE_WORKER_STATE)["controlled"], timeout_s=SW_INSTALL_S, what="the service worker controlling the page")
    worker = tablet.page.evaluate(SERVICE_WORKER_STATE)
    assert worker == {"controlled": True, "active": "activated", "script": f"{slate_app.base_url}/sw.js", "scope": f"{slate_app.base_url}/"}, worker
    precached = tablet.page.evaluate("async () => { const names = await caches.keys(); const urls = []; for (const n of names) "
                                     "for (const r of await (await caches.open(n)).keys()) urls.push(new URL(r.url).pathname); return urls; }")
    assert "/static/app/index.html" in precached and any(u.startswith("/static/app/assets/index-") and u.endswith(".js") for u in precached), precached
    assert not [u for u in precached if u.startswith("/api/")], precached
    # Chromium itself finds nothing that stops it offering to install the app (manifest, icons, worker)
    cdp = tablet.page.context.new_cdp_session(tablet.page)
    # (but that a Playwright context is incognito, where Chromium never offers installation)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors] == ["in-incognito"], errors
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{slate_app.base_url}/static/app/manifest.webmanifest" and not manifest["errors"], manifest
    cdp.detach()
    kept = wait_until_kept(tablet, ["me"], ["scenes", production], ["scene", scene["id"]], ["shots", scene["id"]], ["takes", scene["id"]],
                           ["continuity-notes", scene["id"]])
    assert not [k for k in kept if k[0] in ("media", "jobs", "events", "notifications", "script-version")], kept

    # The Wi-Fi drops: a reload of the scene page opens it as it was
    tablet.page.context.set_offline(True)
    tablet.page.reload(wait_until="domcontentloaded")
    assert tablet.page.evaluate("navigator.onLine") is False
    expect(tablet.by_testid("scene-page")).to_have_attribute("data-scene-id", str(scene["id"]), timeout=PAGE_MS)
    expect(tablet.by_testid("synopsis")).to_contain_text("Rain on the roof")
    expect(tablet.by_testid("take")).to_have_count(1)
    expect(tablet.by_testid("continuity-note")).to_contain_text(note["body"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tablet.page.screenshot(path=str(SCREENSHOTS / "offline-scene-page-tablet.png"))

    # ... the board by touch, from the same cache
    tablet.by_testid("back-to-board").tap()
    expect(tablet.locator(scene_card(scene["id"]))).to_be_visible(timeout=PAGE_MS)

    # ... and a deep link loaded offline: the worker answers with the shell, the router shows the board
    tablet.goto(board)
    expect(tablet.locator(scene_card(scene["id"]))).to_be_visible(timeout=PAGE_MS)
    expect(tablet.locator(scene_card(scene["id"])).locator(tid("scene-slugline"))).to_contain_text("ROOFTOP")
    tablet.page.screenshot(path=str(SCREENSHOTS / "offline-board-tablet.png"))

    # ... and the take log, reloaded on the shot being rolled
    tablet.goto(take_log)
    expect(tablet.locator(f'{tid("take-card")}[data-take-number="1"]')).to_be_visible(timeout=PAGE_MS)
    tablet.page.screenshot(path=str(SCREENSHOTS / "offline-take-log-tablet.png"))

    # A page never opened still gets the shell (the app, not the browser's offline page); the API never does
    tablet.goto(f"/productions/{production}/call-sheets")
    expect(tablet.by_testid("user-menu")).to_be_visible(timeout=PAGE_MS)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        tablet.goto("/api/health/")

    # Back online: the page is live again and shows what changed meanwhile
    tablet.page.context.set_offline(False)
    api(tablet, "PATCH", f"/api/takes/{take['id']}/", {"notes": "Best light, keep", "version": take["version"]})
    tablet.goto(scene_page)
    tablet.wait_live()
    expect(tablet.by_testid("take-notes")).to_have_value("Best light, keep", timeout=PAGE_MS)
    tablet.assert_healthy()


def test_the_push_handlers_run_in_the_same_worker(tablet: Tab, slate_app: SlateServer):
    """A push delivered to the registered worker (DevTools' ServiceWorker.deliverPushMessage) shows its notification."""
    sign_in(tablet, slate_app.members["bob"])
    eventually(lambda: tablet.page.evaluate(SERVICE_WORKER_STATE)["active"] == "activated", timeout_s=PAGE_MS / 1000, what="the worker active")
    tablet.page.context.grant_permissions(["notifications"], origin=slate_app.base_url)
    cdp = tablet.page.context.new_cdp_session(tablet.page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")

    def live_registrations() -> list[dict]:
        """The scope's registrations whose latest DevTools state is not deleted, oldest id first."""
        tablet.page.evaluate("0")  # a call into the browser: Playwright's sync API delivers the DevTools events meanwhile
        latest = {r["registrationId"]: r for r in registrations}
        live = [r for r in latest.values() if r["scopeURL"] == f"{slate_app.base_url}/" and not r["isDeleted"]]
        return sorted(live, key=lambda r: int(r["registrationId"]))

    eventually(live_registrations, what="the worker's registration over DevTools")
    payload = {"title": "Call sheet published", "body": "Day 1: crew call 06:30", "url": f"/productions/{slate_app.production_id}/call-sheets",
               "tag": "callsheet-offline-test", "notification": 1}
    delivered_to: set[str] = set()

    def notifications() -> list[dict]:
        # The push goes to each registration of the scope DevTools reports, once. Once in a whole pass no notification
        # came when it went only to the first registration the events listed; the likeliest cause is a listed
        # registration that was not the live one. Not proven: a failure now prints what DevTools reported. The same
        # tag: one notification at most.
        for registration in live_registrations():
            if registration["registrationId"] not in delivered_to:
                delivered_to.add(registration["registrationId"])
                cdp.send("ServiceWorker.deliverPushMessage", {"origin": slate_app.base_url,
                         "registrationId": registration["registrationId"], "data": json.dumps(payload)})
        return tablet.page.evaluate("""async () => (await (await navigator.serviceWorker.getRegistration("/")).getNotifications())
        .map(n => ({title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data}))""")

    try:
        shown = eventually(notifications, what="the push's notification")
    except AssertionError as missing:
        raise AssertionError(f"{missing}; DevTools reported {registrations}; pushed to {sorted(delivered_to)}") from None
    assert shown == [{"title": "Call sheet published", "body": "Day 1: crew call 06:30", "tag": "callsheet-offline-test",
                      "icon": f"{slate_app.base_url}/static/app/icon-192.png",
                      "data": {"url": payload["url"], "notification": 1}}], shown


def test_sign_out_leaves_nothing_and_the_next_person_keeps_only_their_own(tablet: Tab, slate_app: SlateServer):
    production = slate_app.production_id
    board = f"/productions/{production}/board"
    sign_in(tablet, slate_app.members["alice"], path=board)
    expect(tablet.by_testid("board")).to_be_visible(timeout=PAGE_MS)
    wait_until_kept(tablet, ["me"], ["scenes", production])

    tablet.by_testid("user-menu").tap()
    tablet.page.get_by_role("menuitem", name="Sign out").tap()
    expect(tablet.page).to_have_url(f"{slate_app.base_url}/signin", timeout=PAGE_MS)
    eventually(lambda: kept_keys(tablet) is None, what="the kept cache emptied on sign-out")

    # Olga, on another production only, signs in on the same tablet
    sign_in(tablet, slate_app.members["outsider"])
    expect(tablet.by_testid("user-menu")).to_be_visible(timeout=PAGE_MS)
    kept = wait_until_kept(tablet, ["me"], ["productions"])
    assert not [k for k in kept if len(k) > 1 and k[1] == production], kept
    me = json.loads(tablet.page.evaluate(READ_KEPT_CACHE))["clientState"]["queries"]
    assert next(q for q in me if q["queryKey"] == ["me"])["state"]["data"]["id"] == slate_app.members["outsider"].id
    productions = next(q for q in me if q["queryKey"] == ["productions"])["state"]["data"]
    assert production not in [p["id"] for p in productions], productions
