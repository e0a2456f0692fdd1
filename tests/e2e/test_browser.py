"""The browser app in a real Chromium against the real running Slate (daphne + run_huey + Redis).

Two browser contexts are two crew members, each signed in through /signin: what one does in the
UI shows up on the other's screen without a reload (the board, the dashboard, continuity notes,
dailies with job progress), a dropped connection catches up on resume, an outsider sees nothing
of a production, and screenshots at desktop and tablet sizes are kept as test artifacts.
Fixtures: `slate_app` and `chromium` (tests/e2e/conftest.py); helpers in tests/e2e/browser.py.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import (
    DESKTOP, PAGE_MS, SCREENSHOTS, TIMEOUT_MS, Tab, api, board_column, drag, eventually, jpeg, new_tab, open_member, scene_card,
    tid,
)
from tests.e2e.conftest import SHARED_DATA, SlateServer, serve_built_app

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(180)]

CLIP = SHARED_DATA / "video" / "tears_of_steel_640x360_10s.mp4"
JOB_MS = 90_000  # a clip's probe + proxy + poster on the real worker


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture
def tabs(request, chromium: Browser, slate_app: SlateServer):
    """Open signed-in tabs with `tabs("alice")`; on a failure each tab's screenshot and HTML go to test-artifacts/."""
    serve_built_app(slate_app)  # again: a rebuild during the session gives the assets new names
    opened: list[Tab] = []
    failed_before = request.session.testsfailed

    def open_tab(key: str, *, viewport: dict | None = None) -> Tab:
        return open_member(chromium, slate_app, key, viewport=viewport, opened=opened)

    def another(tab: Tab, who: str) -> Tab:
        extra = new_tab(tab, who)
        opened.append(extra)
        return extra

    open_tab.another = another
    open_tab.opened = opened
    yield open_tab
    if request.session.testsfailed > failed_before:
        for tab in opened:
            tab.save_failure(request.node.name)
    for context in {id(t.page.context): t.page.context for t in opened}.values():
        context.close()


def new_scene(tab: Tab, slate: SlateServer, location: str) -> dict:
    """A fresh scene (not started) created over REST with the member's browser session."""
    return api(tab, "POST", "/api/scenes/", {
        "production": slate.production_id, "number": f"B{secrets.token_hex(3).upper()}", "int_ext": "INT",
        "location": location, "time_of_day": "NIGHT",
    }, expect_status=201)


def scene_counts(tab: Tab, slate: SlateServer) -> str:
    """The dashboard's "Scenes done" as the REST API has it: 'completed/total'."""
    stats = api(tab, "GET", f"/api/productions/{slate.production_id}/")["stats"]
    return f"{stats['completed_scene_count']}/{stats['scene_count']}"


def board(slate: SlateServer) -> str:
    return f"/productions/{slate.production_id}/board"


# --- sign in ------------------------------------------------------------------------------------

def test_deep_link_signed_out_goes_to_signin_and_back_to_the_deep_link(chromium: Browser, slate_app: SlateServer):
    serve_built_app(slate_app)
    context = chromium.new_context(viewport=DESKTOP)
    try:
        tab = Tab.open(context, "bob", slate_app.base_url)
        deep_link = board(slate_app)

        # Signed out, the deep link goes to /signin?next=<the deep link>
        tab.goto(deep_link)
        expect(tab.page).to_have_url(re.compile(r"/signin\?next="), timeout=PAGE_MS)
        assert tab.path() == f"/signin?next={deep_link.replace('/', '%2F')}", tab.path()
        expect(tab.by_testid("production-title")).to_have_count(0)

        # Signing in through the form comes back to it, showing the production
        tab.page.locator('input[name="login"]').fill(slate_app.members["bob"].username)
        tab.page.locator('input[name="password"]').fill(slate_app.members["bob"].password)
        tab.page.locator('button[type="submit"]').click()
        expect(tab.page).to_have_url(slate_app.base_url + deep_link, timeout=PAGE_MS)
        expect(tab.by_testid("production-title")).to_have_text("E2E Live", timeout=PAGE_MS)
        tab.wait_live()
        tab.assert_healthy()
    finally:
        context.close()


# --- (1) the board ------------------------------------------------------------------------------

