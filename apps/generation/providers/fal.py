"""fal.ai as a `Provider`: an adapter over the storyboard job's fal-client functions (apps/generation/storyboards/fal.py).

A request is found again by the model id and fal's request id (fal_client's `SyncClient.get_handle`,
which builds the queue URLs `https://{FAL_QUEUE_RUN_HOST}/{owner}/{alias}/requests/{id}` as fal's
"Queue" docs give them). fal's states map as IN_QUEUE → queued (with fal's 0-based
`queue_position`), IN_PROGRESS → running (the newest log line, and the progress it states),
COMPLETED → succeeded, or failed with fal's `error` (cancelled when fal's `error_type` is
`request_cancelled`). fal reports no money: `cost_usd` is None.
"""
from __future__ import annotations

from functools import cached_property

import fal_client

from apps.generation.config import fal_configured
from apps.generation.providers.base import ProviderError, ProviderFile, ProviderOutput, ProviderStatus, download, progress_from_log
from apps.generation.storyboards import fal

# The keys of a fal model's output that hold files (fal.ai model APIs: FLUX `images`, video models `video`...).
FILE_KEYS = ("images", "image", "videos", "video", "audio", "audio_file")


class FalProvider:
    """fal.ai's queue through fal-client, authenticated with settings.FAL_KEY; one HTTP client per instance."""

    name = "fal"
    setting = "FAL_KEY"

    def configured(self) -> bool:
        """True when FAL_KEY is set."""
        return fal_configured()

    def submit(self, model: str, arguments: dict) -> str:
        """Queue one request for `model` (e.g. "fal-ai/flux/schnell"); fal's request id. Raises `ProviderError`
        with fal's reason (a refused argument is named: "fal.ai refused to submit the request (HTTP 422): image_size: …")."""
        try:
            return fal.submit(self._fal, model, arguments).request_id
        except fal.FalError as exc:
            raise ProviderError(str(exc)) from None

    def status(self, model: str, request_id: str) -> ProviderStatus:
        """Poll the request once (with logs). Raises `ProviderError`."""
        try:
            current = fal.status(self._handle(model, request_id))
        except fal.FalError as exc:
            raise ProviderError(str(exc)) from None
        log = current.logs[-1] if current.logs else ""
        if current.state == "queued":
            return ProviderStatus("queued", queue_position=current.queue_position)
        if current.state == "running":
            return ProviderStatus("running", progress=progress_from_log(log) if log else None, log=log)
        if current.error_type == "request_cancelled":
            return ProviderStatus("cancelled", log=log, error=current.error or "")
        if current.error:
            return ProviderStatus("failed", log=log, error=current.error)
        return ProviderStatus("succeeded", progress=1.0, log=log)

    def result(self, model: str, request_id: str) -> ProviderOutput:
        """The finished request's files, downloaded (each <= 50 MiB), in fal's order; `metadata` is fal's output
        without them (seed, timings, has_nsfw_concepts...). Raises `ProviderError` (fal failed it, no file, a download failed)."""
        try:
            output = fal.result(self._handle(model, request_id))
            entries = _file_entries(output)
            if not entries:
                raise ProviderError("fal.ai finished the request without any file.")
            files = [_file(entry) for entry in entries]
        except fal.FalError as exc:
            raise ProviderError(str(exc)) from None
        metadata = {key: value for key, value in output.items() if key not in FILE_KEYS}
        return ProviderOutput(files=files, metadata=metadata, cost_usd=None)

    def cancel(self, model: str, request_id: str) -> bool:
        """Ask fal to cancel the request; False when fal refused (already completed) or could not be reached."""
        try:
            handle = self._handle(model, request_id)
        except ProviderError:
            return False
        return fal.cancel(handle)

    @cached_property
    def _fal(self) -> fal_client.SyncClient:
        return fal.make_client()

    def _handle(self, model: str, request_id: str) -> fal_client.SyncRequestHandle:
        try:
            return self._fal.get_handle(model, request_id)
        except ValueError as exc:  # fal-client refuses a model id it cannot parse
            raise ProviderError(f"fal.ai cannot find a request for the model “{model}”: {exc}") from None

    def __del__(self) -> None:
        if "_fal" in self.__dict__:
            fal.close_client(self.__dict__["_fal"])


def _file_entries(output: dict) -> list[dict]:
    """fal's file objects (`{"url", "content_type"?, ...}`) under FILE_KEYS, a list or a single one."""
    entries = []
    for key in FILE_KEYS:
        value = output.get(key)
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                entries.append(entry)
    return entries


def _file(entry: dict) -> ProviderFile:
    """One fal file object downloaded; its content type as fal declares it, else as fal's CDN does. Raises `ProviderError`."""
    fetched = download(entry["url"], provider="fal.ai")
    declared = entry.get("content_type")
    return ProviderFile(fetched.data, declared) if isinstance(declared, str) and declared else fetched
