"""Dailies review in a real Chromium against the real running Slate (daphne + run_huey + Redis).

The review page's proxy plays; stepping a frame moves the SMPTE display by exactly one frame (as
apps.media.timecode labels it); a note Alice pins to a frame appears live in Bob's list and as a
marker on his timeline at the same timecode, and clicking it puts Bob's player on that timecode; a
clip sent from the dailies page goes through the resumable tus endpoint, chunk checksums included,
and reaches `ready`. Screenshots of the review page at desktop and tablet sizes are kept.
Fixtures: `slate_app` and `chromium` (tests/e2e/conftest.py); helpers in tests/e2e/browser.py.
"""
from __future__ import annotations

import secrets
import time
from fractions import Fraction

import pytest
from playwright.sync_api import expect

from apps.media.timecode import format_timecode
from tests.e2e.browser import DESKTOP, PAGE_MS, SCREENSHOTS, TIMEOUT_MS, Tab, api, eventually, tid
from tests.e2e.conftest import SHARED_DATA, SlateServer
from tests.e2e.test_browser import tabs  # noqa: F401  (the signed-in tabs fixture, shared with the other browser tests)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

REVIEW_CLIP = SHARED_DATA / "video" / "derived_tos_prores_proxy_tc_01000000.mov"  # starts at 01:00:00:00
UPLOAD_CLIP = SHARED_DATA / "video" / "tears_of_steel_640x360_10s.mp4"
TABLET = {"width": 1024, "height": 768}
JOB_S = 120  # probe + proxy + poster + filmstrip + waveform on the real worker

PLAYED = """(video) => video.currentTime > 0.5 && video.readyState >= 2 && !video.paused"""


def wait_ready(slate: SlateServer, asset_id: int, *, key: str = "alice") -> dict:
    """The asset once processed, with a ready proxy (polled over REST)."""
    client = slate.session_client(key)
    deadline = time.monotonic() + JOB_S
    asset: dict = {}
    while time.monotonic() < deadline:
        asset = client.get(f"/api/media/{asset_id}/")
        proxy = next((r for r in asset["renditions"] if r["kind"] == "proxy"), None)
        if asset["status"] == "failed":
            raise AssertionError(f"processing failed: {asset['error']}")
        if asset["status"] == "ready" and proxy and proxy.get("status", "ready") == "ready":
            return asset
        time.sleep(0.1)
    raise AssertionError(f"asset {asset_id} not ready within {JOB_S} s: {asset}")


@pytest.fixture(scope="module")
def review_asset(slate_app: SlateServer) -> dict:
    """A processed clip with start timecode 01:00:00:00, uploaded by Alice (multipart, the quick path)."""
    assert REVIEW_CLIP.exists(), f"missing test clip {REVIEW_CLIP} (set SLATE_SHARED_DATA)"
    client = slate_app.session_client("alice")
    body = client.call("POST", "/api/media/", expect=201, fields={"production": slate_app.production_id},
                       files={"file": (REVIEW_CLIP.name, REVIEW_CLIP.read_bytes(), "video/quicktime")})
    return wait_ready(slate_app, body["id"])


def label(asset: dict, frame: int) -> str:
    """What apps.media.timecode says frame `frame` of the asset is called."""
    return format_timecode(asset["timecode_start_frames"] + frame, Fraction(asset["frame_rate"]), drop_frame=";" in asset["start_timecode"])


def review(slate: SlateServer, asset: dict) -> str:
    return f"/productions/{slate.production_id}/dailies/{asset['id']}"


def open_review(tab: Tab, slate: SlateServer, asset: dict) -> None:
    tab.goto(review(slate, asset))
    player = tab.locator(f'video{tid("proxy-player")}')
    expect(player).to_be_attached(timeout=PAGE_MS)
    tab.page.wait_for_function("(v) => v.readyState >= 2", arg=player.element_handle(), timeout=PAGE_MS)
    expect(tab.by_testid("player-timecode")).to_have_text(label(asset, 0), timeout=TIMEOUT_MS)


def shown_frame(tab: Tab) -> int:
    return int(tab.by_testid("player-timecode").get_attribute("data-frame"))


