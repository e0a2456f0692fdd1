"""Helpers for the browser tests: Chromium of the OS, a signed-in member's tab, drag and drop, test images.

Playwright's sync API (tests/e2e/test_browser.py); every wait here has a timeout.
"""
from __future__ import annotations

import io
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from functools import cache
from typing import TYPE_CHECKING, Any, Callable, Sequence

from PIL import Image, ImageDraw
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, expect

if TYPE_CHECKING:
    from tests.e2e.conftest import Member, SlateServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "browser-failures"

AXE = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"   # frontend/package.json's devDependency
# The WCAG 2.0, 2.1 and 2.2 A and AA rules (issue 16's target); axe's best-practice rules are not asked for.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
SERIOUS = ("critical", "serious")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

DESKTOP = {"width": 1440, "height": 900}
TIMEOUT_MS = 10_000   # a live update: "within a second" is the target, not what is asserted
PAGE_MS = 15_000      # a page's first load (the app's bundle, then its API calls)


def launch(playwright: Playwright) -> Browser:
    """The OS's Chromium, headless (CONVENTIONS.md, "Browser tests")."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


def scene_card(scene_id: int) -> str:
    return f'{tid("scene-card")}[data-scene-id="{scene_id}"]'


def board_column(status: str) -> str:
    return tid(f"board-column-{status}")


@dataclass
class Tab:
    """One member's browser tab on the running Slate, with what went wrong in it (uncaught errors, failed requests,
    Content-Security-Policy violations)."""

    who: str
    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, context: BrowserContext, who: str, base_url: str) -> "Tab":
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.set_default_navigation_timeout(PAGE_MS)
        tab = cls(who, page, base_url)
        page.on("pageerror", lambda error: tab.errors.append(f"{error}"))
        page.on("response", lambda r: tab.failed_requests.append(f"{r.status} {r.request.method} {r.url}")
                if r.status >= 500 else None)
        page.on("console", lambda message: tab.csp_violations.append(message.text)
                if is_csp_violation(message.text) else None)
        return tab

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path, wait_until="domcontentloaded")

    def locator(self, selector: str) -> Locator:
        return self.page.locator(selector)

    def by_testid(self, name: str) -> Locator:
        return self.page.locator(tid(name))

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def mark_document(self) -> str:
        """Tag the current document; `assert_same_document` then proves no reload or full navigation happened."""
        mark = secrets.token_hex(8)
        self.page.evaluate("mark => { window.__slateTestMark = mark; }", mark)
        return mark

    def assert_same_document(self, mark: str) -> None:
        assert self.page.evaluate("() => window.__slateTestMark") == mark, f"{self.who}'s page was reloaded"

    def wait_live(self, timeout: int = PAGE_MS) -> None:
        expect(self.by_testid("connection")).to_have_attribute("data-status", "live", timeout=timeout)

    def assert_healthy(self) -> None:
        """No uncaught exception in the page, no 5xx answer to any of its requests, no Content-Security-Policy
        violation reported on its console."""
        assert not self.errors, f"uncaught errors in {self.who}'s page: {self.errors}"
        assert not self.csp_violations, f"CSP violations in {self.who}'s page: {self.csp_violations}"
        assert not self.failed_requests, f"server errors seen by {self.who}'s page: {self.failed_requests}"

    def save_failure(self, name: str) -> None:
        FAILURES.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{name}-{self.who}")
        try:
            self.page.screenshot(path=str(FAILURES / f"{stem}.png"), full_page=True, timeout=5_000)
            (FAILURES / f"{stem}.txt").write_text(
                f"url: {self.page.url}\nerrors: {self.errors}\nserver errors: {self.failed_requests}\n"
                f"CSP violations: {self.csp_violations}\n\n"
                + self.page.content()[:200_000])
        except Exception as problem:  # the page may be gone already; the test's own failure is what matters
            (FAILURES / f"{stem}.txt").write_text(f"could not capture the page: {problem}")


def is_csp_violation(console_text: str) -> bool:
    """Whether a console message is Chromium's report of a Content-Security-Policy violation: "Refused to load the
    script '…' because it violates the following Content Security Policy directive: …" ("Refused to connect",
    "Refused to apply inline style", "Refused to frame" …) or "Executing inline script violates the following
    Content Security Policy directive …"."""
    return console_text.startswith("Refused to") or "Content Security Policy" in console_text


def sign_in(tab: Tab, member: "Member", *, path: str = "/") -> None:
    """Open `path` signed out, land on /signin, fill the real form and come back to `path`."""
    tab.goto(path)
    expect(tab.page).to_have_url(re.compile(r"/signin(\?|$)"), timeout=PAGE_MS)
    tab.page.locator('input[name="login"]').fill(member.username)
    tab.page.locator('input[name="password"]').fill(member.password)
    tab.page.locator('button[type="submit"]').click()
    expect(tab.page).to_have_url(re.compile(r"^[^?#]*" + re.escape(path.rstrip("/") or "/") + r"/?$"), timeout=PAGE_MS)


