"""The request being served, for audit entries written by services that take no request (who/from where).

`AuditRequestMiddleware` (settings.MIDDLEWARE) sets it around each request; a context variable, so it holds per
request under ASGI too (asgiref carries context variables into and out of the thread a sync view runs in).
Outside a request (Huey tasks, manage.py commands) there is none and entries have no address.
"""
from __future__ import annotations

from contextvars import ContextVar

current_request: ContextVar = ContextVar("slate_audit_request", default=None)


class AuditRequestMiddleware:
    """Keeps the request in `current_request` while the view answers it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
