"""The audit log (issue 18) in a real Chromium against the running Slate.

Alice, the production's owner, signs in through /signin, finds *Audit log* in the production's navigation, downloads
the contact list and sees that download in the log with her name and address; in her account settings *Recent
sign-ins* shows the sign-in she just made, from 127.0.0.1; adding Bob to a production of her own is in its log with
her address too (a service without a request, under the ASGI server). Bob, the director, has no *Audit log* in his navigation.
Both pages pass axe. Fixtures: `slate_app`, `chromium` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import PAGE_MS, TIMEOUT_MS, Tab, api, axe_violations, open_member, tid
from tests.e2e.conftest import SlateServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_owner_reads_the_audit_log_and_her_recent_sign_ins(chromium: Browser, slate_app: SlateServer):
    opened: list[Tab] = []
    production = slate_app.production_id
    try:
        tab = open_member(chromium, slate_app, "alice", opened=opened)
        tab.goto(f"/productions/{production}")
        navigation = tab.page.get_by_role("navigation", name="Production")
        navigation.get_by_role("link", name="Audit log").click()
        expect(tab.page.locator(tid("audit-page"))).to_be_visible(timeout=PAGE_MS)

        download = tab.page.context.request.get(f"{slate_app.base_url}/api/productions/{production}/contacts.csv", timeout=TIMEOUT_MS)
        assert download.status == 200
        tab.page.locator(tid("audit-filter")).select_option("export")

        row = tab.page.locator(tid("audit-row")).first
        expect(row).to_contain_text("Downloaded the contact list (CSV)", timeout=PAGE_MS)
        expect(row).to_contain_text("Alice Moreau")
        expect(row).to_contain_text("127.0.0.1")
        assert axe_violations(tab.page) == []

        tab.goto("/settings/account")
        recent = tab.page.locator(tid("recent-sign-in")).first
        expect(recent).to_contain_text("Signed in", timeout=PAGE_MS)
        expect(recent).to_contain_text("127.0.0.1")
        assert axe_violations(tab.page) == []
        tab.assert_healthy()

        # A crew change goes through a service that takes no request: its address comes from the request being served
        # (apps/audit/context.py), through the ASGI server's threads. Alice's own production: the shared one keeps its crew.
        own = api(tab, "POST", "/api/productions/", {"title": "Audited", "code": "E2E-AUDIT"}, expect_status=201)["id"]
        api(tab, "POST", f"/api/productions/{own}/members/", {"user_login": slate_app.members["bob"].username, "role": "camera"}, expect_status=201)
        [added] = api(tab, "GET", f"/api/productions/{own}/audit/?action=member_added")["results"]
        assert (added["actor"]["username"], added["target_user"]["username"], added["ip_address"]) == (
            slate_app.members["alice"].username, slate_app.members["bob"].username, "127.0.0.1")

        director = open_member(chromium, slate_app, "bob", opened=opened)
        director.goto(f"/productions/{production}")
        expect(director.page.get_by_role("link", name="Scene board")).to_be_visible(timeout=PAGE_MS)
        expect(director.page.get_by_role("link", name="Audit log")).to_have_count(0)
        director.assert_healthy()
    finally:
        for opened_tab in opened:
            opened_tab.page.context.close()
