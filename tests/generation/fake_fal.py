"""A local fake of fal.ai's queue, for tests: the real fal-client SDK talks to it over HTTPS.

It speaks the queue REST protocol as fal-client 1.0.3 calls it (fal.ai docs, "Queue";
fal_client/client.py SyncClient.submit and SyncRequestHandle):

- `POST /{owner}/{alias}[/{path}]` (JSON arguments, `Authorization: Key <key>`) →
  `{request_id, response_url, status_url, cancel_url, queue_position}`; the URLs are under
  `/{owner}/{alias}/requests/{id}` (no subpath, as fal does);
- `GET .../requests/{id}/status?logs=true|1` → `{"status": "IN_QUEUE", "queue_position": n}` (0-based),
  `{"status": "IN_PROGRESS", "logs": [...]}`, `{"status": "COMPLETED", "logs", "metrics"[, "error", "error_type"]}`;
- `GET .../requests/{id}` → `{"images": [{"url", "width", "height", "content_type"}], "seed", ...}`,
  or for a failed request HTTP 500 `{"detail": ...}`;
- `PUT .../requests/{id}/cancel` → 202 `{"status": "CANCELLATION_REQUESTED"}` (400 `ALREADY_COMPLETED`);
- `GET /img/{id}.png` → a real PNG made with Pillow (fal's CDN, no key needed).

fal-client always builds `https://` URLs, so the fake serves TLS with a throwaway CA made here:
point `SSL_CERT_FILE` at `ca_path` (httpx honours it) and fal-client's queue host at `host`.

Behaviour (`behaviour`): "normal" — two IN_QUEUE polls (positions 1 then 0), two IN_PROGRESS polls
with logs, then COMPLETED; "error" — the request with 0-based index `fail_at` completes with
`error_message`, the others are normal; "hang" — IN_PROGRESS for ever; "reject" — submit answers
422 with a FastAPI-style validation `detail`. Every request is recorded (`requests`), and so are
submitted bodies (`submissions`), the ids given out (`request_ids`) and cancelled ids (`cancelled`).
"""
from __future__ import annotations

import datetime
import io
import ipaddress
import json
import ssl
import tempfile
import uuid
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image

from tests.generation.fake_server import FakeProviderServer

