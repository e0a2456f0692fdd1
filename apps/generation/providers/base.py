"""The provider interface: what an order's item job needs from any image/video generation service.

Every provider (fal.ai, Replicate) runs a request the same way: submit the model's arguments and
get the provider's request id, poll its status (queued → running → succeeded | failed | cancelled),
fetch the result once it succeeded (the output files downloaded, at most MAX_FILE_BYTES each), and
cancel it. Each call is independent (a job may poll a request another process submitted): the
request id and the model are all a provider needs to find a request again.

Errors: every SDK, HTTP or network failure leaves a provider as `ProviderError`, whose `str()` is
the provider's own reason in a sentence a crew member can read.
"""
from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import httpx

MAX_FILE_BYTES = 50 * 1024 * 1024  # one output file, downloaded; larger ones are refused
DOWNLOAD_TIMEOUT_S = 60.0
STATES = ("queued", "running", "succeeded", "failed", "cancelled")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
_STEPS = re.compile(r"\b(\d+)\s*/\s*(\d+)\b")


class ProviderError(Exception):
    """A provider refused, failed or could not be reached; `str()` is readable for a crew member (the provider's own reason)."""


@dataclass(frozen=True)
class ProviderStatus:
    """One status poll: `state` one of STATES, `progress` 0..1 when the provider says, the 0-based
    `queue_position` while queued when the provider says, `log` the newest log line, `error` the
    provider's reason when failed."""

    state: str
    progress: float | None = None
    queue_position: int | None = None
    log: str = ""
    error: str = ""


@dataclass(frozen=True)
class ProviderFile:
    """One downloaded output file (<= MAX_FILE_BYTES): its bytes and the content type the provider
    or its CDN declared (e.g. "image/png"); the caller checks the content itself."""

    data: bytes
    content_type: str


@dataclass(frozen=True)
class ProviderOutput:
    """A finished request: its output `files` in the provider's order, the provider's `metadata`
    (JSON-able: seed, timings, `predict_time` in seconds...) and `cost_usd`, only when the provider
    reports money (neither fal nor Replicate does: None)."""

    files: list[ProviderFile]
    metadata: dict = field(default_factory=dict)
    cost_usd: Decimal | None = None


class Provider(Protocol):
    """A generation service as the order runner uses it; `provider_for(name)` gives one."""

    name: str  # "fal" | "replicate"
    setting: str  # the environment variable that configures it: "FAL_KEY" | "REPLICATE_API_TOKEN"

    def configured(self) -> bool:
        """True when the provider's key (`setting`) is set."""
        ...

    def submit(self, model: str, arguments: dict) -> str:
        """Send one request for `model` with the model's JSON `arguments`; returns the provider's request id.
        Raises `ProviderError` (refused: the provider's reason, naming the field when it does)."""
        ...

    def status(self, model: str, request_id: str) -> ProviderStatus:
        """Poll the request once. Raises `ProviderError`."""
        ...

    def result(self, model: str, request_id: str) -> ProviderOutput:
        """The finished request's output files, downloaded; only after status "succeeded". Raises `ProviderError`."""
        ...

    def cancel(self, model: str, request_id: str) -> bool:
        """Ask the provider to cancel the request; False when it refused (e.g. already finished) or could not be reached."""
        ...


def progress_from_log(line: str) -> float | None:
    """The progress a log line states, 0..1, or None: its last percentage ("37%|███▋ | 10/28" → 0.37, tqdm's
    format as diffusers and cog models print it), else a step count ("Generating: step 3/4" → 0.75)."""
    percents = _PERCENT.findall(line)
    if percents:
        return min(float(percents[-1]) / 100.0, 1.0)
    steps = [(int(done), int(total)) for done, total in _STEPS.findall(line) if 0 < int(total) and int(done) <= int(total)]
    if steps:
        done, total = steps[-1]
        return done / total
    return None


def download(url: str, *, provider: str, what: str = "a file") -> ProviderFile:
    """One output file of `provider` ("fal.ai", "Replicate"): an http(s) URL on its CDN (no key sent, redirects
    followed) or a `data:` URI (RFC 2397, base64; what synchronous requests answer). At most MAX_FILE_BYTES;
    `content_type` as the CDN or the URI declares it (a URI without one: text/plain, RFC 2397's default), else as
    the URL's extension says, else application/octet-stream. Raises `ProviderError` naming `what` ("an image")
    and the provider."""
    if url.startswith("data:"):
        header, comma, encoded = url.partition(",")
        try:
            if not comma:
                raise binascii.Error("no data")
            return ProviderFile(base64.b64decode(encoded, validate=True), header[5:].split(";", 1)[0] or "text/plain")
        except binascii.Error:
            raise ProviderError(f"{provider} sent {what} Slate cannot decode.") from None
    if not url.startswith(("https://", "http://")):
        raise ProviderError(f"{provider} sent {what} address Slate cannot fetch.")
    chunks, size = [], 0
    try:
        with httpx.stream("GET", url, timeout=DOWNLOAD_TIMEOUT_S, follow_redirects=True) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise ProviderError(f"{provider} sent {what} larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB.")
                chunks.append(chunk)
    except httpx.HTTPStatusError as exc:
        raise ProviderError(f"Could not download {what} from {provider} (HTTP {exc.response.status_code}).") from None
    except httpx.HTTPError as exc:
        raise ProviderError(f"Could not download {what} from {provider} ({exc.__class__.__name__}).") from None
    declared = response.headers.get("content-type", "").split(";", 1)[0].strip()
    guessed = mimetypes.guess_type(url.split("?", 1)[0])[0]
    return ProviderFile(b"".join(chunks), declared or guessed or "application/octet-stream")
