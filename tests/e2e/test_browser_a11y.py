"""Accessibility of every page of the browser app (issue 16, WCAG 2.2 AA), in a real Chromium against the running Slate.

The demo production (`manage.py load_demo`: a screenplay, its breakdown, shoot days, a shot day's takes, a call sheet
and one processed clip, plus a prop) on a Slate of this module's own, signed in as its owner. Every page — sign-in,
register, forgot and reset password, the productions, account and notification settings, operations, and each page of
the production (dashboard, board, a scene, the screenplay, dailies, a daily's review, jobs, crew, the four breakdown
tabs, schedule, DOOD, call sheets, a call sheet, the take log, the day report and the audit log) — at 1440x900 and on a 1024x768 touch tablet, in the dark and then (switched
in place, no reload) the light scheme: axe-core finds no critical or serious violation (WCAG 2.0-2.2 A/AA and best practice); it has one <h1> and one
main landmark, and its first Tab stop is a skip link that moves focus to the main landmark. Opened from the keyboard,
the new production dialog, a prop's status menu, a delete confirmation, the add prop form, the notifications, the
account menu and a scene card's menu pass axe and give focus back to their opener when Escape closes them; so does
the synopsis editor; the mention suggestions are named by the comment box. Keyboard focus shows as a ring of 2 px or
more at 3:1 or more on a text field, the continuity photo picker (a real button after the note, not a 1 px input), a
link and a button. One browser context per size and scheme, reused by every test (the pages' sweep uses the dark ones).
Screenshots at 1024x768 in the light scheme go to test-artifacts/screenshots/a11y-*.png. Fixtures: `built_app`, `chromium` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browser import DESKTOP, PAGE_MS, SCREENSHOTS, TIMEOUT_MS, WCAG_TAGS, Tab, axe_violations, eventually, sign_in, still, tid
from tests.e2e.conftest import APP_INDEX, SHARED_DATA, Member, SlateServer, serve, serve_built_app

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

TABLET = {"width": 1024, "height": 768}
# name: (viewport, touch, colour scheme)
LOOKS = {
    "desktop-dark": (DESKTOP, False, "dark"),
    "desktop-light": (DESKTOP, False, "light"),
    "tablet-dark": (TABLET, True, "dark"),
    "tablet-light": (TABLET, True, "light"),
}
DEMO_SCRIPT = "fountain/public-domain/ASCENT_TO_GURU_PEAK.fountain"   # apps/demo/management/commands/load_demo.py
DEMO_CLIP = "video/big_buck_bunny_432_433_vp8_vorbis_1s.webm"        # the smallest clip: one daily, processed

# Every page: (name, path; {p} production, {scene}, {asset}, {sheet}), whether it needs someone signed in.
PAGES = [
    ("sign-in", "/signin", False),
    ("register", "/register", False),
    ("forgot-password", "/forgot-password", False),
    ("reset-password", "/reset-password?uid=MQ&token=abc-123", False),
    ("productions", "/", True),
    ("account-settings", "/settings/account", True),
    ("notification-settings", "/settings/notifications", True),
    ("operations", "/operations", True),
    ("dashboard", "/productions/{p}", True),
    ("board", "/productions/{p}/board", True),
    ("scene", "/productions/{p}/scenes/{scene}", True),
    ("screenplay", "/productions/{p}/script", True),
    ("dailies", "/productions/{p}/dailies", True),
    ("daily-review", "/productions/{p}/dailies/{asset}", True),
    ("jobs", "/productions/{p}/jobs", True),
    ("crew", "/productions/{p}/members", True),
    ("breakdown-cast", "/productions/{p}/breakdown?tab=cast", True),
    ("breakdown-characters", "/productions/{p}/breakdown?tab=characters", True),
    ("breakdown-props", "/productions/{p}/breakdown?tab=props", True),
    ("breakdown-locations", "/productions/{p}/breakdown?tab=locations", True),
    ("schedule", "/productions/{p}/schedule", True),
    ("dood", "/productions/{p}/dood", True),
    ("call-sheets", "/productions/{p}/call-sheets", True),
    ("call-sheet", "/productions/{p}/call-sheets/{sheet}", True),
    ("take-log", "/productions/{p}/takes", True),
    ("day-report", "/productions/{p}/takes/report", True),
    ("audit-log", "/productions/{p}/audit", True),
]
# The pages' sweep asks axe's best-practice rules too (headings, landmarks, empty table headers); their critical and
# serious findings count like the WCAG ones.
SWEEP_TAGS = (*WCAG_TAGS, "best-practice")
SCREENSHOT_PAGES = ("productions", "dashboard", "scene", "screenplay", "crew", "take-log", "sign-in")


@dataclass
class Demo:
    """The demo production's ids the pages need."""

    production: int
    scene: int
    asset: int
    sheet: int

    def path(self, template: str) -> str:
        return template.format(p=self.production, scene=self.scene, asset=self.asset, sheet=self.sheet)


