"""The sign-in page shows the per-account lock-out (issue 18) in a real Chromium against the running Slate.

The server's own SLATE_SIGNIN_LOCKOUT (10 failed sign-ins an hour, project/settings.py) on a login no member has (the
count is per login, account or not, so no shared member gets locked): ten wrong passwords say "Wrong username/email or
password", the eleventh the lock-out notice from the 429. Fixtures: `slate_app`, `chromium` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import DESKTOP, PAGE_MS, Tab, tid
from tests.e2e.conftest import SlateServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

LOCKOUT_AFTER = 10   # project/settings.py's SLATE_SIGNIN_LOCKOUT default, which the test servers keep


def test_the_sign_in_page_says_the_account_is_locked_after_its_failed_sign_ins(chromium: Browser, slate_app: SlateServer):
    context = chromium.new_context(viewport=DESKTOP, base_url=slate_app.base_url, service_workers="block")
    tab = Tab.open(context, "stranger", slate_app.base_url)
    login = f"nobody-{secrets.token_hex(6)}"
    try:
        tab.goto("/signin")
        answers = []
        for attempt in range(LOCKOUT_AFTER + 1):
            tab.page.locator('input[name="login"]').fill(login)
            tab.page.locator('input[name="password"]').fill(f"wrong-{attempt}")
            with tab.page.expect_response(lambda r: r.url.endswith("/api/auth/login/")) as answer:
                tab.page.locator('button[type="submit"]').click()
            answers.append(answer.value.status)

        assert answers == [400] * LOCKOUT_AFTER + [429]
        expect(tab.page.locator(tid("signin-error"))).to_contain_text("Too many failed sign-ins for this account",
                                                                     timeout=PAGE_MS)
        tab.assert_healthy()
    finally:
        context.close()