LOG_LINES = ("Loading model weights", "Generating: step 4/4")
IMAGE_SIZE = (96, 54)


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1/localhost signed by it: (ca.pem, cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Slate test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def png_bytes(seed: int) -> bytes:
    """A small real PNG whose colour depends on the seed."""
    buffer = io.BytesIO()
    Image.new("RGB", IMAGE_SIZE, ((seed * 70) % 256, (seed * 130) % 256, 90)).save(buffer, "PNG")
    return buffer.getvalue()


class FakeFal(FakeProviderServer):
    """The fake queue; `start()` it (or use it as a context manager), read `host` and `ca_path`, `stop()` it."""

    thread_name = "fake-fal"

    def __init__(self, *, key: str = "test-fal-key"):
        super().__init__(error_message="CUDA out of memory on the runner")
        self.key = key
        self._jobs: dict[str, dict] = {}
        self._folder = Path(tempfile.mkdtemp(prefix="slate-fake-fal-"))
        self.ca_path, self._cert, self._key = _certificates(self._folder)

    @property
    def host(self) -> str:
        """`127.0.0.1:<port>`, what FAL_QUEUE_RUN_HOST would name."""
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"https://{self.host}"

    def start(self, *, tls: ssl.SSLContext | None = None) -> FakeFal:
        """Serve over HTTPS with the throwaway CA's certificate (fal-client builds https:// URLs only)."""
        if tls is None:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(self._cert, self._key)
        return super().start(tls=tls)

    # --- the queue ---------------------------------------------------------------------------------

    def submit(self, app: str, body: dict) -> dict:
        with self._lock:
            index = len(self.submissions)
            self.submissions.append(body)
            request_id = str(uuid.uuid4())
            self.request_ids.append(request_id)
            fails = self.behaviour == "error" and index == self.fail_at
            self._jobs[request_id] = {"app": app, "body": body, "polls": 0, "fails": fails, "hangs": self.behaviour == "hang",
                                      "cancelled": False}
        url = f"{self.base}/{app}/requests/{request_id}"
        return {"request_id": request_id, "response_url": url, "status_url": f"{url}/status", "cancel_url": f"{url}/cancel",
                "queue_position": 1}

    def status(self, request_id: str, *, logs: bool) -> dict:
        with self._lock:
            job = self._jobs[request_id]
            job["polls"] += 1
            polls = job["polls"]
        lines = [{"message": line, "level": "INFO", "source": "user", "timestamp": _now()} for line in LOG_LINES]
        if job["hangs"] and not job["cancelled"]:
            return {"status": "IN_PROGRESS", "logs": lines[:1] if logs else None}
        if polls <= 2 and not job["cancelled"]:
            return {"status": "IN_QUEUE", "queue_position": 2 - polls, "logs": None}
        if polls <= 4 and not job["cancelled"]:
            return {"status": "IN_PROGRESS", "logs": lines[:polls - 2] if logs else None}
        done = {"status": "COMPLETED", "logs": lines if logs else None, "metrics": {"inference_time": 0.42}}
        if job["cancelled"]:
            return done | {"error": "Request was cancelled", "error_type": "request_cancelled"}
        if job["fails"]:
            return done | {"error": self.error_message, "error_type": "runner_server_error"}
        return done

    def result(self, request_id: str) -> tuple[int, dict]:
        job = self._jobs[request_id]
        if job["fails"]:
            return 500, {"detail": self.error_message}
        seed = int(job["body"].get("seed") or 0)
        url = f"{self.base}/img/{request_id}.png"
        return 200, {"images": [{"url": url, "width": IMAGE_SIZE[0], "height": IMAGE_SIZE[1], "content_type": "image/png"}],
                     "seed": seed, "has_nsfw_concepts": [False], "prompt": job["body"].get("prompt"), "timings": {"inference": 0.42}}

    def cancel(self, request_id: str) -> tuple[int, dict]:
        with self._lock:
            job = self._jobs[request_id]
            if job["polls"] > 4 and not job["hangs"]:
                return 400, {"status": "ALREADY_COMPLETED"}
            job["cancelled"] = True
            self.cancelled.append(request_id)
        return 202, {"status": "CANCELLATION_REQUESTED"}

    def image(self, request_id: str) -> bytes:
        return png_bytes(int(self._jobs[request_id]["body"].get("seed") or 0))


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


class _Handler(BaseHTTPRequestHandler):
    owner: FakeFal
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes; Nagle would hold the second ~40 ms

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, status: int, body, *, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-fal-request-id", "fake")
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> tuple[list[str], dict, dict | None]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        parts = urlsplit(self.path)
        self.owner.requests.append({"method": self.command, "path": parts.path, "query": parse_qs(parts.query),
                                    "headers": {k.lower(): v for k, v in self.headers.items()}, "json": body})
        return [p for p in parts.path.split("/") if p], parse_qs(parts.query), body

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Key {self.owner.key}":
            self._answer(401, {"detail": "No user found for Key ID and Secret"})
            return False
        return True

    def do_POST(self) -> None:
        segments, _, body = self._record()
        if not self._authorised():
            return
        if self.owner.behaviour == "reject":
            self._answer(422, {"detail": [{"loc": ["body", "image_size"], "msg": "unsupported image size", "type": "value_error"}]})
            return
        self._answer(200, self.owner.submit("/".join(segments[:2]), body or {}))

    def do_GET(self) -> None:
        segments, query, _ = self._record()
        if len(segments) == 2 and segments[0] == "img":
            request_id = segments[1].removesuffix(".png")
            if request_id in self.owner._jobs:
                self._answer(200, self.owner.image(request_id), content_type="image/png")
            else:
                self._answer(404, {"detail": "Not found"})
            return
        if not self._authorised():
            return
        request_id = self._request_id(segments)
        if request_id is None:
            return
        if segments[-1] == "status":
            logs = query.get("logs", ["0"])[0].lower() in ("1", "true")
            self._answer(200, self.owner.status(request_id, logs=logs))
        else:
            self._answer(*self.owner.result(request_id))

    def do_PUT(self) -> None:
        segments, _, _ = self._record()
        if not self._authorised():
            return
        request_id = self._request_id(segments)
        if request_id is not None and segments[-1] == "cancel":
            self._answer(*self.owner.cancel(request_id))

    def _request_id(self, segments: list[str]) -> str | None:
        if len(segments) >= 4 and segments[2] == "requests" and segments[3] in self.owner._jobs:
            return segments[3]
        self._answer(404, {"detail": "Request not found"})
        return None


FakeFal.handler = _Handler
