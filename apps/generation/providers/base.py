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

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

MAX_FILE_BYTES = 50 * 1024 * 1024  # one output file, downloaded; larger ones are refused
STATES = ("queued", "running", "succeeded", "failed", "cancelled")


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