def load_demo(server: SlateServer) -> Demo:
    """`manage.py load_demo` on `server` from a copy of the shared data with one small clip; its owner joins `members` as "demo"."""
    share = server.tmp / "share"
    for name in (DEMO_SCRIPT, DEMO_CLIP):
        (share / name).parent.mkdir(parents=True, exist_ok=True)
        (share / name).symlink_to(SHARED_DATA / name)
    password = f"e2e-{secrets.token_urlsafe(12)}"
    server._manage(["load_demo"], timeout=300, extra_env={"SLATE_SHARED_DATA": str(share), "SLATE_DEMO_PASSWORD": password})
    [(user_id,)] = server.db_rows("SELECT id FROM accounts_user WHERE username = %s", ("demo",))
    server.members["demo"] = Member("demo", user_id, "demo", "Dana Demo", password)
    client = server.session_client("demo")
    production = next(p["id"] for p in client.get("/api/productions/")["results"] if p["code"] == "DEMO-GURU")
    scenes = client.get(f"/api/scenes/?production={production}&ordering=script_order")["results"]
    [asset] = client.get(f"/api/media/?production={production}&kind=video")["results"]
    # The clip's poster is made during the load; its proxy, filmstrip and waveform by the worker after it.
    eventually(lambda: client.get(f"/api/media/{asset['id']}/")["status"] in ("ready", "failed"), timeout_s=120,
               what="the demo clip's processing")
    sheet = client.get(f"/api/call-sheets/?production={production}")["results"][0]
    # A prop (the demo has none): the props tab's status menu and its delete confirmation are checked too.
    client.post("/api/props/", {"production": production, "name": "Climbing rope", "scenes": [scenes[0]["id"]]})
    return Demo(production, scenes[0]["id"], asset["id"], sheet["id"])


@pytest.fixture(scope="module")
def a11y_slate(request, built_app: Path):
    """This module's own running Slate with the demo production loaded, serving the built app."""
    running = serve(request, SlateServer())
    server = next(running)
    try:
        server.demo = load_demo(server)
        serve_built_app(server)
        yield server
    finally:
        next(running, None)


@pytest.fixture(scope="module")
def looks(chromium: Browser, a11y_slate: SlateServer):
    """`looks(name, signed_in)`: the one tab of that size and scheme (LOOKS), made the first time it is asked for."""
    made: dict[tuple[str, bool], Tab] = {}

    def tab_for(name: str, signed_in: bool) -> Tab:
        # Again: another build meanwhile (the checkout is shared) gives the assets new names; wait out one that is writing.
        eventually(APP_INDEX.exists, timeout_s=120, what="static/app/index.html (a build is writing it)")
        serve_built_app(a11y_slate)
        if (name, signed_in) not in made:
            viewport, touch, scheme = LOOKS[name]
            context = chromium.new_context(viewport=viewport, has_touch=touch, base_url=a11y_slate.base_url,
                                           color_scheme=scheme, service_workers="block")
            # Mantine's own key for the chosen scheme (main.tsx's MantineProvider reads it at start).
            context.add_init_script(f"localStorage.setItem('mantine-color-scheme-value', {json.dumps(scheme)})")
            tab = Tab.open(context, f"demo-{name}", a11y_slate.base_url)
            if signed_in:
                sign_in(tab, a11y_slate.members["demo"])
            made[(name, signed_in)] = tab
        return made[(name, signed_in)]

    yield tab_for
    for tab in made.values():
        tab.page.context.close()


def settle(page: Page) -> None:
    """Wait until the page has loaded what it shows: no request in flight, no loader or "Loading…" left, nothing moving."""
    page.wait_for_load_state("networkidle", timeout=PAGE_MS)
    page.wait_for_function("""() => !document.querySelector('.mantine-Loader, .mantine-Skeleton')
        && !document.body.innerText.includes('Loading…')""", timeout=PAGE_MS)
    still(page)


def open_page(tab: Tab, path: str) -> None:
    tab.goto(path)
    settle(tab.page)
    expect(tab.page.locator("h1").first).to_be_visible(timeout=PAGE_MS)


def structure_problems(page: Page) -> list[str]:
    """What is missing of the page's outline: one h1, one main landmark, a skip link first that moves focus to main."""
    problems = []
    if (h1 := page.locator("h1").count()) != 1:
        problems.append(f"{h1} <h1> elements, not 1")
    if (mains := page.locator("main, [role=main]").count()) != 1:
        problems.append(f"{mains} main landmarks, not 1")
    page.keyboard.press("Tab")
    first = page.evaluate("() => ({ tag: document.activeElement.tagName, text: document.activeElement.textContent, "
                          "href: document.activeElement.getAttribute('href') })")
    if first["tag"] != "A" or "skip" not in (first["text"] or "").lower():
        problems.append(f"the first Tab stop is {first}, not a skip link")
        return problems
    page.keyboard.press("Enter")
    if not page.evaluate("() => !!document.activeElement?.closest('main, [role=main]')"):
        problems.append("the skip link does not move focus to the main landmark")
    return problems