def test_scene_dragged_to_completed_shows_on_another_members_board_and_dashboard_without_reload(tabs, slate_app: SlateServer):
    # Given Alice on the board, and Bob with the board in one tab and the dashboard in another
    alice = tabs("alice")
    scene = new_scene(alice, slate_app, "ROOFTOP")
    bob_board = tabs("bob")
    bob_dash = tabs.another(bob_board, "bob-dashboard")
    alice.goto(board(slate_app))
    bob_board.goto(board(slate_app))
    bob_dash.goto(f"/productions/{slate_app.production_id}/")
    card = scene_card(scene["id"])
    for tab in (alice, bob_board):
        expect(tab.locator(f"{board_column('not_started')} {card}")).to_be_visible(timeout=PAGE_MS)
    before = scene_counts(alice, slate_app)
    expect(bob_dash.by_testid("stat-scenes")).to_have_text(before, timeout=PAGE_MS)
    for tab in (alice, bob_board, bob_dash):
        tab.wait_live()
    marks = {tab.who: (tab, tab.mark_document()) for tab in (bob_board, bob_dash)}

    # When Alice drags the card to `completed`
    drag(alice.page, alice.locator(card), alice.locator(board_column("completed")))

    # Then it is saved, and lands in Bob's completed column and in his dashboard's count, live
    expect(alice.locator(f"{board_column('completed')} {card}")).to_be_visible()
    eventually(lambda: api(alice, "GET", f"/api/scenes/{scene['id']}/")["status"] == "completed", what="the scene saved as completed")
    after = scene_counts(alice, slate_app)
    assert after != before, (before, after)
    expect(bob_board.locator(f"{board_column('completed')} {card}")).to_be_visible(timeout=TIMEOUT_MS)
    expect(bob_board.locator(f"{board_column('not_started')} {card}")).to_have_count(0)
    expect(bob_dash.by_testid("stat-scenes")).to_have_text(after, timeout=TIMEOUT_MS)
    for tab, mark in marks.values():
        tab.assert_same_document(mark)
    for tab in (alice, bob_board, bob_dash):
        tab.assert_healthy()


# --- (2) continuity notes -----------------------------------------------------------------------

def test_continuity_note_with_photo_appears_on_another_members_scene_page(tabs, slate_app: SlateServer, tmp_path: Path):
    # Given Alice and Bob on the same scene's page
    alice, bob = tabs("alice"), tabs("bob")
    scene = new_scene(alice, slate_app, "GREENHOUSE")
    page_path = f"/productions/{slate_app.production_id}/scenes/{scene['id']}"
    alice.goto(page_path)
    bob.goto(page_path)
    expect(alice.by_testid("note-body")).to_be_visible(timeout=PAGE_MS)
    bob.wait_live()
    mark = bob.mark_document()
    body = f"Left cuff rolled twice, watch on the right wrist ({secrets.token_hex(3)})"
    photo = jpeg(tmp_path / "cuff.jpg", label=body[:20])

    # When Alice writes a note with a photo and submits it
    alice.by_testid("note-body").fill(body)
    alice.by_testid("note-photo").set_input_files(str(photo))
    alice.by_testid("note-submit").click()

    # Then Bob sees the note, text and photo (a loaded image), without a reload
    note = bob.locator(tid("continuity-note")).filter(has_text=body)
    expect(note).to_have_count(1, timeout=TIMEOUT_MS)
    image = note.locator("img")
    expect(image).to_have_count(1, timeout=TIMEOUT_MS)
    expect(image).to_be_visible()
    image.evaluate("img => img.decode()", timeout=TIMEOUT_MS)  # rejects when the image cannot be loaded
    assert image.evaluate("img => img.naturalWidth") > 0
    bob.assert_same_document(mark)
    saved = api(bob, "GET", f"/api/continuity-notes/?scene={scene['id']}")["results"]
    assert [n["body"] for n in saved] == [body] and len(saved[0]["photos"]) == 1, saved
    alice.assert_healthy()
    bob.assert_healthy()


# --- (3) dailies --------------------------------------------------------------------------------

