"""Schedule, call sheet and its distribution in a real Chromium against the real running Slate.

Alice (owner, a scheduler) drags a scene from the unscheduled pool onto shoot day 1 and Bob
(director) sees the strip arrive on his stripboard live. Alice creates day 1's call sheet from the
list, sets the crew call and publishes it; Bob's bell count rises without a reload; Bob opens the
notification, lands on the call sheet and confirms receipt; Alice's distribution list shows Bob
confirmed, live. Around it, the other channels of the same publish: a real pywebpush delivery
from the worker reaches a fake push service (tests/notifications/fake_push.py) that checks VAPID
and decrypts it with Bob's device keys, and the email lands in the file backend. The PDF of the
published revision opens and names the day. Then a night shoot's times, and the typed blocks (a walkie channel, a
safety note, a key contact, the hospital's route) saved and published as revision 2: Bob reads them live, the
contact without its phone, and the PDF prints them. Screenshots of the stripboard and the call sheet.
Fixtures: `slate_app` and `chromium` (tests/e2e/conftest.py); helpers in tests/e2e/browser.py.
"""
from __future__ import annotations

import datetime as dt
import io
import secrets
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.browser import PAGE_MS, SCREENSHOTS, TIMEOUT_MS, api, drag, eventually
from tests.e2e.conftest import SlateServer
from tests.e2e.test_browser import new_scene, tabs  # noqa: F401  (the signed-in tabs fixture, shared with the other browser tests)
from tests.notifications.fake_push import FakePushService

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

TABLET = {"width": 1024, "height": 768}
DELIVERY_S = 60  # the worker's email and push tasks


@pytest.fixture
def push_service():
    """A local RFC 8030 push service on loopback (the e2e server allows 127.0.0.1 endpoints)."""
    service = FakePushService().start()
    yield service
    service.stop()


def mail_to(slate: SlateServer, address: str) -> list[EmailMessage]:
    """Messages the file email backend wrote that are addressed to `address`. A file may hold several: Django's backend
    appends each message and a line of 79 dashes to a file named by the second and the connection object's id, and two
    connections in one second can share an id (the first freed before the second is made)."""
    folder = Path(slate.env["EMAIL_FILE_PATH"])
    if not folder.exists():
        return []
    chunks = [chunk for path in sorted(folder.glob("*.log")) for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n") if chunk.strip()]
    messages = [BytesParser(policy=policy.default).parsebytes(chunk) for chunk in chunks]
    return [m for m in messages if m["To"] == address]


def save_sheet(tab, sheet_id: int) -> None:
    """Click the call sheet's Save and wait for the PATCH's answer (a Save button is disabled while saving as well as when
    nothing is left to save, so being disabled alone does not say the save ended), then for the form to be clean."""
    with tab.page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(f"/api/call-sheets/{sheet_id}/"), timeout=TIMEOUT_MS) as answer:
        tab.by_testid("save-call-sheet").click()
    assert answer.value.status == 200, answer.value.text()
    expect(tab.by_testid("save-call-sheet")).to_be_disabled(timeout=TIMEOUT_MS)


