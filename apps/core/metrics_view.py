"""`GET /metrics`: the Prometheus text format of every Slate process on this host, for Prometheus only.

Not public. With `SLATE_METRICS_TOKEN` set, a request must carry `Authorization: Bearer <token>`
(compared in constant time). Without it, only a request made from this machine's loopback straight
to the web process is answered: one that came through a proxy (it carries `X-Forwarded-For`,
`Forwarded` or `X-Real-IP`, as nginx adds) is refused, since the proxy's own address is loopback
and the forwarded client address can be forged. Everything else gets 403.
"""
from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client.exposition import choose_encoder

from apps.core.metrics import scrape_registry

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").strip("[]")).is_loopback
    except ValueError:
        return False


def scrape_allowed(request) -> bool:
    """True when `request` may read the metrics: the bearer token when SLATE_METRICS_TOKEN is set, else loopback, unproxied."""
    token = settings.SLATE_METRICS_TOKEN
    if token:
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    return _is_loopback(request.META.get("REMOTE_ADDR")) and not any(request.META.get(h) for h in PROXY_HEADERS)


@require_safe
@never_cache
def metrics(request):
    """The metrics (`scrape_registry`) in the format the `Accept` header asks for (OpenMetrics, as Prometheus asks, or the
    text format 0.0.4 by default: prometheus-client's `choose_encoder`); 403 (plain text) when not `scrape_allowed`."""
    if not scrape_allowed(request):
        hint = "a bearer token (SLATE_METRICS_TOKEN)" if settings.SLATE_METRICS_TOKEN else "a loopback request (or set SLATE_METRICS_TOKEN)"
        return HttpResponse(f"Forbidden: /metrics needs {hint}.\n", status=403, content_type="text/plain; charset=utf-8")
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(scrape_registry()), content_type=content_type)
