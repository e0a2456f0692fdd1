"""On set, offline (issue 15): what a tablet does while the Wi-Fi is down is kept, sent once, and seen by the others.

Alice on a touch tablet (1024x768) has the scene page and the take log open while Bob, on his own tablet, watches the
same scene and shot. The Wi-Fi drops (`context.set_offline(True)`) and Alice reloads: the app opens from what the
service worker and the kept query cache hold, with the offline banner. She writes five continuity notes (two with
photos, one over a megabyte) and, on the take log, taps three new takes, circles one of them and edits the notes of
the take shot before — which Bob has just changed himself. She reloads again: the twelve changes are still in the
outbox. Back online they go in order; the big photo's upload loses a chunk midway and goes on from where it was; the
third note's answer is lost because the web process stops right after saving it, and once it is started again that
note is sent again under its Idempotency-Key and answered from the first time. Every note, photo, take and change is
in the database exactly once, Bob sees each arrive without a reload, and Alice's stale edit of the take's notes opens
the conflict choice, where she keeps a merge of both texts. axe-core finds nothing critical or serious in the banner
and the outbox panel; screenshots of both and of the conflict choice at 1024x768.
Fixtures: `chromium` (tests/e2e/conftest.py), a Slate of this module's own (its web process is stopped and started).
"""
from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Route, expect

from tests.e2e.browser import PAGE_MS, SCREENSHOTS, Tab, axe_violations, eventually, jpeg, new_tab, sign_in, tid
from tests.e2e.conftest import SlateServer, serve, serve_built_app
from tests.e2e.test_browser_offline_shell import SERVICE_WORKER_STATE, SW_INSTALL_S, wait_until_kept

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(420)]

TABLET = {"width": 1024, "height": 768}
# Sending after the web process is back: the outbox's back-off (1 s doubling) and the socket's reconnect both retry.
REPLAY_MS = 90_000


@pytest.fixture(scope="module")
def offline_slate(request, built_app: Path):
    """This module's own running Slate (its web process is stopped halfway through the replay), serving the built app."""
    running = serve(request, SlateServer())
    server = next(running)
    try:
        serve_built_app(server)
        yield server
    finally:
        next(running, None)


@pytest.fixture
def tablets(request, chromium: Browser, offline_slate: SlateServer):
    """`tablets(key)`: a member signed in on a touch tablet context of their own (1024x768); failures keep screenshots."""
    opened: list[Tab] = []
    failed_before = request.session.testsfailed

    def open_tablet(key: str) -> Tab:
        context = chromium.new_context(viewport=TABLET, has_touch=True, base_url=offline_slate.base_url)
        tab = Tab.open(context, f"{key}-tablet", offline_slate.base_url)
        opened.append(tab)
        sign_in(tab, offline_slate.members[key])
        return tab

    yield open_tablet
    if request.session.testsfailed > failed_before:
        for tab in opened:
            tab.save_failure(request.node.name)
    for context in {id(t.page.context): t.page.context for t in opened}.values():
        context.close()


def card(tab: Tab, number: int):
    return tab.locator(f'{tid("take-card")}[data-take-number="{number}"]')


def settled(tab: Tab) -> None:
    """Wait until no CSS transition or animation runs (a drawer or dialog has finished sliding in) before a screenshot."""
    tab.page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')", timeout=PAGE_MS)


def noisy_jpeg(path: Path, size: tuple[int, int] = (1400, 1000)) -> Path:
    """A real JPEG of random pixels: over a megabyte, so it goes in more than one tus chunk (the outbox sends 1 MiB)."""
    import os

    from PIL import Image

    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path, format="JPEG", quality=92)
    assert path.stat().st_size > 1024 * 1024, path.stat().st_size
    return path


class ChunkCut:
    """Route handler for the tablet's tus requests: the first chunk sent from past the start of a file is dropped
    (the connection breaks mid-upload). Records each PATCH's upload URL and Upload-Offset."""

    def __init__(self):
        self.patches: list[tuple[str, int]] = []
        self.dropped: tuple[str, int] | None = None

    def __call__(self, route: Route) -> None:
        request = route.request
        if request.method == "PATCH":
            offset = int(request.headers.get("upload-offset", "0"))
            self.patches.append((request.url, offset))
            if offset > 0 and self.dropped is None:
                self.dropped = (request.url, offset)
                route.abort("connectionreset")
                return
        route.continue_()


