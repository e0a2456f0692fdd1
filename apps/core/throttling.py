"""Rate limits shared by every web process: DRF's throttles count in Django's cache, which is Redis (settings.CACHES)."""
from __future__ import annotations

import logging

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import throttling

log = logging.getLogger(__name__)


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle (`throttle_scope`, rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]), counted in
    Redis so that N web processes allow the rate once, not N times.

    While Redis does not answer (within the cache's socket timeouts) the request is let through and a
    warning logged: signing in keeps working through a Redis restart, unthrottled for those seconds.
    """

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("rate limit %r not checked, Redis did not answer: %s", self.scope, exc)
            return True
