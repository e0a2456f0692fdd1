"""The service worker at `/sw.js`, served by Django so that its scope can be the whole app."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def service_worker_path() -> Path:
    """Where the frontend build puts the service worker: `<BASE_DIR>/static/app/sw.js` (from frontend/public/sw.js)."""
    return Path(settings.BASE_DIR) / "static" / "app" / "sw.js"


@require_safe
@never_cache
def service_worker(request):
    """`/sw.js`: the built service worker, `application/javascript`, `Service-Worker-Allowed: /`, never cached.

    Served from the site root (not /static/app/) because a worker's scope cannot be wider than its
    path (W3C Service Workers, "Service-Worker-Allowed"); never cached so a new build is picked up
    on the browser's next update check. 404 until the frontend is built.
    """
    try:
        script = service_worker_path().read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise Http404("The service worker is not built yet: run `make frontend`.") from None
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
