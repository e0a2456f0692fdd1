"""Look development in a real Chromium against a Slate of this module's own, its orders sent to a local fake of fal.ai.

The real fal-client SDK in the worker talks HTTPS to `GatedFal` (tests/generation/fake_fal.py, trusted through
SSL_CERT_FILE, reached through FAL_QUEUE_RUN_HOST), which keeps every request in progress until the test opens its
gate, so what the other member sees while the items run is asserted, not raced. Alice orders three storyboard frames
of a shot from the order form (its fields follow the machine's parameter schema; an out-of-range value is refused on
its field; the item count and cost are previewed). Bob, on his laptop, has the look-development orders open in one
tab and the gallery in another: the order arrives, he opens it, and watches each item queue and run (status, log line,
progress) and end, with no reload; the three products appear in his gallery as they are made. He marks one a
favourite and compares two side by side. Then the shot's storyboard drawer shows board vs shot: its frames next to
the poster of the circled take's processed clip. axe-core finds no critical or serious WCAG 2.x A/AA violation on the
order form, the order, the gallery, the comparison and the drawer. Fixtures: `built_app`, `chromium` (conftest.py).
"""
from __future__ import annotations

import secrets
import threading

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import PAGE_MS, TIMEOUT_MS, Tab, axe_violations, eventually, new_tab, open_member, tid
from tests.e2e.conftest import SHARED_DATA, SlateServer, serve, serve_built_app
from tests.generation.fake_fal import LOG_LINES, FakeFal

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(360)]

CLIP = SHARED_DATA / "video" / "big_buck_bunny_432_433_vp8_vorbis_1s.webm"   # the smallest clip: the take's daily
PROCESS_S = 120   # the clip's probe, proxy and poster on the real worker
ITEMS_S = 60      # three items through the fake once the gate is open (two workers, 0.5 s polls)

# Each item row's statuses in the order the page showed them, recorded as the DOM changes (no polling).
RECORD_ITEMS = """() => {
    window.__itemStates = {};
    const record = () => document.querySelectorAll('[data-testid="order-item"]').forEach((row) => {
        const seen = (window.__itemStates[row.dataset.index] ??= []);
        if (seen[seen.length - 1] !== row.dataset.status) seen.push(row.dataset.status);
    });
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
}"""
IMAGES_LOADED = """(selector) => [...document.querySelectorAll(selector)].every((img) => img.complete && img.naturalWidth > 0)"""


class GatedFal(FakeFal):
    """The fake fal.ai queue, except that a request stays in progress (its first log line) until `gate` is set;
    then it goes on as the fake's "normal" behaviour does (one more in-progress poll, then completed)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def status(self, request_id: str, *, logs: bool) -> dict:
        with self._lock:
            held = not self.gate.is_set() and self._jobs[request_id]["polls"] >= 3 and not self._jobs[request_id]["cancelled"]
        if held:
            return {"status": "IN_PROGRESS", "logs": [{"message": LOG_LINES[0], "level": "INFO", "source": "user", "timestamp": ""}] if logs else None}
        return super().status(request_id, logs=logs)


class LookdevSlate(SlateServer):
    """Slate with fal.ai configured, pointed at `fal`."""

    def __init__(self, fal: FakeFal) -> None:
        super().__init__()
        self.fal = fal

    def _environment(self) -> dict[str, str]:
        return {**super()._environment(), "FAL_KEY": self.fal.key, "FAL_QUEUE_RUN_HOST": self.fal.host, "SSL_CERT_FILE": str(self.fal.ca_path)}


@pytest.fixture(scope="module")
def fal():
    """The gated fake fal.ai queue, shut when the module is done."""
    with GatedFal() as fake:
        yield fake


@pytest.fixture(scope="module")
def lookdev_slate(request, built_app, fal: GatedFal):
    """This module's own running Slate (fal.ai configured to the fake), serving the built app."""
    server = LookdevSlate(fal)

    def start() -> None:
        server.start()
        serve_built_app(server)

    yield from serve(request, server, start=start)