class CutOff:
    """Route handler for the tablet's note POSTs: the `nth` is saved by the server, then the web process stops before
    the answer reaches the tablet (the request fails as a dropped connection). Records every POST's Idempotency-Key."""

    def __init__(self, slate: SlateServer, nth: int):
        self.slate, self.nth = slate, nth
        self.keys: list[str] = []
        self.cut_key: str | None = None
        self.saved_status: int | None = None

    def __call__(self, route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        key = route.request.headers.get("idempotency-key", "")
        self.keys.append(key)
        if len(self.keys) != self.nth:
            route.continue_()
            return
        answer = route.fetch()  # the server saves the note and answers…
        self.saved_status, self.cut_key = answer.status, key
        self.slate._stop(self.slate.web)  # …and its process stops before the answer is back
        route.abort("connectionreset")


def test_changes_made_offline_survive_reloads_arrive_once_and_are_seen_live(tablets, offline_slate: SlateServer, tmp_path: Path):
    slate = offline_slate
    production = slate.production_id
    owner = slate.session_client("alice")
    scene = owner.post("/api/scenes/", {"production": production, "number": f"W{secrets.token_hex(2).upper()}", "int_ext": "EXT",
                                        "location": "QUAYSIDE", "time_of_day": "DAWN", "page_eighths": 9})
    shot = owner.post("/api/shots/", {"scene": scene["id"], "type": "MS", "lens_mm": 50, "description": "Ana on the bollard"})
    first_take = owner.post("/api/takes/", {"shot": shot["id"], "notes": "Clean", "cameras": [{"camera": "A", "roll": "A007", "lens": "50mm"}]})
    marker = secrets.token_hex(3)
    scene_page = f"/productions/{production}/scenes/{scene['id']}"
    take_log = f"/productions/{production}/takes?scene={scene['id']}&shot={shot['id']}"

    # Alice, online, opens the take log and the scene page (kept for offline use) under the service worker
    alice = tablets("alice")
    alice.goto(take_log)
    expect(card(alice, 1)).to_be_visible(timeout=PAGE_MS)
    wait_until_kept(alice, ["me"], ["shots", scene["id"]], ["takes", scene["id"]])
    alice.goto(scene_page)
    expect(alice.by_testid("scene-page")).to_have_attribute("data-scene-id", str(scene["id"]), timeout=PAGE_MS)
    eventually(lambda: alice.page.evaluate(SERVICE_WORKER_STATE)["controlled"], timeout_s=SW_INSTALL_S, what="the service worker controlling the page")
    wait_until_kept(alice, ["me"], ["scene", scene["id"]], ["continuity-notes", scene["id"]], ["takes", scene["id"]])

    # Bob watches the same scene page and, in another tab, the same shot's take log
    bob = tablets("bob")
    bob.goto(scene_page)
    bob_takes = new_tab(bob, "bob-take-log")
    bob_takes.goto(take_log)
    expect(card(bob_takes, 1)).to_be_visible(timeout=PAGE_MS)
    expect(bob.by_testid("note-body")).to_be_visible(timeout=PAGE_MS)
    for tab in (bob, bob_takes):
        tab.wait_live()
    marks = {tab.who: tab.mark_document() for tab in (bob, bob_takes)}

    # The Wi-Fi drops; Alice reloads: the app opens from the cache, and says so
    context: BrowserContext = alice.page.context
    context.set_offline(True)
    alice.page.reload(wait_until="domcontentloaded")
    expect(alice.by_testid("scene-page")).to_have_attribute("data-scene-id", str(scene["id"]), timeout=PAGE_MS)
    banner = alice.by_testid("offline-banner")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "status")
    expect(banner).to_contain_text("You are offline.")

    # Five continuity notes, the first two with photos, each shown at once as waiting
    bodies = [f"{marker} {text}" for text in ("Coat buttoned to the top", "Cap in the right hand", "Scarf under the collar",
                                              "Rope coiled on the left bollard", "Gull on the lamp post, frame left")]
    for index, body in enumerate(bodies):
        alice.by_testid("note-body").fill(body)
        if index < 2:
            photo = jpeg(tmp_path / "quay-1.jpg", label=body[:24]) if index == 0 else noisy_jpeg(tmp_path / "quay-2.jpg")
            alice.by_testid("note-photo").set_input_files(str(photo))
            expect(alice.by_testid("note-photo-name")).to_be_visible()
        alice.by_testid("note-submit").tap()
        expect(alice.locator(tid("continuity-note")).filter(has_text=body)).to_have_attribute("data-pending", "waiting")
    expect(alice.by_testid("note-photo-waiting")).to_have_count(2)
    expect(alice.by_testid("outbox-button")).to_have_text("7 changes waiting")
    expect(banner).to_contain_text("7 changes waiting")
    expect(banner).to_contain_text("You are seeing what this tablet saved at")

    # Meanwhile Bob, online, changes the notes of the take shot before
    bob_notes = "Clean; focus soft on the turn"
    owner_bob = slate.session_client("bob")
    owner_bob.patch(f"/api/takes/{first_take['id']}/", {"notes": bob_notes, "version": first_take["version"]})

    # Alice, still offline, goes to the take log: she edits that take's notes (on the version she has), taps three new
    # takes and circles the second of them
    alice.page.get_by_role("link", name="Take log").tap()
    expect(card(alice, 1)).to_be_visible(timeout=PAGE_MS)
    if card(alice, 1).get_by_test_id("take-toggle").get_attribute("aria-expanded") != "true":
        card(alice, 1).get_by_test_id("take-toggle").tap()
    card(alice, 1).get_by_test_id("take-notes").tap()
    card(alice, 1).get_by_test_id("take-notes").fill("Clean, boom shadow at the end")
    card(alice, 1).get_by_test_id("sound-roll").tap()  # leaving the field saves it
    expect(card(alice, 1)).to_have_attribute("data-pending", "waiting")
    for number in (2, 3, 4):
        alice.by_testid("new-take").tap()
        expect(card(alice, number)).to_have_attribute("data-pending", "waiting")
    card(alice, 3).get_by_test_id("take-circle").tap()
    expect(card(alice, 3)).to_have_attribute("data-circled", "true")
    expect(card(alice, 2)).to_contain_text("A007")  # the roll carried over, shown before the server says so
    expect(alice.by_testid("outbox-button")).to_have_attribute("data-count", "12")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice.page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    alice.page.screenshot(path=str(SCREENSHOTS / "offline-banner-1024x768.png"))

    # A reload, still offline: the outbox survives, the takes made offline still show
    alice.page.reload(wait_until="domcontentloaded")
    expect(alice.by_testid("outbox-button")).to_have_attribute("data-count", "12", timeout=PAGE_MS)
    expect(card(alice, 4)).to_have_attribute("data-pending", "waiting")
    expect(card(alice, 3)).to_have_attribute("data-circled", "true")
    alice.by_testid("outbox-button").tap()
    panel = alice.page.get_by_role("dialog", name="Changes on this tablet")
    expect(panel).to_be_visible()
    expect(panel.locator(tid("outbox-item"))).to_have_count(12)
    expect(panel.locator(tid("outbox-item-label")).first).to_have_text(f"Continuity note: {bodies[0]}")
    expect(panel.locator(f'{tid("outbox-item")}[data-state="waiting"]')).to_have_count(12)
    # the photos wait for their notes, each new take for the one before (it is numbered after it), the circle for its take
    expect(panel.locator(tid("outbox-item-waits"))).to_have_text([f"Waits for: Continuity note: {bodies[0]}", f"Waits for: Continuity note: {bodies[1]}",
                                                                   "Waits for: Take 2 of shot 1", "Waits for: Take 3 of shot 1", "Waits for: Take 3 of shot 1"])
    settled(alice)
    alice.page.screenshot(path=str(SCREENSHOTS / "outbox-panel-1024x768.png"))
    assert axe_violations(alice.page, ['[data-testid="offline-banner"]', ".mantine-Drawer-content"]) == []
    alice.page.keyboard.press("Escape")
    expect(panel).to_be_hidden()

    # Back online: the changes go in order; the third note is saved but its answer is lost as the web process stops
    cut = CutOff(slate, nth=3)
    context.route("**/api/continuity-notes/", cut)
    chunks = ChunkCut()
    context.route("**/api/uploads/**", chunks)
    context.set_offline(False)
    eventually(lambda: alice.page.evaluate("0") == 0 and cut.cut_key, timeout_s=PAGE_MS / 1000, what="the third note's answer cut off")
    assert cut.saved_status == 201, cut.saved_status
    assert slate.db_rows("SELECT COUNT(*) FROM continuity_continuitynote WHERE body = %s", (bodies[2],)) == [(1,)]
    slate.start_web()

    # The stale edit of take 1's notes asks Alice what to keep: she keeps a merge of both
    choice = alice.by_testid("conflict-choice-body")
    expect(choice).to_be_visible(timeout=REPLAY_MS)
    expect(alice.by_testid("conflict-mine-notes")).to_have_text("Clean, boom shadow at the end")
    expect(alice.by_testid("conflict-theirs-notes")).to_have_text(bob_notes)
    settled(alice)
    alice.page.screenshot(path=str(SCREENSHOTS / "conflict-choice-1024x768.png"))
    alice.by_testid("conflict-merge").tap()
    merged = alice.by_testid("conflict-merged-notes")
    expect(merged).to_have_value("Clean, boom shadow at the end; focus soft on the turn")
    alice.by_testid("conflict-save-merged").tap()
    expect(alice.by_testid("outbox-button")).to_have_count(0, timeout=REPLAY_MS)

    # Every change arrived exactly once (the cut-off note was sent again under the same key and answered from the first time)
    assert cut.keys.count(cut.cut_key) >= 2, cut.keys
    assert len(set(cut.keys)) == 5, cut.keys
    notes = slate.db_rows("SELECT body, (SELECT COUNT(*) FROM continuity_continuityphoto p WHERE p.note_id = n.id) "
                          "FROM continuity_continuitynote n WHERE body LIKE %s ORDER BY id", (f"{marker}%",))
    assert notes == [(bodies[0], 1), (bodies[1], 1), (bodies[2], 0), (bodies[3], 0), (bodies[4], 0)], notes
    assert slate.db_rows("SELECT COUNT(*) FROM media_upload WHERE continuity_photo_id IS NOT NULL") == [(2,)]
    # the big photo's upload lost its second chunk and went on from there, in the same upload (not from the start)
    assert chunks.dropped is not None and chunks.dropped[1] == 1024 * 1024, chunks.patches
    big = [offset for url, offset in chunks.patches if url == chunks.dropped[0]]
    assert big[0] == 0 and big.count(0) == 1 and big.count(1024 * 1024) == 2, chunks.patches
    assert slate.db_rows("SELECT length, state FROM media_upload WHERE filename = %s", ("quay-2.jpg",)) == [
        ((tmp_path / "quay-2.jpg").stat().st_size, "complete")]
    takes = slate.db_rows("SELECT number, circled, notes FROM scenes_take WHERE shot_id = %s ORDER BY number", (shot["id"],))
    assert takes == [(1, False, "Clean, boom shadow at the end; focus soft on the turn"), (2, False, ""), (3, True, ""), (4, False, "")], takes

    # Bob saw each of them arrive, without a reload (his socket reconnected after the web process came back)
    for body in bodies:
        expect(bob.locator(tid("continuity-note")).filter(has_text=body)).to_have_count(1, timeout=REPLAY_MS)
    expect(bob.by_testid("note-photo-thumb")).to_have_count(2, timeout=REPLAY_MS)
    for number in (2, 3, 4):
        expect(card(bob_takes, number)).to_be_visible(timeout=REPLAY_MS)
    expect(card(bob_takes, 3)).to_have_attribute("data-circled", "true", timeout=REPLAY_MS)
    expect(card(bob_takes, 1)).to_contain_text("boom shadow at the end; focus soft", timeout=REPLAY_MS)
    for tab in (bob, bob_takes):
        tab.assert_same_document(marks[tab.who])
    # and Alice's tablet shows the server's objects, nothing twice, nothing waiting
    alice.goto(scene_page)
    for body in bodies:
        expect(alice.locator(tid("continuity-note")).filter(has_text=body)).to_have_count(1, timeout=PAGE_MS)
    expect(alice.locator(f'{tid("continuity-note")}[data-pending]')).to_have_count(0)
    expect(alice.by_testid("offline-banner")).to_have_count(0)
    for tab in (alice, bob, bob_takes):
        tab.assert_healthy()
