"""The board's and the schedule's controls (issue 16), by keyboard, in a real Chromium against the real running Slate.

Each test would have caught one of the broken controls the audit found:
- a strip's ⋮ menu opens with Enter or Space (it used to start a drag of the strip), and "Move to the end of Day N" /
  "Add to the end of Day N" put the strip last on that day (the page used to send Number.MAX_SAFE_INTEGER, which the
  server refused); "Move up" reorders without a drag; focus stays on the moved strip's menu, also after "Unschedule";
- a board card's status menu gives focus back to the card's menu button in its new column (it fell to <body>);
- cards, strips and pool scenes are no buttons with controls inside: each has a drag handle, and a drag by keyboard
  from it leaves focus on the handle where the item landed;
- the dashboard's "All jobs" goes to the production's jobs page (it went to /jobs, which has no route);
- /favicon.ico is the app's icon and /robots.txt a real file, and a file name the app does not have is a 404 (all were
  the app's HTML with 200).
Then axe-core on the board, schedule, day out of days, call sheets and a call sheet at 1440x900 (the owner, who
schedules) and on a 1024x768 touch tablet (the director, who sees the schedule read-only), dark and light scheme: no
critical or serious violation, and one <h1>. Screenshots of the board and the
schedule go to test-artifacts/screenshots/controls-*.png.
Fixtures: `slate_app` and `chromium` (tests/e2e/conftest.py), `tabs` (tests/e2e/test_browser.py).
"""
from __future__ import annotations

import json
import re
import secrets

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.browser import DESKTOP, PAGE_MS, SCREENSHOTS, TIMEOUT_MS, Tab, api, axe_violations, board_column, eventually, scene_card, sign_in, tid
from tests.e2e.conftest import SlateServer, serve_built_app
from tests.e2e.test_browser import new_scene, tabs  # noqa: F401  (the signed-in tabs fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(300)]

TABLET = {"width": 1024, "height": 768}
SCHEME_TOGGLE = re.compile(r"colou?r scheme|theme|(dark|light) (mode|scheme)", re.I)  # the top bar's toggle


def strips_of(tab: Tab, day_id: int) -> list[int]:
    """The scene ids on a shoot day, in the server's order."""
    rows = api(tab, "GET", f"/api/strips/?shoot_day={day_id}")
    rows = rows["results"] if isinstance(rows, dict) else rows
    return [r["scene"] for r in sorted(rows, key=lambda r: r["position"])]


def choose(page: Page, item: str) -> None:
    """In the menu opening now, ArrowDown until the item with test id `item` has focus, then Enter (the keyboard only)."""
    expect(page.locator('[role="menuitem"]:focus')).to_have_count(1)  # the menu is open, focus on its first item
    # As many presses as the menu has items (a strip's menu has one per shoot day: any number of them)
    items = page.evaluate("() => document.activeElement.closest('[role=menu]')?.querySelectorAll('[role=menuitem]').length ?? 0")
    for _ in range(items + 1):
        if page.evaluate("() => document.activeElement?.dataset?.testid") == item:
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement?.dataset?.testid") == item, f"{item} never got focus in the menu"
    page.keyboard.press("Enter")