@pytest.fixture
def members(request, chromium: Browser, lookdev_slate: SlateServer):
    """`members(key)`: a member signed in in a browser context of their own; `members.another(tab, who)`: another tab
    of the same member. On a failure each tab's screenshot and HTML go to test-artifacts/."""
    opened: list[Tab] = []
    failed_before = request.session.testsfailed

    def open_tab(key: str) -> Tab:
        return open_member(chromium, lookdev_slate, key, opened=opened)

    def another(tab: Tab, who: str) -> Tab:
        opened.append(new_tab(tab, who))
        return opened[-1]

    open_tab.another = another
    yield open_tab
    for tab in opened:
        if request.session.testsfailed > failed_before:
            tab.save_failure(request.node.name)
    for context in {tab.page.context for tab in opened}:
        context.close()


def no_violations(tab: Tab, within: str | None = None) -> None:
    """axe-core finds no critical or serious WCAG 2.x A/AA violation on the tab's page (or inside `within`)."""
    found = axe_violations(tab.page, within)
    assert not found, f"axe on {tab.path()}{f' ({within})' if within else ''}: {found}"


def item_row(tab: Tab, index: int):
    """The row of the order's item `index` (1-based) on the order's page."""
    return tab.locator(f'{tid("order-item")}[data-index="{index}"]')


