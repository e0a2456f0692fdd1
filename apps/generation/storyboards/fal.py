"""fal.ai through its SDK (fal-client): submit to the queue, poll status with logs, fetch the result, cancel.

The queue protocol (fal.ai docs, "Queue"; fal_client.client.SyncClient / SyncRequestHandle):
`POST https://{FAL_QUEUE_RUN_HOST}/{model id}` with the JSON arguments and `Authorization: Key
<FAL_KEY>` answers `{request_id, status_url, response_url, cancel_url}`; `GET status_url?logs=true`
answers `IN_QUEUE` (`queue_position`, 0-based), `IN_PROGRESS` (`logs`) or `COMPLETED` (`error`
when it failed); `GET response_url` answers the model's output; `PUT cancel_url` cancels.
fal-client reads FAL_QUEUE_RUN_HOST (default `queue.fal.run`) once, when it is imported.

Every SDK or network failure comes out of here as `FalError` with a message a crew member can read.
"""
from __future__ import annotations

from dataclasses import dataclass

import fal_client
import httpx
from django.conf import settings

from apps.generation.providers import base as providers


class FalError(Exception):
    """fal.ai refused, failed or could not be reached; `str()` is fal's own reason, readable."""


@dataclass(frozen=True)
class FalStatus:
    """One status poll, SDK-independent: `state` queued/running/completed, the 0-based `queue_position`
    while queued, the `logs` lines so far (fal sends all of them each time), `error` when fal failed it,
    with fal's `error_type` (e.g. "request_cancelled")."""

    state: str
    queue_position: int | None = None
    logs: tuple[str, ...] = ()
    error: str | None = None
    error_type: str | None = None


def make_client() -> fal_client.SyncClient:
    """A fal-client SyncClient authenticated with settings.FAL_KEY (sent as `Authorization: Key …`)."""
    return fal_client.SyncClient(key=settings.FAL_KEY, default_timeout=60.0)


def close_client(client: fal_client.SyncClient) -> None:
    """Close the client's HTTP connections (fal-client 1.0.3 has no public close; it caches an httpx.Client)."""
    http = client.__dict__.get("_client")
    if http is not None:
        http.close()


def submit(client: fal_client.SyncClient, model: str, arguments: dict) -> fal_client.SyncRequestHandle:
    """Queue one request for `model` (e.g. `fal-ai/flux/schnell`); returns its handle. Raises `FalError`."""
    with _translated("submit the request"):
        return client.submit(model, arguments)


def status(handle: fal_client.SyncRequestHandle) -> FalStatus:
    """Poll the request once, with logs. Raises `FalError`."""
    with _translated("read the request's status"):
        current = handle.status(with_logs=True)
    logs = tuple(str(entry.get("message", "")).strip() for entry in (getattr(current, "logs", None) or [])
                 if isinstance(entry, dict) and str(entry.get("message", "")).strip())
    if isinstance(current, fal_client.Queued):
        return FalStatus("queued", queue_position=int(current.position or 0))
    if isinstance(current, fal_client.InProgress):
        return FalStatus("running", logs=logs)
    return FalStatus("completed", logs=logs, error=getattr(current, "error", None),
                     error_type=getattr(current, "error_type", None))


def result(handle: fal_client.SyncRequestHandle) -> dict:
    """The finished request's output, e.g. `{"images": [{"url", "width", "height", "content_type"}], "seed"}`.

    The SDK's `get()`: one more status poll (already COMPLETED), then `GET response_url`. Raises `FalError`.
    """
    with _translated("fetch the result"):
        return handle.get()


def cancel(handle: fal_client.SyncRequestHandle) -> bool:
    """Ask fal to cancel the request (queued ones are dropped, running ones get a signal); False if that failed."""
    try:
        handle.cancel()
    except (fal_client.FalClientError, httpx.HTTPError):
        return False
    return True


def download(url: str) -> bytes:
    """The bytes of an output file: an http(s) URL on fal's CDN (no key needed) or a `data:` URI (sync mode).

    At most 50 MiB (the providers' `download`, apps/generation/providers/base.py). Raises `FalError`.
    """
    try:
        return providers.download(url, provider="fal.ai", what="an image").data
    except providers.ProviderError as exc:
        raise FalError(str(exc)) from None


class _translated:
    """Turn what fal-client and httpx raise into `FalError("Could not <doing> at fal.ai: <fal's reason>")`."""

    def __init__(self, doing: str):
        self.doing = doing

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None:
            return False
        if isinstance(exc, fal_client.FalClientHTTPError):
            raise FalError(f"fal.ai refused to {self.doing} (HTTP {exc.status_code}): {_detail(exc.message)}") from None
        if isinstance(exc, httpx.HTTPError):
            raise FalError(f"fal.ai could not be reached to {self.doing} ({exc.__class__.__name__}: {exc}).") from None
        if isinstance(exc, (fal_client.FalClientError, ValueError, KeyError)):
            raise FalError(f"fal.ai answered in a way Slate does not understand while trying to {self.doing}: {exc}") from None
        return False


def _detail(detail) -> str:
    """fal's `detail`: text, or FastAPI's validation list `[{"loc": [...], "msg": ...}]` made readable."""
    if isinstance(detail, list):
        parts = []
        for entry in detail:
            if isinstance(entry, dict):
                where = ".".join(str(p) for p in entry.get("loc", []) if p != "body")
                parts.append(f"{where}: {entry.get('msg', '')}".strip(": "))
            else:
                parts.append(str(entry))
        return "; ".join(parts) or "no reason given"
    return str(detail or "no reason given")[:500]