def test_proxy_plays_and_a_frame_step_moves_the_smpte_display_by_one_frame(tabs, slate_app: SlateServer, review_asset: dict):
    bob = tabs("bob")
    open_review(bob, slate_app, review_asset)
    assert review_asset["start_timecode"] == "01:00:00:00", review_asset
    player = bob.locator(f'video{tid("proxy-player")}')

    # The proxy plays (the play button), and pauses again
    bob.by_testid("player-play").click()
    bob.page.wait_for_function(PLAYED, arg=player.element_handle(), timeout=15_000)
    assert player.evaluate("v => v.error && `${v.error.code} ${v.error.message}`") is None
    bob.by_testid("player-play").click()
    expect(bob.by_testid("player-play")).to_have_attribute("data-playing", "false")
    bob.page.wait_for_function("(v) => v.paused", arg=player.element_handle())
    expect(bob.by_testid("player-timecode")).not_to_have_text(label(review_asset, 0))

    # Each step, by button or arrow key, moves the display by exactly one frame
    for control, delta in [("button", 1), ("button", 1), ("ArrowRight", 1), ("ArrowLeft", -1), ("back", -1)]:
        before = shown_frame(bob)
        if control == "button":
            bob.by_testid("frame-forward").click()
        elif control == "back":
            bob.by_testid("frame-back").click()
        else:
            bob.page.locator("body").press(control)
        expect(bob.by_testid("player-timecode")).to_have_attribute("data-frame", str(before + delta))
        expect(bob.by_testid("player-timecode")).to_have_text(label(review_asset, before + delta))
        # and the picture is that frame: the video's own time names the same frame
        fps = float(Fraction(review_asset["frame_rate"]))
        bob.page.wait_for_function("([v, f, fps]) => !v.seeking && Math.floor(v.currentTime * fps + 1e-3) === f",
                                   arg=[player.element_handle(), before + delta, fps])
    bob.assert_healthy()


def test_a_note_at_a_frame_shows_live_for_another_member_at_the_same_timecode_and_seeks_his_player(tabs, slate_app: SlateServer, review_asset: dict):
    alice, bob = tabs("alice"), tabs("bob")
    open_review(alice, slate_app, review_asset)
    open_review(bob, slate_app, review_asset)
    bob.wait_live()
    mark = bob.mark_document()

    # Alice goes to a frame (Shift+→ steps 10) and pins a note there
    body = f"Boom dips into frame top left ({secrets.token_hex(3)})"
    for _ in range(3):
        alice.page.locator("body").press("Shift+ArrowRight")
    alice.page.locator("body").press("ArrowRight")
    expect(alice.by_testid("player-timecode")).to_have_attribute("data-frame", "31")
    timecode = label(review_asset, 31)
    expect(alice.by_testid("player-timecode")).to_have_text(timecode)
    alice.by_testid("frame-comment-body").fill(body)
    # typing a note never moves the player (J/K/L and arrows are letters and keys in a text field)
    alice.by_testid("frame-comment-body").press("ArrowLeft")
    alice.by_testid("frame-comment-body").press_sequentially(" jkl")
    expect(alice.by_testid("player-timecode")).to_have_attribute("data-frame", "31")
    expect(alice.by_testid("frame-comment-at")).to_contain_text(timecode)
    alice.by_testid("frame-comment-submit").click()
    saved = eventually(lambda: next((c for c in api(alice, "GET", f"/api/comments/?media_asset={review_asset['id']}")["results"]
                                     if c["body"].startswith(body[:20])), None), what="the note saved")
    assert saved["frame"] == 31 and saved["timecode"] == timecode, saved

    # Bob sees it in his list and on his timeline, at the same SMPTE timecode, without a reload
    note = bob.locator(tid("frame-comment")).filter(has_text=body[:30])
    expect(note).to_have_count(1, timeout=TIMEOUT_MS)
    expect(note.locator(tid("comment-timecode"))).to_have_text(timecode)
    marker = bob.locator(f'{tid("timeline-marker")}[data-comment-id="{saved["id"]}"]')
    expect(marker).to_have_count(1)
    expect(marker).to_have_attribute("data-timecode", timecode)
    expect(marker).to_have_attribute("data-frame", "31")

    # and clicking the marker puts his player on that timecode, the note highlighted
    expect(bob.by_testid("player-timecode")).to_have_text(label(review_asset, 0))
    marker.click()
    expect(bob.by_testid("player-timecode")).to_have_text(timecode)
    expect(note).to_have_attribute("data-active", "true")
    # back to the start, then the note's own timecode seeks too
    bob.by_testid("timeline").click(position={"x": 1, "y": 20})
    expect(bob.by_testid("player-timecode")).not_to_have_text(timecode)
    note.locator(tid("comment-timecode")).click()
    expect(bob.by_testid("player-timecode")).to_have_text(timecode)
    bob.assert_same_document(mark)
    alice.assert_healthy()
    bob.assert_healthy()