RECORD_PROGRESS = """() => {
  // Every distinct data-progress value of each asset's job progress bar, in order, keyed by data-asset-id.
  const seen = window.__slateProgress = {};
  const record = () => {
    for (const el of document.querySelectorAll('[data-testid="asset-job-progress"]')) {
      const card = el.closest('[data-asset-id]');
      const key = card ? card.getAttribute('data-asset-id') : '?';
      const values = seen[key] = seen[key] || [];
      const value = el.getAttribute('data-progress');
      if (value !== null && values[values.length - 1] !== value) values.push(value);
    }
  };
  new MutationObserver(record).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-progress']});
  setInterval(record, 20);
}"""

PLAY = """async (video) => { video.muted = true; await video.play(); }"""

PLAYED = """(video) => video.currentTime > 0.5 && video.readyState >= 2"""

LOADED_IMAGE = """async (img) => { await img.decode(); return img.naturalWidth; }"""


@pytest.mark.slow
def test_uploaded_clip_shows_live_job_progress_then_poster_and_its_proxy_plays(tabs, slate_app: SlateServer):
    assert CLIP.exists(), f"missing test clip {CLIP} (set SLATE_SHARED_DATA)"
    dailies = f"/productions/{slate_app.production_id}/dailies"
    alice, bob = tabs("alice"), tabs("bob")
    alice.goto(dailies)
    bob.goto(dailies)
    expect(alice.by_testid("dailies-upload")).to_be_attached(timeout=PAGE_MS)
    bob.wait_live()
    expect(bob.by_testid("asset-job-progress")).to_have_count(0)  # nothing processing yet
    bob.page.evaluate(RECORD_PROGRESS)
    mark = bob.mark_document()

    # When Alice uploads a clip
    alice.by_testid("dailies-upload").set_input_files(str(CLIP))

    # Then Bob sees its card with the job's progress bar: it is the asset Alice just uploaded
    progress = bob.by_testid("asset-job-progress")
    expect(progress).to_have_count(1, timeout=TIMEOUT_MS * 2)
    asset_id = int(bob.locator(tid("asset-card")).filter(has=progress).get_attribute("data-asset-id"))
    asset = api(bob, "GET", f"/api/media/{asset_id}/")
    assert asset["original_name"] == CLIP.name and asset["uploaded_by"] == slate_app.members["alice"].id, asset

    # and watches the bar move, then the poster appear in its place
    card = bob.locator(f'{tid("asset-card")}[data-asset-id="{asset_id}"]')
    poster = card.locator(tid("asset-poster"))
    expect(poster).to_be_visible(timeout=JOB_MS)
    assert poster.evaluate(LOADED_IMAGE, timeout=TIMEOUT_MS) > 0
    # The poster is the job's first rendition: the bar goes once the rest (proxy, filmstrip, waveform) is done too
    expect(card.locator(tid("asset-job-progress"))).to_have_count(0, timeout=JOB_MS)
    seen = bob.page.evaluate("() => window.__slateProgress")
    values = [float(v) for v in seen.get(str(asset_id), [])]
    assert len(set(values)) >= 2, f"Bob saw the job's progress bar at {values} only (all bars: {seen})"
    assert values == sorted(values) and values[-1] > values[0], f"the progress went backwards: {values}"
    assert api(bob, "GET", f"/api/media/{asset_id}/")["status"] == "ready"
    bob.assert_same_document(mark)

    # and when he opens the daily, its proxy plays in his browser
    card.click()
    expect(bob.page).to_have_url(f"{slate_app.base_url}{dailies}/{asset_id}")
    player = bob.locator(f'video{tid("proxy-player")}')
    expect(player).to_be_attached(timeout=PAGE_MS)
    player.evaluate(PLAY, timeout=TIMEOUT_MS)
    bob.page.wait_for_function(PLAYED, arg=player.element_handle(), timeout=15_000)
    assert player.evaluate("video => video.error && `${video.error.code} ${video.error.message}`") is None
    bob.assert_same_document(mark)
    alice.assert_healthy()
    bob.assert_healthy()


# --- (4) a dropped connection catches up ----------------------------------------------------------

