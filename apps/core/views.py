"""Plain Django views: the health check and the workspace page."""
from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie


@never_cache
def health(request):
    """`{"ok": true}` when the database answers; used by `make run` and the end-to-end tests to wait for the web process."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


@ensure_csrf_cookie
def workspace(request):
    """The browser workspace (a minimal live page until the React app of issue 3 replaces it)."""
    return render(request, "workspace.html")