@pytest.fixture(autouse=True)
def screenshots_folder() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def switch_scheme(page: Page, scheme: str) -> None:
    """Switch the open page to `scheme` the way another tab's choice reaches it: Mantine's colour scheme manager hears
    the `storage` event of its key (localStorageColorSchemeManager), no reload. Returns once the page shows it."""
    page.evaluate("""(scheme) => {
        localStorage.setItem('mantine-color-scheme-value', scheme);
        window.dispatchEvent(new StorageEvent('storage', { key: 'mantine-color-scheme-value', newValue: scheme, storageArea: localStorage }));
    }""", scheme)
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", scheme)
    still(page)


@pytest.mark.parametrize("size", ["desktop", "tablet"])
@pytest.mark.parametrize("name,template,signed_in", [pytest.param(*page, id=page[0]) for page in PAGES])
def test_the_page_has_no_serious_violations_one_h1_a_main_landmark_and_a_skip_link(looks, a11y_slate, size, name, template, signed_in):
    """Each page once per size, checked in the dark scheme and then, switched in place, in the light one."""
    tab = looks(f"{size}-dark", signed_in)
    open_page(tab, a11y_slate.demo.path(template))
    expect(tab.locator("html")).to_have_attribute("data-mantine-color-scheme", "dark")
    findings = []
    try:
        for scheme in ("dark", "light"):
            if scheme != "dark":
                switch_scheme(tab.page, scheme)
            violations = axe_violations(tab.page, tags=SWEEP_TAGS)
            if size == "tablet" and scheme == "light" and name in SCREENSHOT_PAGES:
                tab.page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{size}-{scheme}.png"))
            problems = structure_problems(tab.page) if scheme == "dark" else []  # the outline is the same in both
            if violations or problems:
                findings.append(f"{name} at {size}, {scheme}: {problems}\n{json.dumps(violations, indent=1)[:8000]}")
    finally:
        switch_scheme(tab.page, "dark")  # the context is the next page's too
    assert not findings, "\n\n".join(findings)
    tab.assert_healthy()


def focused(page: Page) -> dict:
    """The element with focus: its test id, tag, size, and the ring drawn around it (outline) against the page's colour."""
    return page.evaluate("""() => {
        const e = document.activeElement, box = e.getBoundingClientRect(), style = getComputedStyle(e);
        return { testid: e.getAttribute('data-testid'), tag: e.tagName, width: box.width, height: box.height,
                 outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), outlineColor: style.outlineColor,
                 body: getComputedStyle(document.body).backgroundColor };
    }""")


def rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two CSS rgb() colours."""
    def luminance(colour: str) -> float:
        channels = [c / 255 for c in rgb(colour)]
        r, g, b_ = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def keyboard_focus(page: Page, locator) -> dict:
    """Put keyboard focus on `locator` the way Tab does (focus it, Shift+Tab away, Tab back): :focus-visible applies."""
    locator.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    return focused(page)


def assert_ring(page: Page, what: str, locator) -> None:
    """`locator` has keyboard focus, is visibly there (not a 1 px input) and wears a ring of 2 px or more at 3:1 or more."""
    state = keyboard_focus(page, locator)
    assert state["width"] >= 8 and state["height"] >= 8, f"{what}: focus is on something hardly visible: {state}"
    assert state["outline"] not in ("none", "hidden") and state["outlineWidth"] >= 2, f"{what}: no focus ring: {state}"
    assert contrast(state["outlineColor"], state["body"]) >= 3, f"{what}: the focus ring is under 3:1 on the page: {state}"


def open_with_keyboard(page: Page, opener, opened: str) -> None:
    """Enter on `opener` (keyboard focus on it first); returns once focus is inside what it opened (`opened`, CSS)."""
    keyboard_focus(page, opener)
    page.keyboard.press("Enter")
    page.wait_for_function("(selector) => !!document.activeElement?.closest(selector)", arg=opened, timeout=TIMEOUT_MS)


def round_trip(page: Page, opener, role: str, name: str | None = None, *, ready: str | None = None) -> list[dict]:
    """Open what `opener` opens (a `role` "menu" or "dialog") with the keyboard, run axe inside it once it is still (and
    shows `ready`, CSS, when given), close it with Escape, and check focus is back on `opener`. Answers axe's critical
    and serious violations."""
    open_with_keyboard(page, opener, f"[role={role}]")
    popup = page.get_by_role(role, name=name) if name else page.get_by_role(role)
    expect(popup).to_be_visible()
    if ready:
        expect(popup.locator(ready).first).to_be_visible()
    still(page)
    found = axe_violations(page, f"[role={role}]")
    page.keyboard.press("Escape")
    expect(popup).to_be_hidden()
    expect(opener).to_be_focused()
    return found


@pytest.mark.parametrize("look", list(LOOKS))
def test_menus_popovers_and_dialogs_pass_axe_show_focus_and_give_it_back(looks, a11y_slate, look):
    tab = looks(look, True)
    page, demo = tab.page, a11y_slate.demo
    found: dict[str, list[dict]] = {}

    # The productions: "New production" opens a dialog
    open_page(tab, "/")
    found["the new production dialog"] = round_trip(page, page.get_by_role("button", name="New production"), "dialog", "New production")

    # The props tab: a prop's status menu, and a delete confirmation
    open_page(tab, demo.path("/productions/{p}/breakdown?tab=props"))
    found["a prop's status menu"] = round_trip(page, tab.by_testid("prop-status-button").first, "menu")
    found["the delete confirmation"] = round_trip(page, tab.by_testid("row-delete").first, "dialog")
    found["the add prop form"] = round_trip(page, tab.by_testid("props-add"), "dialog", "Add prop")  # mounted while open

    # The bell is the button that opens the notifications dialog (focus goes into it); the account menu's button's
    # name starts with the initials it shows
    open_page(tab, demo.path("/productions/{p}/scenes/{scene}"))
    bell = tab.by_testid("notification-bell")
    expect(bell).to_have_attribute("aria-haspopup", "dialog")
    expect(bell).to_have_attribute("aria-expanded", "false")
    found["the notifications"] = round_trip(page, bell, "dialog", "Notifications",
                                            ready=f'{tid("notification-item")}, {tid("notification-empty")}')
    account = tab.by_testid("user-menu")
    expect(account).to_have_accessible_name(re.compile(r"^DD\b"))
    found["the account menu"] = round_trip(page, account, "menu")

    # An inline editor: Escape closes the synopsis' and focus is back on its Edit button (which was gone meanwhile)
    keyboard_focus(page, tab.by_testid("synopsis-edit"))
    page.keyboard.press("Enter")
    expect(tab.by_testid("synopsis-input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(tab.by_testid("synopsis-edit")).to_be_focused()

    # Mentions: the comment box names its suggestions and the highlighted one; Escape closes them and typing goes on
    comment = tab.by_testid("comment-body")
    comment.focus()
    page.keyboard.type("Thanks @")
    suggestions = tab.by_testid("mention-suggestions")
    expect(suggestions).to_be_visible()
    expect(comment).to_have_attribute("aria-controls", suggestions.get_attribute("id") or "?")
    expect(comment).to_have_attribute("aria-activedescendant", tab.by_testid("mention-option").first.get_attribute("id") or "?")
    still(page)
    found["the mention suggestions"] = axe_violations(page, [tid("comment-body"), tid("mention-suggestions")])
    page.keyboard.press("Escape")
    expect(suggestions).to_be_hidden()
    expect(comment).to_be_focused()
    comment.fill("")

    # Visible focus: a text field, the photo picker (a real button, not a hidden file input), a link and a button
    assert_ring(page, "the note text field", tab.by_testid("note-body"))
    tab.by_testid("note-body").focus()
    page.keyboard.press("Tab")
    state = focused(page)
    assert state["testid"] == "note-photo-button", f"Tab from the note goes to {state}, not the photo picker"
    assert_ring(page, "the photo picker", tab.by_testid("note-photo-button"))
    assert_ring(page, "the back link", tab.by_testid("back-to-board"))
    assert_ring(page, "the add-note button", tab.by_testid("note-submit"))
    if look == "tablet-light":
        for testid in ("note-body", "note-photo-button"):
            keyboard_focus(page, tab.by_testid(testid))
            page.screenshot(path=str(SCREENSHOTS / f"a11y-focus-{testid}-{look}.png"))

    problems = {what: violations for what, violations in found.items() if violations}
    assert not problems, json.dumps(problems, indent=1)[:8000]
    tab.assert_healthy()


@pytest.mark.parametrize("look", list(LOOKS))
def test_a_scene_cards_menu_passes_axe_and_gives_focus_back(looks, a11y_slate, look):
    tab = looks(look, True)
    open_page(tab, a11y_slate.demo.path("/productions/{p}/board"))
    found = round_trip(tab.page, tab.by_testid("scene-status-menu").first, "menu")
    assert not found, json.dumps(found, indent=1)[:3000]
    tab.assert_healthy()
