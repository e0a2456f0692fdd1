"""A local push service for the tests: a real HTTP server in a thread that speaks RFC 8030 to pywebpush.

What a real push service (FCM, Mozilla autopush) does with a message, it does too, and it is
strict about it:

- RFC 8030 section 5: a push message is a POST to the push resource (the subscription's endpoint
  path) with a `TTL` header; accepted → `201 Created` with a `Location` header naming the message.
- RFC 8292 section 3: `Authorization: vapid t=<JWT>, k=<public key>`; the JWT is ES256 (ECDSA
  P-256 + SHA-256, the signature as raw r||s, RFC 7515 appendix A.3) signed with the key `k`; its
  `aud` is the push resource's origin, `exp` in the future and at most 24 hours ahead, `sub` a
  mailto: or https: contact. Anything else is answered 401 (403 for a key the subscription was not
  made with, as FCM does).
- RFC 8291/8188: `Content-Encoding: aes128gcm`; the body is decrypted with the device's private key
  and auth secret (http_ece), so a test sees exactly what the service worker would.

`answers` queues canned replies (410, 404, 429, 500...) for the next requests, to test how the
sender reacts. Every request is kept in `received` with its verdict.
"""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's side of one subscription: its key pair and auth secret (RFC 8291 section 2)."""

    path: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    endpoint: str = ""

    @property
    def p256dh(self) -> str:
        return b64u(self.private_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    @property
    def auth(self) -> str:
        return b64u(self.auth_secret)

    def subscription_json(self) -> dict:
        """What `PushSubscription.toJSON()` gives the app."""
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass
class Received:
    """One request the service got: path, headers, verdict (status answered, error if refused), decrypted payload, JWT claims."""

    path: str
    headers: dict
    status: int
    error: str = ""
    payload: dict | None = None
    claims: dict = field(default_factory=dict)
    vapid_key: str = ""


class FakePushService:
    """Start with `start()`, stop with `stop()`; `new_device()` makes a subscription on it."""

    def __init__(self):
        self.devices: dict[str, Device] = {}
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.expected_vapid_key: str | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakePushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802 — http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, extra_headers, record = service._handle(self.path, dict(self.headers.items()), body)
                with service._lock:
                    service.received.append(record)
                self.send_response(status)
                for name, value in extra_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-push-service")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    def new_device(self) -> Device:
        """A new browser subscription on this service (fresh P-256 key pair and 16-byte auth secret)."""
        path = "/push/" + b64u(os.urandom(12))
        device = Device(path=path, private_key=ec.generate_private_key(ec.SECP256R1()), auth_secret=os.urandom(16))
        device.endpoint = self.origin + path
        self.devices[path] = device
        return device

    def delivered(self) -> list[Received]:
        """Requests that were accepted (201)."""
        return [r for r in self.received if r.status == 201]

    # --- the protocol ---------------------------------------------------------------------

    def _handle(self, path: str, headers: dict, body: bytes) -> tuple[int, dict, Received]:
        lower = {k.lower(): v for k, v in headers.items()}
        record = Received(path=path, headers=lower, status=201)
        device = self.devices.get(path)
        if device is None:
            record.status, record.error = 404, "no such subscription"
            return 404, {}, record
        with self._lock:
            canned = self.answers.pop(0) if self.answers else None
        if "ttl" not in lower or not lower["ttl"].isdigit():
            record.status, record.error = 400, "TTL header missing (RFC 8030 section 5.2)"
            return 400, {}, record
        try:
            record.claims, record.vapid_key = self._check_vapid(lower.get("authorization", ""))
        except ValueError as exc:
            record.status, record.error = 401, str(exc)
            return 401, {}, record
        if self.expected_vapid_key is not None and record.vapid_key != self.expected_vapid_key:
            record.status, record.error = 403, "VAPID key is not the one the subscription was made with"
            return 403, {}, record
        if lower.get("content-encoding") != "aes128gcm":
            record.status, record.error = 415, "Content-Encoding must be aes128gcm (RFC 8291 section 4)"
            return 415, {}, record
        try:
            plaintext = http_ece.decrypt(body, private_key=device.private_key, auth_secret=device.auth_secret, version="aes128gcm")
            record.payload = json.loads(plaintext)
        except Exception as exc:  # noqa: BLE001 — a refusal, whatever went wrong
            record.status, record.error = 400, f"cannot decrypt: {type(exc).__name__}"
            return 400, {}, record
        if canned is not None:
            record.status = canned
            return canned, ({"Retry-After": "1"} if canned == 429 else {}), record
        message_id = b64u(os.urandom(8))
        return 201, {"Location": f"{self.origin}/message/{message_id}", "TTL": lower["ttl"]}, record

    def _check_vapid(self, authorization: str) -> tuple[dict, str]:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError("Authorization scheme must be vapid (RFC 8292 section 3)")
        values = {}
        for part in params.split(","):
            name, _, value = part.strip().partition("=")
            values[name.strip()] = value.strip()
        token, key = values.get("t", ""), values.get("k", "")
        try:
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64u(key))
            header_b64, claims_b64, signature_b64 = token.split(".")
            header, claims = json.loads(unb64u(header_b64)), json.loads(unb64u(claims_b64))
            signature = unb64u(signature_b64)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"malformed VAPID credentials: {type(exc).__name__}") from None
        if header.get("alg") != "ES256" or len(signature) != 64:
            raise ValueError("JWT must be ES256 with a 64-byte r||s signature")
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        try:
            public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise ValueError("JWT signature does not verify with k") from None
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not this push service's origin {self.origin}")
        now = time.time()
        if not (now < int(claims.get("exp", 0)) <= now + 24 * 3600):
            raise ValueError("exp must be in the future and at most 24 hours ahead")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("sub must be a mailto: or https: contact")
        return claims, key