def test_an_order_runs_live_on_another_members_screen_and_the_board_meets_the_shot(members, lookdev_slate: SlateServer, fal: GatedFal):
    production = lookdev_slate.production_id
    alice_http = lookdev_slate.session_client("alice")
    scene = alice_http.post("/api/scenes/", {"production": production, "number": f"L{secrets.token_hex(2).upper()}", "int_ext": "EXT",
                                             "location": "HARBOUR", "time_of_day": "DAY", "page_eighths": 6})
    shot = alice_http.post("/api/shots/", {"scene": scene["id"], "type": "WS", "lens_mm": 24, "description": "The boat leaves"})
    take = alice_http.post("/api/takes/", {"shot": shot["id"], "circled": True})
    # The take's daily, processed on the worker before the order's items take both its threads
    assert CLIP.exists(), f"missing test clip {CLIP} (set SLATE_SHARED_DATA)"
    clip = alice_http.call("POST", "/api/media/", expect=201, fields={"production": production, "take": take["id"]},
                           files={"file": (CLIP.name, CLIP.read_bytes(), "video/webm")})

    alice, bob = members("alice"), members("bob")
    lookdev = f"/productions/{production}/lookdev"
    # Bob: the orders in one tab, the gallery in another, both live
    bob.goto(lookdev)
    expect(bob.by_testid("orders-empty")).to_be_visible(timeout=PAGE_MS)
    bob.page.evaluate(RECORD_ITEMS)
    bob_gallery = members.another(bob, "bob-gallery")
    bob_gallery.goto(f"{lookdev}/gallery")
    expect(bob_gallery.by_testid("gallery-empty")).to_be_visible(timeout=PAGE_MS)
    for tab in (bob, bob_gallery):
        tab.wait_live()
    marks = {tab.who: tab.mark_document() for tab in (bob, bob_gallery)}

    def processed() -> bool:
        """The clip has its poster and no job of the production is left (both worker threads free for the items)."""
        asset = alice_http.get(f"/api/media/{clip['id']}/")
        assert asset["status"] != "failed", asset["error"]
        jobs = alice_http.get(f"/api/jobs/?production={production}")["results"]
        return (any(r["kind"] == "poster" and r["status"] == "ready" for r in asset["renditions"])
                and all(j["status"] in ("succeeded", "failed", "cancelled") for j in jobs))
    eventually(processed, timeout_s=PROCESS_S, what="the take's clip processed")

    # Alice's order form, for the shot: the machine's fields, a refusal on its field, the count and cost
    alice.goto(f"{lookdev}/new?shot={shot['id']}")
    form = alice.by_testid("order-form")
    expect(form).to_have_attribute("data-machine", "fal-flux-schnell", timeout=PAGE_MS)
    alice.locator('[data-param="prompt"]').fill("storyboard frame, {shot.type}, a boat leaving the harbour at dusk")
    alice.locator('[data-param="seed"]').fill("1-3")
    steps = alice.locator('[data-param="num_inference_steps"]')
    steps.fill("40")
    expect(steps).to_have_attribute("aria-invalid", "true", timeout=TIMEOUT_MS)
    expect(form).to_contain_text("num_inference_steps")
    no_violations(alice)
    steps.fill("4")
    expect(alice.by_testid("order-preview")).to_have_attribute("data-count", "3", timeout=TIMEOUT_MS)
    expect(alice.by_testid("order-preview")).to_have_text("3 items · estimated $0.009")
    alice.by_testid("order-submit").click()
    expect(alice.by_testid("order")).to_be_visible(timeout=PAGE_MS)
    order_id = alice.by_testid("order").get_attribute("data-order-id")

    # Bob: the order arrives; he opens it and watches its items queue and run
    row = bob.locator(f'{tid("order-row")}[data-order-id="{order_id}"]')
    expect(row).to_be_visible(timeout=TIMEOUT_MS)
    row.get_by_role("link", name=f"Order {order_id}").click()
    expect(bob.locator(tid("order-item"))).to_have_count(3, timeout=PAGE_MS)
    for index in (1, 2):  # two worker threads: two items at a time
        expect(item_row(bob, index)).to_have_attribute("data-status", "running", timeout=TIMEOUT_MS)
        expect(item_row(bob, index).locator(tid("item-message"))).to_have_text(LOG_LINES[0], timeout=TIMEOUT_MS)
    expect(item_row(bob, 3)).to_have_attribute("data-status", "pending")
    expect(bob.by_testid("order-status")).to_have_text("running")
    assert float(item_row(bob, 1).get_attribute("data-progress")) > 0
    no_violations(bob)

    fal.gate.set()
    for index in (1, 2, 3):
        expect(item_row(bob, index)).to_have_attribute("data-status", "succeeded", timeout=ITEMS_S * 1000)
    expect(bob.by_testid("order-status")).to_have_text("succeeded", timeout=TIMEOUT_MS)
    seen = bob.page.evaluate("() => window.__itemStates")
    for index in ("1", "2", "3"):
        states = seen.get(index, [])
        assert "running" in states and states[-1] == "succeeded" and states.index("running") < states.index("succeeded"), seen

    # The products in Bob's gallery, live; a favourite; two compared
    products = bob_gallery.by_testid("product")
    expect(products).to_have_count(3, timeout=TIMEOUT_MS)
    bob_gallery.page.wait_for_function(IMAGES_LOADED, arg=f'{tid("product")} img', timeout=TIMEOUT_MS)
    first = products.first
    product_id = first.get_attribute("data-product-id")
    first.get_by_role("button", name=f"Mark Product {product_id} as favourite").click()
    expect(first.get_by_role("button", name=f"Remove Product {product_id} from favourites")).to_have_attribute("aria-pressed", "true")
    no_violations(bob_gallery)
    products.nth(0).get_by_role("checkbox", name="Compare").check()
    products.nth(1).get_by_role("checkbox", name="Compare").check()
    bob_gallery.by_testid("gallery-compare").click()
    expect(bob_gallery.by_testid("compare-side")).to_have_count(2)
    expect(bob_gallery.locator(f'{tid("compare-parameters")} tr[data-differs]')).to_have_count(1)  # the seed
    no_violations(bob_gallery, ".mantine-Modal-content")
    bob_gallery.page.keyboard.press("Escape")
    for tab in (bob, bob_gallery):
        tab.assert_same_document(marks[tab.who])

    # Board vs shot: the shot's frames next to the circled take's poster
    alice.goto(f"/productions/{production}/scenes/{scene['id']}")
    alice.locator(f'{tid("shot")}[data-shot-id="{shot["id"]}"] {tid("storyboard-open")}').click()
    board = alice.by_testid("board-vs-shot")
    expect(board.locator(tid("board-frame"))).to_have_count(3, timeout=PAGE_MS)
    board.scroll_into_view_if_needed()  # its pictures load lazily
    expect(board.locator(tid("board-filmed-poster"))).to_be_visible()
    expect(board).to_contain_text(f"Take {take['number']}")
    alice.page.wait_for_function(IMAGES_LOADED, arg=f'{tid("board-vs-shot")} img', timeout=TIMEOUT_MS)
    no_violations(alice, tid("board-vs-shot"))

    assert len(fal.submissions) == 3 and all(s["seed"] in (1, 2, 3) for s in fal.submissions), fal.submissions
    for tab in (alice, bob, bob_gallery):
        tab.assert_healthy()