def focused_testid(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName")


def menu_axe(page: Page) -> list[dict]:
    """axe in the open menu (axe_violations waits for its fade-in to end)."""
    return axe_violations(page, '[role="menu"]')


def announced(page: Page) -> Locator:
    """dnd-kit's live region: what a screen reader hears during a drag (the picked-up item, what it is over)."""
    return page.locator('[id^="DndLiveRegion"]')


def no_nested_controls(page: Page) -> None:
    """No control holds another (the card, strip or pool scene itself is not a button; axe: nested-interactive)."""
    nested = page.locator('[role="button"] a, [role="button"] button, [role="button"] [role="button"], button button, button a')
    expect(nested).to_have_count(0)


# --- the schedule -----------------------------------------------------------------------------------

def test_strip_menus_open_by_keyboard_and_put_strips_at_the_end_of_a_day_keeping_focus(tabs, slate_app: SlateServer):  # noqa: F811
    alice = tabs("alice")
    production = slate_app.production_id
    year = 2040 + secrets.randbelow(40)
    first, second, third = (new_scene(alice, slate_app, name) for name in ("BOATHOUSE", "FERRY DECK", "SIGNAL BOX"))
    day1 = api(alice, "POST", "/api/shoot-days/", {"production": production, "date": f"{year}-06-01"}, expect_status=201)
    day2 = api(alice, "POST", "/api/shoot-days/", {"production": production, "date": f"{year}-06-02"}, expect_status=201)
    api(alice, "POST", "/api/strips/", {"shoot_day": day1["id"], "kind": "scene", "scene": first["id"]}, expect_status=201)
    api(alice, "POST", "/api/strips/", {"shoot_day": day2["id"], "kind": "scene", "scene": second["id"]}, expect_status=201)
    n1, n2 = (api(alice, "GET", f"/api/shoot-days/{d['id']}/")["number"] for d in (day1, day2))
    page = alice.page

    alice.goto(f"/productions/{production}/schedule")
    day1_box, day2_box = tid(f"shoot-day-{n1}"), tid(f"shoot-day-{n2}")
    strip = lambda box, scene: alice.locator(f'{box} {tid("strip")}[data-scene-id="{scene["id"]}"]')  # noqa: E731
    expect(strip(day1_box, first)).to_be_visible(timeout=PAGE_MS)
    alice.wait_live()
    no_nested_controls(page)

    # The strip's handle and its menu are two stops of the Tab order; Enter on the menu opens it (no drag starts)
    strip(day1_box, first).locator(tid("drag-handle")).focus()
    page.keyboard.press("Tab")
    expect(strip(day1_box, first).locator(tid("strip-menu"))).to_be_focused()
    page.keyboard.press("Enter")
    strip_menu = page.get_by_role("menu", name=f"Scene {first['number']} actions")
    expect(strip_menu).to_be_visible()
    expect(strip(day1_box, first).locator(tid("drag-handle"))).not_to_have_attribute("aria-pressed", "true")
    expect(strip_menu.get_by_role("menuitem").and_(page.locator(":focus"))).to_have_count(1)  # focus is in it
    assert not menu_axe(page), "the strip's open menu"

    # "Move to the end of Day n2": the strip goes after the scene already there, and focus stays on its menu
    choose(page, f"strip-move-to-day-{n2}")
    expect(strip(day2_box, first)).to_be_visible()
    eventually(lambda: strips_of(alice, day2["id"]) == [second["id"], first["id"]], what="the strip saved at the end of the day")
    assert strips_of(alice, day1["id"]) == []
    expect(strip(day2_box, first).locator(tid("strip-menu"))).to_be_focused()

    # Reordering without a drag (WCAG 2.5.7): the menu opens on "Move up", the first thing it can do; focus stays
    page.keyboard.press("Enter")
    expect(alice.by_testid("strip-move-up")).to_be_focused()
    page.keyboard.press("Enter")
    eventually(lambda: strips_of(alice, day2["id"]) == [first["id"], second["id"]], what="the strip moved up a place")
    expect(alice.locator(f'{day2_box} {tid("strip")}').first).to_have_attribute("data-scene-id", str(first["id"]))
    expect(strip(day2_box, first).locator(tid("strip-menu"))).to_be_focused()

    # The pool's menu opens with Space; "Add to the end of Day n2" schedules the scene last, focus on its new strip's menu
    pool_scene = alice.locator(f'{tid("pool-scene")}[data-scene-id="{third["id"]}"]')
    pool_scene.locator(tid("pool-menu")).focus()
    page.keyboard.press("Space")
    # (named: the strip's menu, just closed, may still be in its fade-out)
    expect(page.get_by_role("menu", name=f"Schedule scene {third['number']}")).to_be_visible()
    assert not menu_axe(page), "the pool scene's open menu"
    choose(page, f"pool-add-to-day-{n2}")
    expect(strip(day2_box, third)).to_be_visible()
    eventually(lambda: strips_of(alice, day2["id"]) == [first["id"], second["id"], third["id"]], what="the scene scheduled at the end")
    expect(strip(day2_box, third).locator(tid("strip-menu"))).to_be_focused()

    # "Unschedule": the scene is back in the pool, focus on its menu there
    page.keyboard.press("Enter")
    choose(page, "strip-unschedule")
    expect(pool_scene).to_be_visible()
    eventually(lambda: strips_of(alice, day2["id"]) == [first["id"], second["id"]], what="the strip taken off the schedule")
    expect(pool_scene.locator(tid("pool-menu"))).to_be_focused()

    # A drag by keyboard from the handle: Space picks the strip up, ArrowRight is the pool, Space drops it there;
    # focus is on the scene's handle in the pool
    strip(day2_box, first).locator(tid("drag-handle")).focus()
    page.keyboard.press("Space")
    expect(strip(day2_box, first).locator(tid("drag-handle"))).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowRight")
    expect(announced(page)).to_contain_text("is over the unscheduled pool")
    page.keyboard.press("Space")
    moved = alice.locator(f'{tid("pool-scene")}[data-scene-id="{first["id"]}"]')
    expect(moved).to_be_visible()
    eventually(lambda: strips_of(alice, day2["id"]) == [second["id"]], what="the strip dropped on the pool")
    expect(moved.locator(tid("drag-handle"))).to_be_focused()
    alice.assert_healthy()


# --- the board ------------------------------------------------------------------------------------

def test_board_card_menu_and_keyboard_drag_give_focus_back_in_the_cards_new_column(tabs, slate_app: SlateServer):  # noqa: F811
    alice = tabs("alice")
    scene = new_scene(alice, slate_app, "COAL YARD")
    page = alice.page
    alice.goto(f"/productions/{slate_app.production_id}/board")
    card = lambda status: alice.locator(f"{board_column(status)} {scene_card(scene['id'])}")  # noqa: E731
    expect(card("not_started")).to_be_visible(timeout=PAGE_MS)
    alice.wait_live()
    no_nested_controls(page)

    # Handle, link, menu: three stops of the Tab order; the menu opens with Enter
    card("not_started").locator(tid("drag-handle")).focus()
    page.keyboard.press("Tab")
    expect(card("not_started").locator(tid("scene-link"))).to_be_focused()
    page.keyboard.press("Tab")
    expect(card("not_started").locator(tid("scene-status-menu"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("menu")).to_be_visible()
    expect(alice.by_testid("status-option-in_progress")).to_be_focused()  # the first status it can go to: arrows go on
    assert not menu_axe(page), "the card's open status menu"

    # Choosing a status moves the card; focus is on its menu button in the new column, not on <body>
    choose(page, "status-option-in_progress")
    expect(card("in_progress")).to_be_visible()
    expect(card("in_progress").locator(tid("scene-status-menu"))).to_be_focused()
    eventually(lambda: api(alice, "GET", f"/api/scenes/{scene['id']}/")["status"] == "in_progress", what="the status saved")

    # A drag by keyboard from the handle: Space, ArrowRight (the next column: completed), Space; focus on the handle where it landed.
    # The handle takes a drag once the tablet has the server's answer to the move (the server may have saved it before
    # the answer arrives: until then the card is still being sent, and its handle is disabled).
    expect(card("in_progress").locator(tid("drag-handle"))).to_have_attribute("aria-disabled", "false")
    card("in_progress").locator(tid("drag-handle")).focus()
    page.keyboard.press("Space")
    expect(card("in_progress").locator(tid("drag-handle"))).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowRight")
    expect(announced(page)).to_contain_text("is over Completed")
    page.keyboard.press("Space")
    expect(card("completed")).to_be_visible()
    expect(card("completed").locator(tid("drag-handle"))).to_be_focused()
    eventually(lambda: api(alice, "GET", f"/api/scenes/{scene['id']}/")["status"] == "completed", what="the dropped status saved")
    alice.assert_healthy()


def test_a_scenes_assigned_crew_is_picked_by_keyboard_and_saved(tabs, slate_app: SlateServer):  # noqa: F811
    """The scene page's "Assigned" is a button until pressed (the MultiSelect mounts then: docs/performance.md, "Sixth
    pass"): Enter opens the searchable list with the focus in it; typing and Enter pick Bob, who is saved and shown."""
    alice = tabs("alice")
    scene = new_scene(alice, slate_app, "SIGNAL BOX")
    page = alice.page
    alice.goto(f"/productions/{slate_app.production_id}/scenes/{scene['id']}")
    button = page.get_by_role("button", name="Assigned Nobody")
    expect(button).to_be_visible(timeout=PAGE_MS)
    alice.wait_live()

    button.focus()
    page.keyboard.press("Enter")
    search = alice.by_testid("scene-assignees")
    expect(search).to_be_focused()
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.type("Bob")
    expect(page.get_by_role("option", name="Bob Okafor")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    bob = slate_app.members["bob"].id
    eventually(lambda: api(alice, "GET", f"/api/scenes/{scene['id']}/")["assignees"] == [bob], what="Bob assigned")
    expect(search).to_be_focused()  # still in the control: more can be picked

    # On the page's next load the button says who is assigned
    alice.goto(f"/productions/{slate_app.production_id}/scenes/{scene['id']}")
    expect(page.get_by_role("button", name="Assigned Bob Okafor")).to_be_visible(timeout=PAGE_MS)
    alice.assert_healthy()


# --- the dashboard, and paths that are not pages ----------------------------------------------------

def test_dashboard_all_jobs_opens_the_productions_jobs_page(tabs, slate_app: SlateServer):  # noqa: F811
    alice = tabs("alice")
    production = slate_app.production_id
    alice.goto(f"/productions/{production}/")
    link = alice.by_testid("dashboard-all-jobs")
    expect(link).to_be_visible(timeout=PAGE_MS)
    link.focus()
    alice.page.keyboard.press("Enter")
    expect(alice.page).to_have_url(f"{slate_app.base_url}/productions/{production}/jobs")
    expect(alice.by_testid("jobs-filter")).to_be_visible(timeout=PAGE_MS)
    alice.assert_healthy()


def test_favicon_and_robots_are_real_files_and_other_file_names_are_404(tabs, slate_app: SlateServer):  # noqa: F811
    alice = tabs("alice")
    request = alice.page.context.request
    icon = request.get(f"{slate_app.base_url}/favicon.ico", timeout=TIMEOUT_MS)  # follows the redirect to the PNG
    assert icon.status == 200 and icon.headers["content-type"] == "image/png", (icon.status, icon.headers)
    assert icon.body()[:8] == b"\x89PNG\r\n\x1a\n"
    robots = request.get(f"{slate_app.base_url}/robots.txt", timeout=TIMEOUT_MS)
    assert robots.status == 200 and robots.headers["content-type"].startswith("text/plain"), robots.headers
    assert robots.text().startswith("User-agent: *")
    for path in ("/apple-touch-icon-precomposed.png", "/sitemap.xml", "/productions/1/board.json"):
        response = request.get(f"{slate_app.base_url}{path}", timeout=TIMEOUT_MS)
        assert response.status == 404 and '<div id="root">' not in response.text(), (path, response.status)


# --- axe on the board and the schedule's pages ---------------------------------------------------------

def check_both_schemes(page: Page, name: str, heading: str) -> list[str]:
    """axe in the scheme the page has, then in the other one (the app's own toggle, no reload): what it found."""
    problems = []
    for _ in range(2):
        scheme = page.locator("html").get_attribute("data-mantine-color-scheme")
        h1 = page.get_by_role("heading", level=1)
        if h1.count() != 1 or not h1.inner_text().strip().startswith(heading):
            problems.append(f"{name} ({scheme}): <h1> {h1.all_inner_texts()}, expected one starting {heading!r}")
        found = axe_violations(page)
        if found:
            problems.append(f"{name} ({scheme}): {json.dumps(found, indent=1)[:4000]}")
        page.get_by_role("button", name=SCHEME_TOGGLE).first.click()
        expect(page.locator("html")).not_to_have_attribute("data-mantine-color-scheme", scheme or "")
    return problems


def test_board_and_schedule_pages_have_no_serious_axe_violations_at_desktop_and_tablet_sizes(request, chromium: Browser, slate_app: SlateServer):
    serve_built_app(slate_app)
    production = slate_app.production_id
    # A schedule with a strip of each tint (INT/EXT by day and night, each with its synopsis, the smaller text on the
    # tint), a banner, a cast member in the scene (a row of the day out of days, a cast call) and a call sheet, made
    # before any page opens
    client = slate_app.session_client("alice")
    year = 2040 + secrets.randbelow(40)
    scenes = [client.post("/api/scenes/", {"production": production, "number": f"X{secrets.token_hex(3).upper()}", "int_ext": int_ext,
                                           "location": "QUARRY", "time_of_day": time_of_day, "synopsis": "Dust hangs over the cut face."})
              for int_ext, time_of_day in (("EXT", "DAY"), ("EXT", "NIGHT"), ("INT", "DAY"), ("INT", "NIGHT"))]
    scene = scenes[0]
    actor = client.post("/api/cast-members/", {"production": production, "name": "Ines Quarry", "cast_id": 90 + secrets.randbelow(900)})
    client.post("/api/characters/", {"production": production, "name": f"FOREMAN {secrets.token_hex(2).upper()}",
                                     "cast_member": actor["id"], "scenes": [scene["id"]]})
    day = client.post("/api/shoot-days/", {"production": production, "date": f"{year}-09-01"})
    for each in scenes:
        client.post("/api/strips/", {"shoot_day": day["id"], "kind": "scene", "scene": each["id"]})
    client.post("/api/strips/", {"shoot_day": day["id"], "kind": "banner", "text": "COMPANY MOVE"})
    sheet = client.post("/api/call-sheets/", {"production": production, "shoot_day": day["id"]})
    number = client.get(f"/api/shoot-days/{day['id']}/")["number"]
    pages = [
        ("board", f"/productions/{production}/board", board_column("not_started"), "Scene board"),
        ("schedule", f"/productions/{production}/schedule", f'{tid("strip")}[data-scene-id="{scene["id"]}"]', "Schedule"),
        ("dood", f"/productions/{production}/dood", tid(f"dood-row-{actor['id']}"), "Day out of days"),
        ("call sheets", f"/productions/{production}/call-sheets", tid(f"call-sheet-day-{number}"), "Call sheets"),
        ("call sheet", f"/productions/{production}/call-sheets/{sheet['id']}", tid("call-sheet-title"), f"Call sheet — Day {number}"),
    ]
    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The owner (who may change the schedule: handles and menus) at desktop size, the director (who sees it read-only)
    # on the tablet
    for who, size, viewport, touch in (("alice", "1440x900", DESKTOP, False), ("bob", "1024x768 touch", TABLET, True)):
        context = chromium.new_context(viewport=viewport, has_touch=touch, base_url=slate_app.base_url)
        tab = Tab.open(context, f"{who}-{size.replace(' ', '-')}", slate_app.base_url)
        try:
            sign_in(tab, slate_app.members[who], path=pages[0][1])
            for name, path, ready, heading in pages:
                if tab.path() != path:
                    tab.goto(path)
                expect(tab.locator(ready).first).to_be_visible(timeout=PAGE_MS)
                if name in ("board", "schedule"):  # the drag handles, as they look
                    tab.page.screenshot(path=str(SCREENSHOTS / f"controls-{name}-{viewport['width']}x{viewport['height']}.png"))
                problems += check_both_schemes(tab.page, f"{name} at {size} ({who})", heading)
            tab.assert_healthy()
        except BaseException:
            tab.save_failure(request.node.name)
            raise
        finally:
            context.close()
    assert not problems, "\n\n".join(problems)