def test_a_clip_uploaded_from_the_page_goes_through_tus_with_chunk_checksums_and_reaches_ready(tabs, slate_app: SlateServer):
    assert UPLOAD_CLIP.exists(), f"missing test clip {UPLOAD_CLIP}"
    alice = tabs("alice")
    tus_requests: list[tuple[str, str, dict]] = []
    alice.page.on("request", lambda r: tus_requests.append((r.method, r.url, r.headers)) if "/api/uploads/" in r.url else None)
    alice.goto(f"/productions/{slate_app.production_id}/dailies")
    expect(alice.by_testid("dailies-upload")).to_be_attached(timeout=PAGE_MS)
    alice.wait_live()

    alice.by_testid("dailies-upload").set_input_files(str(UPLOAD_CLIP))
    item = alice.locator(f'{tid("upload-item")}[data-name="{UPLOAD_CLIP.name}"]')
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-state", "done", timeout=60_000)
    expect(item.locator(tid("upload-error"))).to_have_count(0)

    # It went through tus: a creation POST, then PATCHes that each carry the chunk's SHA-256 and the file's fingerprint
    methods = [m for m, _, _ in tus_requests]
    assert "POST" in methods and "PATCH" in methods, tus_requests
    patches = [h for m, _, h in tus_requests if m == "PATCH"]
    assert all(h.get("upload-checksum", "").startswith("sha256 ") for h in patches), patches
    assert all(h.get("slate-upload-fingerprint") for h in patches), patches

    # The upload made an asset: its card shows up, it is processed, and its proxy is ready
    link = item.locator(tid("upload-asset-link"))
    expect(link).to_be_visible(timeout=TIMEOUT_MS)
    asset_id = int(link.get_attribute("href").rstrip("/").rsplit("/", 1)[1])
    card = alice.locator(f'{tid("asset-card")}[data-asset-id="{asset_id}"]')
    expect(card).to_have_count(1, timeout=TIMEOUT_MS)
    asset = wait_ready(slate_app, asset_id)
    assert asset["original_name"] == UPLOAD_CLIP.name and asset["size_bytes"] == UPLOAD_CLIP.stat().st_size, asset
    expect(card).to_have_attribute("data-status", "ready", timeout=TIMEOUT_MS)
    expect(card.locator(f'{tid("rendition-chip")}[data-kind="proxy"]')).to_have_attribute("data-status", "ready")
    alice.assert_healthy()


def test_review_page_screenshots_at_desktop_and_tablet_sizes(tabs, slate_app: SlateServer, review_asset: dict):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    api_client = slate_app.session_client("alice")
    api_client.post("/api/comments/", {"media_asset": review_asset["id"], "frame": 48, "body": "Focus buzz on the close-up, @bob"})
    for name, viewport in (("desktop", DESKTOP), ("tablet", TABLET)):
        tab = tabs("bob", viewport=viewport)
        open_review(tab, slate_app, review_asset)
        tab.wait_live()
        for _ in range(2):
            tab.page.locator("body").press("Shift+ArrowRight")
        tab.page.locator("body").press("i")
        for _ in range(3):
            tab.page.locator("body").press("Shift+ArrowRight")
        tab.page.locator("body").press("o")
        expect(tab.by_testid("marked-range")).to_be_visible()
        tab.by_testid("timeline").hover(position={"x": 120, "y": 20})
        tab.page.wait_for_timeout(300)
        tab.page.screenshot(path=str(SCREENSHOTS / f"dailies-review-{name}.png"), full_page=False)
        tab.page.screenshot(path=str(SCREENSHOTS / f"dailies-review-{name}-full.png"), full_page=True)
        tab.assert_healthy()