def open_member(browser: Browser, slate: "SlateServer", key: str, *, viewport: dict | None = None,
                opened: list[Tab] | None = None) -> Tab:
    """A new browser context (its own cookies) signed in through /signin as `key`; the tab joins `opened` first."""
    context = browser.new_context(viewport=viewport or DESKTOP, base_url=slate.base_url)
    tab = Tab.open(context, key, slate.base_url)
    if opened is not None:
        opened.append(tab)
    sign_in(tab, slate.members[key])
    return tab


def new_tab(tab: Tab, who: str) -> Tab:
    """Another tab in the same context (same member, same session)."""
    return Tab.open(tab.page.context, who, tab.base_url)


def drag(page: Page, source: Locator, target: Locator, *, steps: int = 12) -> None:
    """Drag `source` onto `target` with real pointer events, in steps (dnd-kit's PointerSensor needs movement)."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    assert start, "the dragged element is not visible"
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 6, y0 + 6, steps=3)      # past any activation distance
    end = target.bounding_box()
    assert end, "the drop target is not visible"
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + min(end["height"] / 2, 120)
    page.mouse.move(x1, y1, steps=steps)
    page.mouse.move(x1 + 2, y1 + 2, steps=2)      # settle over the target (collision detection runs on move)
    page.mouse.up()


@cache
def _axe_source() -> str:
    assert AXE.exists(), f"axe-core is missing at {AXE}: `make install` installs the frontend's packages"
    return AXE.read_text()


def still(page: Page, *, timeout_ms: int = PAGE_MS) -> None:
    """Wait until nothing on `page` is fading or sliding (endless animations, a loader's spin, are left running).

    A tooltip or menu fading in is drawn at part opacity: its white text on a half-transparent dark background reads
    as grey on grey to axe's color-contrast rule, a finding about a frame no one reads. Source: the Web Animations
    API, `Document.getAnimations()` (CSS transitions and animations both).
    """
    page.wait_for_function("""() => document.getAnimations()
        .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)""", timeout=timeout_ms)


def axe_violations(page: Page, within: str | Sequence[str] | None = None, *,
                   impacts: Sequence[str] | None = SERIOUS, tags: Sequence[str] = WCAG_TAGS) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations (the rules of `tags`) on `page` as it is now, or inside the elements `within`
    selects (one CSS selector or several): `[{"id", "impact", "help", "nodes": ["selector — failure summary", ...]}]`.

    Only the `impacts` asked for (critical and serious by default; None: every impact). axe is injected once per
    document (evaluated through the DevTools protocol, so the app's Content-Security-Policy does not stop it).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    still(page)
    selectors = [within] if isinstance(within, str) else list(within or [])
    found = page.evaluate("""async ([selectors, tags]) => (await axe.run(
            selectors.length ? { include: selectors.map((s) => [s]) } : document,
            { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }))
        .violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                  nodes: v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary) }))""",
                          [selectors, list(tags)])
    return [v for v in found if impacts is None or v["impact"] in impacts]


def jpeg(path: Path, *, size: tuple[int, int] = (640, 480), label: str = "continuity") -> Path:
    """A real JPEG (Pillow): a colour gradient with a label, so it is not a trivial image."""
    width, height = size
    image = Image.new("RGB", size)
    pixels = image.load()
    for x in range(width):
        for y in range(height):
            pixels[x, y] = (x * 255 // width, y * 255 // height, 128)
    ImageDraw.Draw(image).text((20, 20), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def eventually(check: Callable[[], Any], *, timeout_s: float = TIMEOUT_MS / 1000, what: str = "the condition") -> Any:
    """Poll `check` until it returns something truthy (e.g. a REST read catching up with an optimistic UI)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s:.0f} s (last: {value!r})")
        time.sleep(0.1)


def csrf_headers(context: BrowserContext, base_url: str) -> dict[str, str]:
    """What the app sends on a write: the CSRF cookie's value as X-CSRFToken, and our Origin."""
    token = next((c["value"] for c in context.cookies(base_url) if c["name"] == "csrftoken"), "")
    assert token, "no csrftoken cookie in the browser context"
    return {"X-CSRFToken": token, "Origin": base_url, "Accept": "application/json"}


def api(tab: Tab, method: str, path: str, body: dict | None = None, *, expect_status: int = 200) -> Any:
    """A REST call with the member's own browser session (its cookies), as the app makes it."""
    context = tab.page.context
    response = context.request.fetch(tab.base_url + path, method=method, data=body,
                                     headers=csrf_headers(context, tab.base_url), timeout=TIMEOUT_MS)
    assert response.status == expect_status, f"{method} {path}: {response.status} {response.text()[:2000]}"
    return response.json() if response.body() else None