def test_publish_reaches_bell_push_and_email_and_confirmation_is_live(tabs, slate_app: SlateServer, push_service: FakePushService):  # noqa: F811
    production = slate_app.production_id
    bob_id = slate_app.members["bob"].id
    alice = tabs("alice")
    bob = tabs("bob", viewport=TABLET)

    # A schedule of this test's own: two fresh scenes and two shoot days far from any other test's dates.
    year = 2040 + secrets.randbelow(40)
    first = new_scene(alice, slate_app, "HARBOUR OFFICE")
    second = new_scene(alice, slate_app, "LIGHTHOUSE")
    day1 = api(alice, "POST", "/api/shoot-days/", {"production": production, "date": f"{year}-03-05", "unit": "Main Unit"}, expect_status=201)
    day2 = api(alice, "POST", "/api/shoot-days/", {"production": production, "date": f"{year}-03-06", "unit": "Main Unit"}, expect_status=201)
    day1 = api(alice, "GET", f"/api/shoot-days/{day1['id']}/")
    day1_label = dt.date(year, 3, 5).strftime("%a %-d %b")  # as the notification titles it, e.g. "Mon 5 Mar"
    api(alice, "POST", "/api/strips/", {"shoot_day": day2["id"], "kind": "scene", "scene": second["id"]}, expect_status=201)

    # Stripboard: Alice drags the first scene from the pool onto day 1; Bob's board shows it without a reload.
    schedule = f"/productions/{production}/schedule"
    alice.goto(schedule)
    bob.goto(schedule)
    alice.wait_live()
    bob.wait_live()
    bob_mark = bob.mark_document()
    day1_box = f'[data-testid="shoot-day-{day1["number"]}"]'
    pool_strip = alice.locator(f'[data-testid="pool-scene"][data-scene-id="{first["id"]}"]')
    expect(pool_strip).to_be_visible(timeout=PAGE_MS)
    drag(alice.page, pool_strip, alice.locator(f'{day1_box} [data-testid="day-end"]'))
    expect(bob.locator(f'{day1_box} [data-testid="strip"][data-scene-id="{first["id"]}"]')).to_be_visible(timeout=TIMEOUT_MS)
    bob.assert_same_document(bob_mark)
    strips = api(alice, "GET", f"/api/strips/?production={production}&shoot_day={day1['id']}")
    strips = strips["results"] if isinstance(strips, dict) else strips
    assert [s["scene"] for s in strips] == [first["id"]], strips
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice.page.screenshot(path=str(SCREENSHOTS / "stripboard-1440x900.png"), full_page=True)

    # Bob's phone: a push subscription on the fake push service, registered with his session.
    device = push_service.new_device()
    api(bob, "POST", "/api/push-subscriptions/", device.subscription_json(), expect_status=201)

    bob.goto(f"/productions/{production}")
    bob.wait_live()
    bell = bob.by_testid("notification-bell")
    # What Bob has unread already (earlier tests may have left him some), once the bell shows it:
    # reading the bell before its count arrived would take 0 for it.
    before = api(bob, "GET", "/api/notifications/unread-count/")["unread"]
    expect(bell).to_have_attribute("data-count", str(before), timeout=PAGE_MS)
    bob_mark = bob.mark_document()

    # Alice creates day 1's call sheet from the list, sets the crew call, saves and publishes.
    alice.goto(f"/productions/{production}/call-sheets")
    alice.locator(f'[data-testid="call-sheet-day-{day1["number"]}"] [data-testid="create-call-sheet"]').click()
    expect(alice.by_testid("call-sheet")).to_be_visible(timeout=PAGE_MS)
    sheet_id = int(alice.path().rstrip("/").rsplit("/", 1)[1])
    alice.by_testid("crew-call").fill("06:30")
    alice.by_testid("shooting-call").fill("07:30")
    alice.by_testid("save-call-sheet").click()
    expect(alice.by_testid("save-call-sheet")).to_be_disabled(timeout=TIMEOUT_MS)
    alice.by_testid("publish-call-sheet").click()
    expect(alice.by_testid("call-sheet")).to_have_attribute("data-status", "published", timeout=TIMEOUT_MS)
    expect(alice.by_testid("call-sheet")).to_have_attribute("data-revision", "1")
    bob_row = alice.by_testid(f"recipient-{bob_id}")
    expect(bob_row).to_be_visible(timeout=TIMEOUT_MS)
    expect(bob_row).not_to_have_attribute("data-status", "confirmed")

    # Bob: the bell count rises without a reload.
    expect(bell).to_have_attribute("data-count", str(before + 1), timeout=TIMEOUT_MS)
    expect(bob.by_testid("notification-count")).to_have_text(str(before + 1))
    bob.assert_same_document(bob_mark)

    # Bob opens the notification, lands on the call sheet (no reload) and confirms receipt.
    bell.click()
    item = bob.locator('[data-testid="notification-item"][data-unread="true"]').first
    expect(item).to_contain_text("Call sheet", timeout=TIMEOUT_MS)
    item.locator('[data-testid="notification-open"]').click()
    expect(bob.by_testid("call-sheet")).to_be_visible(timeout=PAGE_MS)
    assert bob.path().rstrip("/").endswith(f"/call-sheets/{sheet_id}"), bob.path()
    bob.assert_same_document(bob_mark)
    expect(bell).to_have_attribute("data-count", str(before), timeout=TIMEOUT_MS)  # opening it read it
    expect(bob_row).to_have_attribute("data-status", "seen", timeout=TIMEOUT_MS)  # Alice sees Bob opened it, live
    bob.by_testid("confirm-receipt").click()
    expect(bob.by_testid("confirm-receipt")).to_have_attribute("data-confirmed", "true", timeout=TIMEOUT_MS)

    # Alice: Bob confirmed, live, on the distribution list she already has open.
    expect(bob_row).to_have_attribute("data-status", "confirmed", timeout=TIMEOUT_MS)
    alice.page.screenshot(path=str(SCREENSHOTS / "call-sheet-distribution-1440x900.png"), full_page=True)
    bob.page.screenshot(path=str(SCREENSHOTS / "call-sheet-confirmed-1024x768.png"), full_page=True)
    recipients = api(alice, "GET", f"/api/call-sheets/{sheet_id}/recipients/")
    recipients = recipients["results"] if isinstance(recipients, dict) else recipients
    row = next(r for r in recipients if r["user"] == bob_id)
    assert row["confirmed_at"] and row["confirmed_revision"] == 1, row

    # Push: the worker's real pywebpush delivery reached Bob's device, VAPID-signed, and decrypts to the payload.
    delivered = eventually(lambda: [r for r in push_service.delivered() if r.path == device.path],
                           timeout_s=DELIVERY_S, what="the push delivery to Bob's device")
    payload = delivered[0].payload
    assert payload["title"].startswith("Call sheet"), payload
    assert payload["url"].endswith(f"/call-sheets/{sheet_id}"), payload
    assert delivered[0].claims["aud"] == push_service.origin

    # Email: the same notification, by mail to Bob, with the deep link.
    bob_address = "bob@e2e.slate.test"
    mails = eventually(lambda: mail_to(slate_app, bob_address), timeout_s=DELIVERY_S, what="the email to Bob")
    assert any(m["Subject"].endswith(f"Call sheet: Day {day1['number']} \u2014 " + day1_label + ", crew call 06:30") and f"/call-sheets/{sheet_id}" in m.get_content()
               for m in mails), [(m["Subject"], m.get_content()[:500]) for m in mails]

    # The PDF of the published revision.
    response = alice.page.context.request.get(f"{slate_app.base_url}/api/call-sheets/{sheet_id}/pdf/", timeout=TIMEOUT_MS)
    assert response.status == 200 and response.headers["content-type"].startswith("application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)
    assert "06:30" in text and "HARBOUR OFFICE" in text, text[:2000]

    # A night shoot: times after midnight typed as the trade writes them, kept and shown with "(+1)"; the crew rows that
    # follow the general call move with it.
    alice.by_testid("crew-call").fill("22:30")
    alice.by_testid("shooting-call").fill("00:15 (+1)")
    alice.by_testid("first-meal").fill("27:30")
    alice.by_testid("wrap").fill("09:00 (+1)")
    expect(alice.by_testid("sheet-error")).to_have_count(0)
    save_sheet(alice, sheet_id)
    saved = api(alice, "GET", f"/api/call-sheets/{sheet_id}/")
    assert [saved[k] for k in ("crew_call", "shooting_call", "first_meal", "wrap")] == ["22:30", "24:15", "27:30", "33:00"], saved
    assert {row["call"] for row in saved["crew_calls"] if row["offset"] == 0} == {"22:30"}, saved["crew_calls"]
    alice.page.reload()
    expect(alice.by_testid("shooting-call")).to_have_value("00:15 (+1)", timeout=PAGE_MS)
    expect(alice.by_testid("first-meal")).to_have_value("03:30 (+1)")
    expect(alice.by_testid("wrap")).to_have_value("09:00 (+1)")

    # The blocks the PDF prints beside the calls, typed in the editor: a walkie channel (its use typed where "Add
    # channel" put the focus), a safety note, a key contact and the hospital's route. Saved, then published as revision
    # 2: Bob (a director, who may not see contacts) reads them live, the contact's role and name without its phone, and
    # the PDF carries them (the phone only in Alice's).
    phone = "+44 7700 900123"
    alice.by_testid("add-walkie").click()
    expect(alice.by_testid("walkie-channel").last).to_have_value("1")
    expect(alice.by_testid("walkie-use").last).to_be_focused()
    alice.page.keyboard.type("Production")
    alice.by_testid("safety-notes").fill("Wet harbour wall: non-slip boots")
    alice.by_testid("add-key-contact").click()
    expect(alice.by_testid("key-contact-role").last).to_be_focused()
    alice.page.keyboard.type("UPM")
    alice.by_testid("key-contact-name").last.fill("Lee Marsh")
    alice.by_testid("key-contact-phone").last.fill(phone)
    alice.by_testid("hospital-route").fill("Quay St, 2 km")
    expect(alice.by_testid("sheet-error")).to_have_count(0)
    save_sheet(alice, sheet_id)
    saved = api(alice, "GET", f"/api/call-sheets/{sheet_id}/")
    assert saved["walkie_channels"] == [{"channel": "1", "use": "Production"}], saved["walkie_channels"]
    assert saved["key_contacts"] == [{"role": "UPM", "name": "Lee Marsh", "phone": phone}], saved["key_contacts"]
    assert (saved["safety_notes"], saved["hospital"]["route"]) == ("Wet harbour wall: non-slip boots", "Quay St, 2 km"), saved
    bob_mark = bob.mark_document()
    alice.by_testid("publish-call-sheet").click()
    expect(alice.by_testid("call-sheet")).to_have_attribute("data-revision", "2", timeout=TIMEOUT_MS)
    expect(alice.by_testid("latest-revision")).to_contain_text("Revision 2", timeout=TIMEOUT_MS)
    expect(alice.by_testid("key-contact-phone")).to_have_value(phone)  # the live event, which carries no phones, kept hers

    expect(bob.by_testid("call-sheet")).to_have_attribute("data-revision", "2", timeout=TIMEOUT_MS)
    expect(bob.by_testid("walkie-row")).to_have_text("1Production", timeout=TIMEOUT_MS)
    expect(bob.by_testid("safety-notes")).to_have_text("Wet harbour wall: non-slip boots")
    expect(bob.by_testid("key-contact-row")).to_have_text("UPM Lee Marsh")
    expect(bob.by_testid("key-contact-phone")).to_have_count(0)
    expect(bob.by_testid("hospital-route")).to_have_text("Quay St, 2 km")
    bob.assert_same_document(bob_mark)
    assert "7700" not in bob.by_testid("call-sheet").inner_text()

    def pdf_of(tab) -> str:
        response = tab.page.context.request.get(f"{slate_app.base_url}/api/call-sheets/{sheet_id}/pdf/", timeout=TIMEOUT_MS)
        assert response.status == 200 and response.headers["content-type"].startswith("application/pdf")
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)

    text = pdf_of(alice)
    for expected in ("Walkie channels", "Production", "Wet harbour wall: non-slip boots", "UPM", "Lee Marsh", phone, "Quay St, 2 km"):
        assert expected in text, (expected, text[:3000])
    text = pdf_of(bob)
    assert "Lee Marsh" in text and phone not in text, text[:3000]
