"""Account self-service in a real Chromium against the running Slate (issue 18): a change of email confirmed by the
link mailed to the new address, and "sign out everywhere else" from the signed-in devices list.

A member of this test's own (registered and verified over REST) is signed in in two browser contexts. In one they ask
for a new address on /settings/account (the pending address shows), open the link parsed from the email the file
backend wrote to the new address, and the new address is the account's; the devices list shows both browsers with
this one marked, and signing out everywhere else sends the other browser to sign-in at once (its socket closed, no reload) while this one stays.
Fixtures: `chromium`, `slate_app` (tests/e2e/conftest.py), `two_browsers` (test_browser_password_reset.py).
"""
from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import PAGE_MS, eventually, sign_in
from tests.e2e.conftest import SlateServer
from tests.e2e.test_browser_callsheets import mail_to
from tests.e2e.test_browser_password_reset import two_browsers  # noqa: F401 — the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

LINK = re.compile(r"https?://[^\s/]+(/verify-email-change\?token=[\w:.-]+)")


def _change_link(slate: SlateServer, address: str) -> str:
    """The path of the confirmation link in the newest email to `address` (waits for it)."""
    def newest():
        found = [m for m in mail_to(slate, address) if "Confirm your new email" in m["Subject"]]
        return LINK.search(found[-1].get_content())[1] if found else None

    return eventually(newest, timeout_s=30, what=f"the confirmation email to {address}")


def test_a_new_email_takes_effect_once_its_mailed_link_is_followed(two_browsers, slate_app: SlateServer):  # noqa: F811
    member, address, tab, _ = two_browsers
    new_address = f"moved{secrets.token_hex(4)}@e2e.slate.test"
    sign_in(tab, member, path="/settings/account")
    expect(tab.by_testid("current-email")).to_have_text(address)

    tab.by_testid("new-email").fill(new_address)
    tab.by_testid("email-password").fill(member.password)
    tab.page.get_by_role("button", name="Change email").click()
    expect(tab.by_testid("pending-email")).to_contain_text(new_address)
    expect(tab.by_testid("current-email")).to_have_text(address)
    eventually(lambda: any("being changed" in m["Subject"] for m in mail_to(slate_app, address)), timeout_s=30,
               what="the notice to the old address")  # written by the web process as the answer goes out: not before it

    tab.goto(_change_link(slate_app, new_address))
    expect(tab.by_testid("email-changed")).to_contain_text(new_address, timeout=PAGE_MS)
    tab.goto("/settings/account")
    expect(tab.by_testid("current-email")).to_have_text(new_address)
    expect(tab.by_testid("pending-email")).to_have_count(0)
    tab.assert_healthy()


def test_sign_out_everywhere_else_keeps_this_browser_and_ends_the_other(two_browsers):  # noqa: F811
    member, _, tab, other = two_browsers
    sign_in(other, member, path="/settings/account")
    sign_in(tab, member, path="/settings/account")

    rows = tab.by_testid("device-row")
    expect(rows).to_have_count(2)
    expect(tab.locator('[data-testid="device-row"][data-this-device]')).to_have_count(1)
    tab.by_testid("sign-out-everywhere").click()
    expect(rows).to_have_count(1)

    # No reload: the other browser's socket is closed (4401) and the app finds it is signed out on its own.
    expect(other.page).to_have_url(re.compile(r"/signin\?next="), timeout=PAGE_MS)
    tab.page.reload()
    expect(tab.by_testid("account-settings-page")).to_be_visible()
    tab.assert_healthy()
