"""Handing a production over from the Crew page (issue 18) in a real Chromium against the running Slate.

Alice makes a production of her own (the session's shared one keeps its owner), puts Bob on its crew, and
transfers it to him from the Crew page: a wrong password is refused in the dialog, the right one makes Bob the
owner and her a producer, and the action is gone for her. Fixtures: `slate_app`, `chromium` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import PAGE_MS, Tab, api, axe_violations, open_member, tid
from tests.e2e.conftest import SlateServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_owner_transfers_the_production_from_the_crew_page(chromium: Browser, slate_app: SlateServer):
    opened: list[Tab] = []
    tab = open_member(chromium, slate_app, "alice", opened=opened)
    alice, bob = slate_app.members["alice"], slate_app.members["bob"]
    try:
        production = api(tab, "POST", "/api/productions/", {"title": "Handed Over", "code": "E2E-HAND"}, expect_status=201)["id"]
        api(tab, "POST", f"/api/productions/{production}/members/", {"user_login": bob.username, "role": "camera"}, expect_status=201)
        tab.goto(f"/productions/{production}/members")

        tab.by_testid("transfer-ownership").click()
        dialog = tab.page.get_by_role("dialog", name="Transfer ownership")
        expect(dialog).to_be_visible(timeout=PAGE_MS)
        dialog.locator(tid("transfer-ownership-user")).click()
        tab.page.get_by_role("option", name=bob.name).click()
        dialog.get_by_label("Your password").fill("not my password")
        dialog.locator(tid("transfer-ownership-confirm")).click()
        expect(dialog).to_contain_text("Your password is not right.", timeout=PAGE_MS)
        assert axe_violations(tab.page, within='[role="dialog"]') == []

        dialog.get_by_label("Your password").fill(alice.password)
        dialog.locator(tid("transfer-ownership-confirm")).click()

        expect(dialog).to_be_hidden(timeout=PAGE_MS)
        rows = tab.by_testid("member-row")
        expect(rows.filter(has_text=bob.name)).to_contain_text("Owner", timeout=PAGE_MS)
        expect(rows.filter(has_text=alice.name).locator(tid("member-role"))).to_have_value("Producer", timeout=PAGE_MS)  # her own, a producer's choice
        expect(tab.by_testid("transfer-ownership")).to_have_count(0, timeout=PAGE_MS)
        roles = {m["user"]["id"]: m["role"] for m in api(tab, "GET", f"/api/productions/{production}/members/")["results"]}
        assert roles == {alice.id: "producer", bob.id: "owner"}
        tab.assert_healthy()
    except Exception:
        for t in opened:
            t.save_failure("transfer-ownership")
        raise
    finally:
        for t in opened:
            t.page.context.close()
