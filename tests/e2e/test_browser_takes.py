"""The take log on a tablet (1024x768, touch) and the daily report, in a real Chromium against the running Slate.

Alice (owner, logging as the script supervisor would) picks the shot on a touch tablet, taps "New take", writes
the rolls and timecode, circles it, taps again (the rolls and lens carry over), and is told at once when a
timecode does not exist at the production's rate. Bob (director, on a laptop) has the same shot's log open and
sees each take arrive and change without a reload; then he has the day's report open while Alice rolls another
take, and the report's figures follow. The shot stays chosen on Alice's tablet after a reload. Every control of
the take log is at least 44 px, and axe-core finds no WCAG 2.x A/AA violation on the page. Screenshots at
1024x768 and 1440x900. Fixtures: `slate_app`, `chromium` (tests/e2e/conftest.py) and `tabs` (test_browser.py).
"""
from __future__ import annotations

import datetime as dt
import secrets

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import PAGE_MS, SCREENSHOTS, TIMEOUT_MS, Tab, api, axe_violations, eventually, sign_in
from tests.e2e.conftest import SlateServer
from tests.e2e.test_browser import tabs  # noqa: F401  (the signed-in tabs fixture, shared with the other browser tests)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def tablet(request, chromium: Browser, slate_app: SlateServer):
    """Alice signed in on a touch tablet context (1024x768, has_touch): taps are real touch events."""
    context = chromium.new_context(viewport=TABLET, has_touch=True, base_url=slate_app.base_url)
    tab = Tab.open(context, "alice-tablet", slate_app.base_url)
    failed_before = request.session.testsfailed
    sign_in(tab, slate_app.members["alice"])
    yield tab
    if request.session.testsfailed > failed_before:
        tab.save_failure(request.node.name)
    context.close()


def card(tab: Tab, number: int):
    return tab.locator(f'[data-testid="take-card"][data-take-number="{number}"]')


def small_targets(tab: Tab, selector: str) -> list[str]:
    """Visible buttons, inputs and toggles inside `selector` less than 44 px high or wide (WCAG 2.5.5's target size)."""
    return tab.page.evaluate("""(selector) => [...document.querySelectorAll(selector + " :is(button, input, textarea, [role=radio], a)")]
        .filter(e => e.offsetParent !== null && e.type !== "hidden" && getComputedStyle(e).opacity !== "0")
        .map(e => [e, (e.closest(".mantine-SegmentedControl-control, .mantine-Input-wrapper") || e).getBoundingClientRect()])
        .filter(([e, r]) => r.width > 0 && (r.width < 44 || r.height < 44))
        .map(([e, r]) => `${e.tagName} ${e.getAttribute("aria-label") || e.textContent.trim().slice(0, 30)} ${Math.round(r.width)}x${Math.round(r.height)}`)""", selector)


