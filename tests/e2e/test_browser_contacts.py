"""Contact details in the browser (issue 18) in a real Chromium against the running Slate: the cast form and the crew
page show the phone, address and emergency contact fields only to those who may see them (the owner, and a person
for themselves), never to a director.

Alice makes a production of her own (the session's shared one is left alone) with Bob as its director. Fixtures:
`slate_app`, `chromium` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import PAGE_MS, Tab, api, axe_violations, eventually, open_member, tid
from tests.e2e.conftest import SlateServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

ADDRESS = "12 Calle Mayor, Madrid"
EMERGENCY = "Luis Ruiz (brother) +34 600 111"
BOB_PHONE = "+44 7700 900123"


def test_contact_fields_show_only_to_those_who_may_see_them(chromium: Browser, slate_app: SlateServer):
    opened: list[Tab] = []
    alice_tab = open_member(chromium, slate_app, "alice", opened=opened)
    bob_tab = open_member(chromium, slate_app, "bob", opened=opened)
    alice, bob = slate_app.members["alice"], slate_app.members["bob"]
    try:
        production = api(alice_tab, "POST", "/api/productions/", {"title": "Private Numbers", "code": "E2E-PRIV"}, expect_status=201)["id"]
        api(alice_tab, "POST", f"/api/productions/{production}/members/", {"user_login": bob.username, "role": "director"}, expect_status=201)

        # the owner adds a cast member with an address and an emergency contact
        alice_tab.goto(f"/productions/{production}/breakdown?tab=cast")
        alice_tab.by_testid("cast-add").click()
        form = alice_tab.by_testid("cast-form")
        form.locator(tid("field-name")).fill("Ana Ruiz")
        form.locator(tid("field-address")).fill(ADDRESS)
        form.locator(tid("field-emergency_contact")).fill(EMERGENCY)
        form.locator(tid("form-save")).click()
        expect(form).to_be_hidden(timeout=PAGE_MS)
        # The form closes once the write is queued (the outbox sends it): wait for the server to have it.
        [ana] = eventually(lambda: api(alice_tab, "GET", f"/api/cast-members/?production={production}")["results"], timeout_s=PAGE_MS / 1000,
                           what="the new cast member on the server")
        assert (ana["address"], ana["emergency_contact"]) == (ADDRESS, EMERGENCY)

        # the director edits the same cast member: no contact field at all
        bob_tab.goto(f"/productions/{production}/breakdown?tab=cast")
        bob_tab.by_testid("cast-row").filter(has_text="Ana Ruiz").locator(tid("row-edit")).click()
        form = bob_tab.by_testid("cast-form")
        expect(form.locator(tid("field-name"))).to_have_value("Ana Ruiz", timeout=PAGE_MS)
        for field in ("email", "phone", "address", "emergency_contact"):
            expect(form.locator(tid(f"field-{field}"))).to_have_count(0)
        assert ADDRESS not in bob_tab.page.content() and EMERGENCY not in bob_tab.page.content()
        form.get_by_role("button", name="Cancel").click()

        # on the crew page Bob keeps his own details, and may not open Alice's
        bob_tab.goto(f"/productions/{production}/members")
        rows = bob_tab.by_testid("member-row")
        expect(rows.filter(has_text=alice.name).locator(tid("member-contacts"))).to_have_count(0, timeout=PAGE_MS)
        rows.filter(has_text=bob.name).locator(tid("member-contacts")).click()
        dialog = bob_tab.page.get_by_role("dialog", name="Your contact details")
        dialog.locator(tid("member-phone")).fill(BOB_PHONE)
        assert axe_violations(bob_tab.page, within='[role="dialog"]') == []
        dialog.locator(tid("member-contacts-save")).click()
        expect(dialog).to_be_hidden(timeout=PAGE_MS)
        expect(rows.filter(has_text=bob.name)).to_contain_text(BOB_PHONE, timeout=PAGE_MS)

        # the owner sees Bob's number on the crew page
        alice_tab.goto(f"/productions/{production}/members")
        expect(alice_tab.by_testid("member-row").filter(has_text=bob.name)).to_contain_text(BOB_PHONE, timeout=PAGE_MS)
        for tab in (alice_tab, bob_tab):
            tab.assert_healthy()
    except Exception:
        for t in opened:
            t.save_failure("contacts")
        raise
    finally:
        for t in opened:
            t.page.context.close()
