"""Web Push: checking a browser's subscription and delivering one message to it.

- RFC 8030 (Generic Event Delivery Using HTTP Push): the message is a POST to the subscription's
  endpoint with a `TTL` header (seconds the push service keeps it for an offline device) and an
  optional `Urgency` (section 5.3: very-low | low | normal | high); `201 Created` means accepted,
  `404`/`410` mean the subscription is gone for good (section 7.3), `429` and `5xx` are transient.
- RFC 8291 (Message Encryption for Web Push): the payload is encrypted with `aes128gcm`
  (RFC 8188) to the device's P-256 key `p256dh` and 16-byte secret `auth`; pywebpush does it.
- RFC 8292 (VAPID): `Authorization: vapid t=<ES256 JWT>, k=<public key>` (apps.notifications.vapid).

Endpoints are checked against `SLATE_PUSH_ALLOWED_HOSTS` before they are stored: the server POSTs
to them, so an arbitrary URL would let anyone make it reach internal hosts (SSRF).
"""
from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

from apps.core.errors import ApplicationError
from apps.notifications.vapid import b64url_decode, get_vapid, vapid_claims

log = logging.getLogger(__name__)

# The push services of the browsers people use: Chrome/Edge/Opera (FCM), Firefox (Mozilla autopush),
# Safari (Apple, web.push.apple.com), legacy Edge (WNS).
DEFAULT_ALLOWED_HOSTS = ("fcm.googleapis.com", "updates.push.services.mozilla.com", "*.push.apple.com", "*.notify.windows.com")

MAX_PAYLOAD_BYTES = 3000  # RFC 8030 section 7.2: services must accept 4096 octets of ciphertext; leave room for the header and tag.


class PushGone(Exception):
    """The push service says the subscription no longer exists (HTTP 404/410, RFC 8030 section 7.3): delete it."""


class PushTransient(Exception):
    """Worth trying again later: 429 Too Many Requests, a 5xx, a timeout or a connection error."""


class PushRejected(Exception):
    """A permanent refusal other than gone (400 bad request, 401/403 VAPID mismatch, 413 too large): do not retry."""