def test_the_take_log_on_a_tablet_logs_takes_live_and_the_day_report_follows(tablet: Tab, tabs, slate_app: SlateServer):  # noqa: F811
    production = slate_app.production_id
    alice = tablet
    scene = api(alice, "POST", "/api/scenes/", {"production": production, "number": f"T{secrets.token_hex(2).upper()}", "int_ext": "INT",
                                                 "location": "SCRIPT OFFICE", "time_of_day": "DAY", "page_eighths": 11}, expect_status=201)
    shot = api(alice, "POST", "/api/shots/", {"scene": scene["id"], "type": "MS", "lens_mm": 35, "description": "Ana at the desk"}, expect_status=201)
    log = f"/productions/{production}/takes"

    # Alice picks the scene and the shot by touch
    alice.goto(log)
    expect(alice.by_testid("take-log")).to_be_visible(timeout=PAGE_MS)
    alice.by_testid("pick-scene").tap()
    alice.page.get_by_role("option", name=f"{scene['number']} · {scene['slugline']}").tap()
    expect(alice.by_testid("pick-shot")).to_have_value(f"{shot['number']} · MS 35mm · Ana at the desk", timeout=TIMEOUT_MS)
    expect(alice.by_testid("new-take")).to_have_text("New take 1")

    # Bob has the same shot's log open on his laptop
    bob = tabs("bob")
    bob.goto(f"{log}?scene={scene['id']}&shot={shot['id']}")
    expect(bob.by_testid("take-log")).to_be_visible(timeout=PAGE_MS)
    for tab in (alice, bob):
        tab.wait_live()
    bob_mark = bob.mark_document()

    # One tap: take 1, which Bob sees arrive
    alice.by_testid("new-take").tap()
    expect(card(alice, 1)).to_be_visible(timeout=TIMEOUT_MS)
    expect(card(bob, 1)).to_be_visible(timeout=TIMEOUT_MS)
    first = card(alice, 1)
    expect(first.get_by_test_id("camera-lens")).to_have_value("35mm")  # from the shot's lens
    first.get_by_test_id("camera-roll").fill("a001")
    first.get_by_test_id("sound-roll").tap()  # leaving the roll saves it
    first.get_by_test_id("sound-roll").fill("s001")
    first.get_by_test_id("timecode-in").tap()
    first.get_by_test_id("timecode-in").fill("10000000")  # the number pad's digits
    first.get_by_test_id("timecode-out").tap()
    expect(first.get_by_test_id("timecode-in")).to_have_value("10:00:00:00", timeout=TIMEOUT_MS)
    first.get_by_test_id("timecode-out").fill("10:00:12:00")
    first.get_by_test_id("take-notes").tap()
    expect(first.get_by_test_id("take-duration")).to_have_text("0:12", timeout=TIMEOUT_MS)
    first.get_by_test_id("take-circle").tap()
    expect(first).to_have_attribute("data-circled", "true", timeout=TIMEOUT_MS)
    saved = eventually(lambda: [t for t in api(alice, "GET", f"/api/takes/?shot={shot['id']}")["results"] if t["circled"] and t["duration_frames"]],
                       what="take 1 saved with its rolls, timecode and circle")[0]
    assert (saved["cameras"], saved["sound_roll"], saved["duration_frames"]) == ([{"camera": "A", "roll": "A001", "lens": "35mm"}], "S001", 12 * 24)
    expect(card(bob, 1)).to_have_attribute("data-circled", "true", timeout=TIMEOUT_MS)
    expect(card(bob, 1).get_by_test_id("take-duration")).to_have_text("0:12")

    # The next tap: take 2, its rolls carried over; a timecode that does not exist at 24 fps is refused at once
    alice.by_testid("new-take").tap()
    second = card(alice, 2)
    expect(second).to_be_visible(timeout=TIMEOUT_MS)
    expect(second.get_by_test_id("camera-roll")).to_have_value("A001")
    expect(second.get_by_test_id("sound-roll")).to_have_value("S001")
    second.get_by_test_id("timecode-in").tap()
    second.get_by_test_id("timecode-in").fill("10:01:00:24")
    second.get_by_test_id("take-notes").tap()
    expect(alice.page.get_by_text("frames must be 00-23 at 24 fps")).to_be_visible(timeout=TIMEOUT_MS)
    assert api(alice, "GET", f"/api/takes/?shot={shot['id']}&ordering=number")["results"][1]["timecode_in"] == ""
    second.get_by_test_id("timecode-in").fill("10:01:00:23")
    second.get_by_test_id("take-notes").tap()
    expect(alice.page.get_by_text("frames must be 00-23 at 24 fps")).to_have_count(0, timeout=TIMEOUT_MS)

    # Bob marks take 2 NG on his laptop: Alice's tablet shows it
    expect(card(bob, 2)).to_be_visible(timeout=TIMEOUT_MS)
    card(bob, 2).get_by_test_id("take-ng").click()
    expect(second).to_have_attribute("data-no-good", "true", timeout=TIMEOUT_MS)
    bob.assert_same_document(bob_mark)

    # Every control of the take log is a finger's size, and axe-core finds nothing at tablet size
    assert small_targets(alice, '[data-testid="take-log"]') == []
    assert axe_violations(alice.page, '[data-testid="take-log"]', impacts=None) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice.page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    alice.page.screenshot(path=str(SCREENSHOTS / "take-log-1024x768.png"))
    alice.page.screenshot(path=str(SCREENSHOTS / "take-log-1024x768-full.png"), full_page=True)
    bob.page.screenshot(path=str(SCREENSHOTS / "take-log-1440x900.png"), full_page=True)

    # The shot stays chosen on the tablet
    alice.goto(log)
    expect(alice.by_testid("pick-shot")).to_have_value(f"{shot['number']} · MS 35mm · Ana at the desk", timeout=PAGE_MS)
    expect(card(alice, 2)).to_be_visible(timeout=TIMEOUT_MS)

    # Bob opens the day's report; Alice rolls take 3 and his figures follow without a reload
    rolled = dt.datetime.fromisoformat(saved["recorded_at"].replace("Z", "+00:00"))
    day = api(alice, "POST", "/api/shoot-days/", {"production": production, "date": rolled.date().isoformat(), "unit": "Main Unit"}, expect_status=201)

    def takes_in_day() -> int:
        window = api(alice, "GET", f"/api/shoot-days/{day['id']}/report/")["window"]
        start, end = (dt.datetime.fromisoformat(window[k]) for k in ("start", "end"))
        rows = api(alice, "GET", f"/api/takes/?production={production}&page_size=500")["results"]
        return sum(1 for t in rows if t["sound"] != "wild_track" and start <= dt.datetime.fromisoformat(t["recorded_at"].replace("Z", "+00:00")) < end)

    bob.goto(f"{log}/report")
    bob.by_testid("pick-day").click()
    bob.page.get_by_role("option", name=f"Day {day['number']} ·", exact=False).first.click()
    expect(bob.by_testid("day-report")).to_have_attribute("data-day", str(day["id"]), timeout=TIMEOUT_MS)
    before = takes_in_day()
    expect(bob.by_testid("figure-takes")).to_have_attribute("data-value", str(before), timeout=PAGE_MS)
    bob.wait_live()
    bob_mark = bob.mark_document()
    alice.by_testid("new-take").tap()
    expect(card(alice, 3)).to_be_visible(timeout=TIMEOUT_MS)
    expect(bob.by_testid("figure-takes")).to_have_attribute("data-value", str(before + 1), timeout=TIMEOUT_MS)
    assert takes_in_day() == before + 1
    expect(bob.locator(f'[data-testid="report-take"][data-take-id="{saved["id"]}"]')).to_be_visible()
    expect(bob.by_testid("download-production-pdf")).to_have_attribute("href", f"/api/shoot-days/{day['id']}/report/production.pdf")
    bob.assert_same_document(bob_mark)
    bob.page.screenshot(path=str(SCREENSHOTS / "day-report-1440x900.png"), full_page=True)
    alice.goto(f"{log}/report")
    expect(alice.by_testid("day-report")).to_be_visible(timeout=PAGE_MS)
    expect(alice.by_testid("report-takes")).to_be_visible(timeout=PAGE_MS)
    assert axe_violations(alice.page, '[data-testid="day-report"]', impacts=None) == []
    alice.page.screenshot(path=str(SCREENSHOTS / "day-report-1024x768.png"), full_page=True)
    for tab in (alice, bob):
        tab.assert_healthy()
