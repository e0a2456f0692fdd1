"""Two-factor authentication in a real Chromium against the running Slate (issue 18, acceptance).

A member of this test's own (registered and verified over REST) turns it on in /settings/account with the keyboard:
the QR code shows (an SVG data: image, allowed by the CSP) beside the secret, the code computed from that secret
(RFC 6238, django_otp.oath, the real clock) turns it on, the recovery codes show once. Then a second browser signs in:
the password alone makes the form ask for a code, a wrong one is refused next to its field, the app's next code signs
in. axe finds no serious or critical violation in the section or on the sign-in form with the code field.
Fixtures: `chromium`, `slate_app` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Browser, expect

from tests.e2e.browser import DESKTOP, PAGE_MS, Tab, axe_violations, sign_in
from tests.e2e.conftest import SlateServer, serve_built_app
from tests.e2e.test_browser_password_reset import _new_member

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """The authenticator app's code for `secret` (base32 as the page shows it) now, or `steps_ahead` 30-second steps on."""
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)), step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.fixture
def tabs(request, chromium: Browser, slate_app: SlateServer):
    serve_built_app(slate_app)
    member, _ = _new_member(chromium, slate_app)
    opened = [Tab.open(chromium.new_context(viewport=DESKTOP, base_url=slate_app.base_url), who, slate_app.base_url) for who in ("settings", "signin")]
    failed_before = request.session.testsfailed
    yield member, *opened
    for tab in opened:
        if request.session.testsfailed > failed_before:
            tab.save_failure(request.node.name)
        tab.page.context.close()


def test_turning_it_on_in_settings_then_signing_in_asks_for_the_apps_code(tabs):
    member, tab, other = tabs
    sign_in(tab, member, path="/settings/account")
    section = tab.by_testid("two-factor")
    expect(section.get_by_test_id("two-factor-status")).to_contain_text("off")

    # Set up with the keyboard: the QR code and the secret, then the app's code.
    start = tab.by_testid("two-factor-start")
    start.focus()
    tab.page.keyboard.press("Enter")
    qr = tab.by_testid("two-factor-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load under the CSP"
    secret = tab.by_testid("two-factor-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert axe_violations(tab.page, '[data-testid="two-factor"]') == []
    tab.by_testid("two-factor-code").fill(code_for(secret))
    tab.page.keyboard.press("Enter")

    # The recovery codes, once.
    codes = tab.by_testid("recovery-codes")
    expect(codes.get_by_role("listitem")).to_have_count(10)
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", codes.get_by_role("listitem").first.inner_text().strip())
    assert axe_violations(tab.page, '[data-testid="two-factor"]') == []
    tab.by_testid("recovery-codes-done").click()
    expect(section.get_by_test_id("two-factor-status")).to_contain_text("on. 10 recovery codes left")

    # Another browser: the password alone asks for the code; a wrong one is refused; the app's next code signs in.
    other.goto("/signin")
    other.page.locator('input[name="login"]').fill(member.username)
    other.page.locator('input[name="password"]').fill(member.password)
    other.page.locator('button[type="submit"]').click()
    expect(other.by_testid("signin-code-needed")).to_contain_text("authenticator app")
    code_field = other.page.get_by_label("Authentication code or recovery code")
    expect(code_field).to_be_focused()
    assert axe_violations(other.page) == []
    code_field.fill("000000" if code_for(secret, steps_ahead=1) != "000000" else "111111")
    other.page.keyboard.press("Enter")
    expect(other.by_testid("signin-code")).to_have_attribute("aria-invalid", "true")
    expect(other.page).to_have_url(re.compile(r"/signin$"))
    time.sleep(1.1)  # django-otp refuses every code for 1 s after a wrong one (its ThrottlingMixin), the right one too
    code_field.fill(code_for(secret, steps_ahead=1))
    other.page.keyboard.press("Enter")
    expect(other.page).to_have_url(re.compile(r"^[^?#]*/$"), timeout=PAGE_MS)
    expect(other.by_testid("user-menu")).to_be_visible()
    tab.assert_healthy()
    other.assert_healthy()