def _invalid(message: str, field: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_subscription", extra={"fields": {field: [message]}})


def host_allowed(host: str, patterns) -> bool:
    """Is `host` one of `patterns`: exact names, or `*.example.com` for any subdomain of example.com (not itself)."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower().strip().rstrip(".")
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def validate_subscription(*, endpoint, p256dh, auth) -> tuple[str, str, str]:
    """Check a browser's push subscription; returns `(endpoint, p256dh, auth)` with the keys normalised (base64url, no padding).

    - endpoint: an absolute https URL (http only when SLATE_PUSH_ALLOW_INSECURE, for tests) on a host
      in SLATE_PUSH_ALLOWED_HOSTS, no user:password, at most 1,000 characters.
    - p256dh: base64url (padding optional) of a 65-byte uncompressed point (0x04||X||Y) on P-256
      (RFC 8291 section 3.1; checked with cryptography's `from_encoded_point`).
    - auth: base64url of exactly 16 bytes (RFC 8291 section 3.2).

    Raises `ApplicationError` 400 `invalid_subscription` with a message saying which part is wrong.
    """
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise _invalid("The push endpoint is missing: send the browser's PushSubscription (endpoint and keys).", "endpoint")
    endpoint = endpoint.strip()
    if len(endpoint) > 1000:
        raise _invalid("The push endpoint is longer than 1,000 characters.", "endpoint")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        parts.port  # noqa: B018 — raises ValueError for a port that is not a number
    except ValueError:
        raise _invalid("The push endpoint is not a valid URL.", "endpoint") from None
    allow_http = bool(getattr(settings, "SLATE_PUSH_ALLOW_INSECURE", False))
    if parts.scheme not in (("https", "http") if allow_http else ("https",)) or not host:
        if parts.scheme == "http" and host:
            raise _invalid("The push endpoint must use https.", "endpoint")
        raise _invalid("The push endpoint is not an absolute https URL.", "endpoint")
    if parts.username is not None or parts.password is not None:
        raise _invalid("The push endpoint must not carry a user name or password.", "endpoint")
    allowed = getattr(settings, "SLATE_PUSH_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS)
    if not host_allowed(host, allowed):
        raise _invalid(f"{host} is not a known push service.", "endpoint")
    try:
        point = b64url_decode(p256dh)
    except ValueError:
        raise _invalid("keys.p256dh is not base64url text.", "keys.p256dh") from None
    if len(point) != 65 or point[0] != 0x04:
        raise _invalid(f"keys.p256dh must be a 65-byte uncompressed P-256 point, not {len(point)} bytes.", "keys.p256dh")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise _invalid("keys.p256dh is not a point on the P-256 curve.", "keys.p256dh") from None
    try:
        secret = b64url_decode(auth)
    except ValueError:
        raise _invalid("keys.auth is not base64url text.", "keys.auth") from None
    if len(secret) != 16:
        raise _invalid(f"keys.auth must be a 16-byte secret, not {len(secret)} bytes.", "keys.auth")
    from apps.notifications.vapid import b64url_encode

    return endpoint, b64url_encode(point), b64url_encode(secret)


def payload_for(notification=None, *, title: str = "", body: str = "", url: str = "/") -> dict:
    """The JSON the service worker shows: `{"title", "body", "url", "tag", "notification": id | null}`.

    `tag` groups a notification with later ones about the same thing (the device replaces, not stacks,
    them). The body is cut so the encrypted message stays under the push services' 4 KB limit.
    """
    if notification is not None:
        tag = f"{notification.entity}-{notification.entity_id}" if notification.entity else f"notification-{notification.pk}"
        # A phone shows notifications of every production together: the body names this one first.
        where = notification.production.title if notification.production_id else ""
        body = " \u00b7 ".join(part for part in (where, notification.body) if part)
        data = {"title": notification.title, "body": body, "url": notification.url or "/", "tag": tag,
                "notification": notification.pk}
    else:
        data = {"title": title, "body": body, "url": url, "tag": "slate-test", "notification": None}
    while len(json.dumps(data).encode()) > MAX_PAYLOAD_BYTES and data["body"]:
        data["body"] = data["body"][: max(0, len(data["body"]) - 200)].rstrip() + ("…" if len(data["body"]) > 200 else "")
        if len(data["body"]) <= 1:
            data["body"] = ""
    return data


def deliver(*, endpoint: str, p256dh: str, auth: str, payload: dict, ttl: int, urgency: str = "normal") -> int:
    """Encrypt `payload` (JSON) for one device and POST it to its push service; returns the HTTP status (201).

    `ttl` in seconds (RFC 8030 section 5.2), `urgency` per section 5.3. Raises `PushGone` (404/410),
    `PushTransient` (429, 5xx, timeout, connection error), `PushRejected` (any other refusal).
    Messages never include the keys or the VAPID token.
    """
    from pywebpush import WebPushException, webpush

    subscription_info = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
    try:
        response = webpush(
            subscription_info,
            data=json.dumps(payload, separators=(",", ":")),
            vapid_private_key=get_vapid(),
            vapid_claims=vapid_claims(endpoint),
            ttl=int(ttl),
            headers={"Urgency": urgency},
            timeout=float(getattr(settings, "SLATE_PUSH_TIMEOUT_S", 10.0)),
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            raise PushGone(f"push service answered {status}") from None
        if status == 429 or (status is not None and status >= 500):
            raise PushTransient(f"push service answered {status}") from None
        if status is None:  # refused before sending: keys the encryption cannot use
            raise PushRejected("the subscription's keys cannot be used") from None
        raise PushRejected(f"push service answered {status}") from None
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise PushTransient(f"push service unreachable ({type(exc).__name__})") from None
    return response.status_code
