"""The built app runs under Slate's Content-Security-Policy (issue 18) in a real Chromium, with no violation.

The demo production on a Slate of this module's own (tests/e2e/test_browser_a11y.py's `a11y_slate`), signed in as its
owner through /signin: every page of the app (the a11y sweep's PAGES), the API's
Swagger page and the admin's sign-in page load with the policy in their headers and no "Refused to …" on the console
(`Tab.csp_violations`, which `assert_healthy` checks in every browser test). The collector itself is shown to work: an
inline script added to the page is refused and reported. Fixtures: `built_app`, `chromium` (tests/e2e/conftest.py).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import DESKTOP, PAGE_MS, Tab, eventually, sign_in
from tests.e2e.conftest import SlateServer
from tests.e2e.test_browser_a11y import PAGES, a11y_slate, settle  # noqa: F401 — a11y_slate: this module's own, demo loaded

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

# Pages outside the React app that a member's browser opens: (path, what must show once it has run).
# Not /api/redoc/: Redoc's sidebar shows its maker's logo from cdn.redoc.ly, which img-src refuses (nothing else).
OTHER_PAGES = [("/api/docs/", ".swagger-ui .info"), ("/admin/login/", "#login-form")]


@pytest.fixture(scope="module")
def owner_tab(chromium: Browser, a11y_slate: SlateServer):
    # Service workers blocked: one taking control mid-sweep can reload a page under the test (once in three runs, the
    # board stayed on "Loading Slate…" with no violation or error). The worker under the policy: test_browser_offline_shell.
    context = chromium.new_context(viewport=DESKTOP, base_url=a11y_slate.base_url, service_workers="block")
    tab = Tab.open(context, "demo", a11y_slate.base_url)
    sign_in(tab, a11y_slate.members["demo"])
    yield tab
    context.close()


def test_every_page_of_the_app_runs_under_the_policy_without_a_violation(owner_tab, a11y_slate):
    tab = owner_tab
    for name, template, _signed_in in PAGES:
        response = tab.page.goto(a11y_slate.base_url + a11y_slate.demo.path(template), wait_until="domcontentloaded")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "camera=()" in response.headers["permissions-policy"]
        assert response.headers["referrer-policy"] == "same-origin"
        settle(tab.page)
        expect(tab.page.locator("h1").first, f"{name}: {tab.csp_violations} {tab.errors}").to_be_visible(timeout=PAGE_MS)
    # The live connection (a WebSocket to the same host, allowed by connect-src 'self') is up on the last page.
    tab.wait_live()
    tab.assert_healthy()


@pytest.mark.parametrize("path, ready", OTHER_PAGES)
def test_the_api_docs_and_the_admin_run_under_the_policy(chromium, a11y_slate, path, ready):
    context = chromium.new_context(viewport=DESKTOP, base_url=a11y_slate.base_url)
    tab = Tab.open(context, "visitor", a11y_slate.base_url)
    try:
        response = tab.page.goto(a11y_slate.base_url + path, wait_until="domcontentloaded")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(tab.page.locator(ready).first).to_be_visible(timeout=PAGE_MS)
        tab.page.wait_for_load_state("networkidle", timeout=PAGE_MS)
        tab.assert_healthy()
    finally:
        context.close()


def test_an_inline_script_is_refused_and_the_violation_is_collected(owner_tab):
    tab = owner_tab
    tab.page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__slateInlineRan = true'; document.body.append(s); }""")

    eventually(lambda: tab.csp_violations, timeout_s=5, what="the console's CSP report")
    assert tab.page.evaluate("() => window.__slateInlineRan === undefined")
    # Chromium: "Executing inline script violates the following Content Security Policy directive 'script-src 'self''…"
    assert "inline script violates the following Content Security Policy directive 'script-src 'self''" in tab.csp_violations[0]
    tab.csp_violations.clear()
