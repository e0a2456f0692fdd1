"""The server's VAPID identity (RFC 8292, "Voluntary Application Server Identification for Web Push").

One P-256 key pair signs every push request's JWT. It must stay the same for as long as the
subscriptions made with it live (browsers bind a subscription to the `applicationServerKey`), so
it is generated once and kept:

1. `VAPID_PRIVATE_KEY` in the environment wins: a PEM (PKCS#8 or SEC1) or base64url text of the
   raw 32-byte private scalar or of its DER encoding.
2. Otherwise a `VapidKey` row in the database, created on first use, race-safely (a unique name:
   when two processes create it at once, the loser reads the winner's row), so every web and
   worker process on every host shares it.

The private key is never logged or returned by the API; only the public key leaves the server.
"""
from __future__ import annotations

import base64
import logging
import threading
from urllib.parse import urlparse

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from py_vapid import Vapid02

log = logging.getLogger(__name__)

_lock = threading.Lock()
_cached: Vapid02 | None = None


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 4648 section 5, as Web Push uses it)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """base64url with or without padding → bytes; raises ValueError for anything else (standard base64 '+/' included)."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    text = text.strip()
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in text):
        raise ValueError("not base64url")
    stripped = text.rstrip("=")
    if "=" in stripped or len(stripped) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))


def public_key_b64(vapid: Vapid02) -> str:
    """The key pair's public half as browsers take it for `applicationServerKey`: base64url of the 65-byte uncompressed point."""
    return b64url_encode(vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def load_private_key(text: str) -> Vapid02:
    """A `Vapid02` signer from VAPID_PRIVATE_KEY's text (PEM, or base64url raw 32-byte scalar or DER).

    Raises `ImproperlyConfigured` (without echoing the key) when it is none of these or not P-256.
    """
    text = text.strip()
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = b64url_decode(text.replace("\n", ""))
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError):
        raise ImproperlyConfigured("VAPID_PRIVATE_KEY is not a PEM or base64url P-256 private key.") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ImproperlyConfigured("VAPID_PRIVATE_KEY must be a P-256 (prime256v1) key (RFC 8292 section 3.1: ES256).")
    return Vapid02(key)


def get_vapid() -> Vapid02:
    """The server's VAPID signer: from the environment, else the database row (made on first use). Cached per process."""
    global _cached
    if _cached is not None:
        return _cached
    with _lock:
        if _cached is None:
            configured = getattr(settings, "VAPID_PRIVATE_KEY", "") or ""
            _cached = load_private_key(configured) if configured else _from_database()
    return _cached


def _from_database() -> Vapid02:
    from apps.notifications.models import VapidKey

    row = VapidKey.objects.filter(name="default").first()
    if row is None:
        fresh = Vapid02()
        fresh.generate_keys()
        pem = fresh.private_pem().decode("ascii")
        try:
            with transaction.atomic():
                row = VapidKey.objects.create(name="default", private_key_pem=pem, public_key=public_key_b64(fresh))
            log.info("Generated the server's VAPID key pair (public key %s)", row.public_key)
        except IntegrityError:  # another process made it first: use theirs
            row = VapidKey.objects.get(name="default")
    return load_private_key(row.private_key_pem)


def vapid_public_key() -> str:
    """The base64url public key the browser subscribes with (`applicationServerKey`)."""
    return public_key_b64(get_vapid())


def vapid_claims(endpoint: str) -> dict:
    """Fresh JWT claims for one push request (RFC 8292 section 2): `sub` (SLATE_VAPID_SUBJECT) and `aud`.

    `aud` is the origin of the push service (scheme://host[:port]); pywebpush adds `exp` (12 hours
    ahead, within the RFC's 24-hour limit). A new dict each call, since pywebpush mutates it.
    """
    parsed = urlparse(endpoint)
    return {"sub": vapid_subject(), "aud": f"{parsed.scheme}://{parsed.netloc}"}


def vapid_subject() -> str:
    """`SLATE_VAPID_SUBJECT`, else `mailto:admin@<host of SLATE_PUBLIC_URL>` (a contact the push service can write to)."""
    subject = getattr(settings, "SLATE_VAPID_SUBJECT", "") or ""
    if subject:
        return subject
    host = urlparse(getattr(settings, "SLATE_PUBLIC_URL", "http://localhost:8000")).hostname or "localhost"
    return f"mailto:admin@{host}"