def test_board_catches_up_with_changes_made_while_the_connection_was_down(tabs, slate_app: SlateServer):
    # Given Bob on the board, live, with two scenes not started
    alice, bob = tabs("alice"), tabs("bob")
    first, second = new_scene(alice, slate_app, "TUNNEL"), new_scene(alice, slate_app, "HARBOUR")
    bob.goto(board(slate_app))
    for scene in (first, second):
        expect(bob.locator(f"{board_column('not_started')} {scene_card(scene['id'])}")).to_be_visible(timeout=PAGE_MS)
    bob.wait_live()
    mark = bob.mark_document()

    # When his connection drops
    bob.page.evaluate("() => window.__slateRealtime.pause()")
    expect(bob.by_testid("connection")).to_have_attribute("data-status", re.compile(r"^(reconnecting|offline)$"))

    # and meanwhile Alice moves both scenes (with her browser session)
    api(alice, "PATCH", f"/api/scenes/{first['id']}/", {"status": "in_progress", "version": first["version"]})
    api(alice, "PATCH", f"/api/scenes/{second['id']}/", {"status": "on_hold", "version": second["version"]})
    bob.page.wait_for_timeout(500)  # what a live socket would have delivered by now
    for scene in (first, second):
        expect(bob.locator(f"{board_column('not_started')} {scene_card(scene['id'])}")).to_have_count(1, timeout=1)
    expect(bob.by_testid("connection")).not_to_have_attribute("data-status", "live", timeout=1)

    # Then on resume his board shows both changes and the indicator is back to live, without a reload
    bob.page.evaluate("() => window.__slateRealtime.resume()")
    expect(bob.locator(f"{board_column('in_progress')} {scene_card(first['id'])}")).to_be_visible(timeout=TIMEOUT_MS)
    expect(bob.locator(f"{board_column('on_hold')} {scene_card(second['id'])}")).to_be_visible(timeout=TIMEOUT_MS)
    expect(bob.by_testid("connection")).to_have_attribute("data-status", "live", timeout=TIMEOUT_MS)
    bob.assert_same_document(mark)
    bob.assert_healthy()


# --- (5) an outsider --------------------------------------------------------------------------------

def test_non_member_sees_that_the_production_is_not_theirs_and_none_of_its_data(tabs, slate_app: SlateServer):
    outsider = tabs("outsider")
    outsider.goto(f"/productions/{slate_app.production_id}/")
    expect(outsider.by_testid("not-a-member")).to_be_visible(timeout=PAGE_MS)
    expect(outsider.by_testid("scene-card")).to_have_count(0)
    text = outsider.page.locator("body").inner_text()
    assert "E2E Live" not in text and "E2E Live" not in outsider.page.content()
    for location in ("LIBRARY", "OBSERVATORY", "STATION PLATFORM"):
        assert location not in text
    # and the board's deep link shows the same refusal
    outsider.goto(board(slate_app))
    expect(outsider.by_testid("not-a-member")).to_be_visible(timeout=PAGE_MS)
    expect(outsider.by_testid("scene-card")).to_have_count(0)
    assert "E2E Live" not in outsider.page.content()
    outsider.assert_healthy()


# --- (6) screenshots ----------------------------------------------------------------------------------

SIZES = [(1440, 900), (768, 1024), (1024, 768)]


def test_screenshots_of_the_main_screens_at_desktop_and_tablet_sizes(tabs, slate_app: SlateServer):
    alice = tabs("alice")
    production = slate_app.production_id
    scene_id = slate_app.scene_ids[0]
    screens = {
        "dashboard": (f"/productions/{production}/", tid("stat-scenes")),
        "board": (f"/productions/{production}/board", board_column("not_started")),
        "scene": (f"/productions/{production}/scenes/{scene_id}", tid("note-body")),
        "dailies": (f"/productions/{production}/dailies", tid("dailies-upload")),
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    not_ready: dict[str, str] = {}
    for width, height in SIZES:
        alice.page.set_viewport_size({"width": width, "height": height})
        for name, (path, ready) in screens.items():
            alice.goto(path)
            try:  # a screen that was not ready once gets a short wait at the other sizes
                expect(alice.locator(ready).first).to_be_attached(timeout=2_000 if name in not_ready else PAGE_MS)
                alice.wait_live()
            except AssertionError:
                not_ready[name] = f"{name} ({path}): no {ready}"
            alice.page.wait_for_timeout(300)  # transitions and charts settle
            target = SCREENSHOTS / f"{name}-{width}x{height}.png"
            alice.page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 5_000, target
    assert not not_ready, "screens not ready for their screenshot:\n" + "\n".join(not_ready.values())
    alice.assert_healthy()
