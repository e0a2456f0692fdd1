"""Password reset in a real Chromium against the running Slate (issue 18, acceptance).

A crew member of this test's own (registered and verified over REST, so the shared crew's passwords stay as they are)
is signed in in one browser context. In a second context they follow "Forgot password?" from the sign-in page, ask
for a link, open the link parsed from the email the file backend wrote, choose a new password and sign in with it.
Then the first context's session is gone (its next page lands on /signin) and the old password is refused by the
sign-in form. On /settings/account another such member changes their name (the account menu follows) and, after a
wrong current password is refused, their password: that browser stays signed in, the other one is signed out.
Fixtures: `chromium`, `slate_app` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import DESKTOP, PAGE_MS, Tab, eventually, sign_in
from tests.e2e.conftest import Member, SlateServer, serve_built_app
from tests.e2e.test_browser_callsheets import mail_to

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

LINK = re.compile(r"https?://[^\s/]+(/(?:verify-email|reset-password)\?uid=[\w-]+&token=[\w-]+)")


def _link_in(slate: SlateServer, address: str, subject_word: str) -> str:
    """The path of the link in the newest email to `address` whose subject has `subject_word` (waits for it)."""
    def newest():
        found = [m for m in mail_to(slate, address) if subject_word in m["Subject"]]
        return LINK.search(found[-1].get_content())[1] if found else None

    return eventually(newest, timeout_s=30, what=f"the {subject_word} email to {address}")


def _new_member(browser: Browser, slate: SlateServer) -> tuple[Member, str]:
    """A registered and verified user of this test's own, and their email address."""
    username = f"reset{secrets.token_hex(4)}"
    address = f"{username}@e2e.slate.test"
    member = Member(key=username, id=0, username=username, name="Reset Tester", password=f"old {secrets.token_hex(8)} pw")
    context = browser.new_context(base_url=slate.base_url)
    try:
        made = context.request.post("/api/auth/register/", data={"username": username, "email": address, "password": member.password})
        assert made.status == 201, made.text()
        verify = dict(re.findall(r"(uid|token)=([\w-]+)", _link_in(slate, address, "Verify")))
        assert context.request.post("/api/auth/verify-email/", data=verify).status == 200
    finally:
        context.close()
    return member, address


@pytest.fixture
def two_browsers(request, chromium: Browser, slate_app: SlateServer):
    """A member of this test's own, their address, and two tabs in browser contexts of their own (signed out);
    on a failure each tab's screenshot and HTML go to test-artifacts/."""
    serve_built_app(slate_app)
    member, address = _new_member(chromium, slate_app)
    tabs = [Tab.open(chromium.new_context(viewport=DESKTOP, base_url=slate_app.base_url), who, slate_app.base_url) for who in ("this", "other")]
    failed_before = request.session.testsfailed
    yield member, address, *tabs
    for tab in tabs:
        if request.session.testsfailed > failed_before:
            tab.save_failure(request.node.name)
        tab.page.context.close()


def test_forgot_password_by_email_signs_in_with_the_new_one_and_ends_the_other_session(two_browsers, slate_app: SlateServer):
    member, address, tab, other = two_browsers
    sign_in(other, member, path="/settings/account")
    expect(other.by_testid("account-settings-page")).to_be_visible()

    # Forgot password? → the request page → the same answer as for any address.
    tab.goto("/signin")
    tab.by_testid("forgot-password").click()
    expect(tab.page).to_have_url(re.compile(r"/forgot-password$"))
    tab.page.locator('input[name="email"]').fill(address.upper())
    tab.page.get_by_role("button", name="Send the link").click()
    expect(tab.by_testid("reset-sent")).to_contain_text("If an account uses that address")

    # The emailed link → a new password → sign in with it.
    new_password = f"new {secrets.token_hex(8)} pw"
    tab.goto(_link_in(slate_app, address, "Reset"))
    tab.page.locator('input[name="password"]').fill(new_password)
    tab.page.locator('input[name="again"]').fill(new_password)
    tab.page.get_by_role("button", name="Set the new password").click()
    expect(tab.by_testid("reset-done")).to_be_visible()
    tab.by_testid("reset-signin").click()
    expect(tab.page).to_have_url(re.compile(r"/signin$"))
    tab.page.locator('input[name="login"]').fill(member.username)
    tab.page.locator('input[name="password"]').fill(new_password)
    tab.page.locator('button[type="submit"]').click()
    expect(tab.page).to_have_url(re.compile(r"^[^?#]*/$"), timeout=PAGE_MS)
    expect(tab.by_testid("user-menu")).to_be_visible()

    # The other browser's session is over: its next page goes to sign-in.
    other.goto("/settings/account")
    expect(other.page).to_have_url(re.compile(r"/signin\?next="), timeout=PAGE_MS)

    # The old password no longer signs in.
    other.page.locator('input[name="login"]').fill(member.username)
    other.page.locator('input[name="password"]').fill(member.password)
    other.page.locator('button[type="submit"]').click()
    expect(other.by_testid("signin-error")).to_contain_text("Wrong username/email or password")
    tab.assert_healthy()
    other.assert_healthy()


def test_account_settings_change_the_name_and_the_password_signing_out_only_the_other_browser(two_browsers):
    member, _, tab, other = two_browsers
    sign_in(other, member, path="/settings/account")
    sign_in(tab, member, path="/settings/account")

    # The name the crew sees: saved, and the account menu's initials follow.
    tab.by_testid("account-name").fill("Quinn Ortega")
    tab.page.get_by_role("button", name="Save name").click()
    expect(tab.by_testid("user-menu")).to_have_accessible_name(re.compile(r"^QO, account menu"))

    # A wrong current password is refused next to its field; the right one changes it.
    new_password = f"changed {secrets.token_hex(8)} pw"
    tab.locator('input[name="current_password"]').fill("not the password")
    tab.locator('input[name="new_password"]').fill(new_password)
    tab.page.get_by_role("button", name="Change password").click()
    expect(tab.page.get_by_text("Your current password is not right.")).to_be_visible()
    tab.locator('input[name="current_password"]').fill(member.password)
    tab.page.get_by_role("button", name="Change password").click()
    expect(tab.by_testid("password-changed")).to_be_visible()

    # This browser stays signed in; the other one is signed out.
    tab.page.reload()
    expect(tab.by_testid("account-settings-page")).to_be_visible()
    other.page.reload()
    expect(other.page).to_have_url(re.compile(r"/signin\?next="), timeout=PAGE_MS)
    tab.assert_healthy()
