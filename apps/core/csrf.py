"""The CSRF cookie the browser app sends back as `X-CSRFToken`, set only when the browser has none."""
from __future__ import annotations

from django.middleware.csrf import get_token


def ensure_csrf_cookie_once(request) -> None:
    """Have the CSRF cookie set on this response only when the request came without a valid one.

    Django's `ensure_csrf_cookie` sets it again on every answer (to renew its year). The app's page
    (apps.core.views.spa) and `/api/auth/me/` call this instead: the cookie is set when it is missing
    (a new browser, a year gone by) or malformed (CsrfViewMiddleware then has no `CSRF_COOKIE` for the
    request), and otherwise the answer sets no cookie at all, so nothing is written on each page load
    and a page can be kept by the browser (no-cache with an ETag, the back/forward cache). Signing in
    still rotates it (django.contrib.auth.login).
    """
    if "CSRF_COOKIE" not in request.META:
        get_token(request)
