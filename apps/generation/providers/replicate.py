"""Replicate as a `Provider`, through the official `replicate` SDK (replicate==1.0.7, `replicate.Client`).

Replicate's HTTP API ("HTTP API" reference, replicate.com/docs/reference/http), as the SDK calls it with
`Authorization: Bearer <REPLICATE_API_TOKEN>` under settings.SLATE_REPLICATE_BASE_URL:

- an official model "owner/name": `POST /v1/models/{owner}/{name}/predictions` `{"input": {...}}`
  (SDK: `client.models.predictions.create`); a model version "owner/name:version":
  `POST /v1/predictions` `{"version", "input"}` (SDK: `client.predictions.create`). Both answer the
  prediction: `{id, model, version, status, input, output, error, logs, metrics, urls: {get, cancel}, ...}`;
- `GET /v1/predictions/{id}`: `status` starting → queued, processing → running, succeeded, failed
  (with `error`), canceled → cancelled; `logs` is the whole log so far (the progress is its last
  tqdm percentage, SDK `Prediction.progress`); once succeeded `output` is a URL or a list of URLs
  (replicate.delivery, no token needed) and `metrics.predict_time` the seconds the model ran;
- `POST /v1/predictions/{id}/cancel` answers the prediction, `canceled` when it took.

Errors are RFC 7807 problem details (`{title, detail, status}`; a refused input is 422 "Input
validation failed" with `detail` naming the field, e.g. "- input.num_outputs: Must be less than or
equal to 4"); every SDK or network failure leaves here as `ProviderError`. Replicate reports time,
not money: `cost_usd` is None and `metadata["predict_time"]` carries the seconds.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

import httpx
import replicate
from django.conf import settings
from replicate.exceptions import ReplicateError
from replicate.prediction import Prediction

from apps.generation.config import replicate_configured
from apps.generation.providers.base import ProviderError, ProviderOutput, ProviderStatus, download, progress_from_log

API_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
STATES = {"starting": "queued", "processing": "running", "succeeded": "succeeded", "failed": "failed", "canceled": "cancelled"}


class ReplicateProvider:
    """Replicate's predictions through the `replicate` SDK; one HTTP client per instance."""

    name = "replicate"
    setting = "REPLICATE_API_TOKEN"

    def configured(self) -> bool:
        """True when REPLICATE_API_TOKEN is set."""
        return replicate_configured()

    def submit(self, model: str, arguments: dict) -> str:
        """Create a prediction of `model` ("owner/name", or "owner/name:version") with `arguments` as its input;
        returns the prediction's id. Raises `ProviderError` (a refused input: Replicate's `detail`, naming the field)."""
        owner_name, _, version = model.partition(":")
        if owner_name.count("/") != 1 or "" in owner_name.split("/"):
            raise ProviderError(f"“{model}” is not a Replicate model: expected owner/name or owner/name:version.")
        with _translated("submit the request"):
            if version:
                prediction = self._replicate.predictions.create(version=version, input=arguments)
            else:
                prediction = self._replicate.models.predictions.create(model=owner_name, input=arguments)
        return prediction.id

    def status(self, model: str, request_id: str) -> ProviderStatus:
        """Read the prediction once. Replicate gives no queue position (None). Raises `ProviderError`."""
        prediction = self._prediction(request_id, "read the request's status")
        state = STATES.get(prediction.status)
        if state is None:
            raise ProviderError(f"Replicate answered a status Slate does not know: “{prediction.status}”.")
        lines = [line.strip() for line in (prediction.logs or "").splitlines() if line.strip()]
        log = lines[-1] if lines else ""
        progress = None
        if state == "running" and lines:
            parsed = prediction.progress  # the SDK's tqdm parse of the whole log
            progress = parsed.percentage if parsed is not None else progress_from_log(log)
        elif state == "succeeded":
            progress = 1.0
        error = str(prediction.error or "") or ("Replicate failed the prediction without a reason." if state == "failed" else "")
        return ProviderStatus(state, progress=progress, log=log, error=error)

    def result(self, model: str, request_id: str) -> ProviderOutput:
        """The succeeded prediction's output files, downloaded (each <= 50 MiB) in Replicate's order; `metadata`:
        `{"predict_time": seconds | None, "model", "version", "prediction_id"}`. Raises `ProviderError`."""
        prediction = self._prediction(request_id, "fetch the result")
        if prediction.status == "failed":
            raise ProviderError(str(prediction.error or "") or "Replicate failed the prediction without a reason.")
        if prediction.status != "succeeded":
            raise ProviderError(f"Replicate has no result for this request: it is {prediction.status}.")
        urls = _urls(prediction.output)
        if not urls:
            raise ProviderError("Replicate finished the request without any file.")
        metrics = prediction.metrics or {}
        metadata = {"predict_time": metrics.get("predict_time"), "model": prediction.model, "version": prediction.version,
                    "prediction_id": prediction.id}
        return ProviderOutput(files=[download(url, provider="Replicate") for url in urls], metadata=metadata, cost_usd=None)

    def cancel(self, model: str, request_id: str) -> bool:
        """Ask Replicate to cancel the prediction; False when it had already finished, or Replicate refused or
        could not be reached."""
        try:
            with _translated("cancel the request"):
                prediction = self._replicate.predictions.cancel(request_id)
        except ProviderError:
            return False
        return prediction.status not in ("succeeded", "failed")

    @cached_property
    def _replicate(self) -> replicate.Client:
        return replicate.Client(api_token=settings.REPLICATE_API_TOKEN, base_url=settings.SLATE_REPLICATE_BASE_URL,
                                timeout=API_TIMEOUT)

    def _prediction(self, request_id: str, doing: str) -> Prediction:
        with _translated(doing):
            return self._replicate.predictions.get(request_id)

    def __del__(self) -> None:
        http = getattr(self.__dict__.get("_replicate"), "_Client__client", None)  # the SDK's httpx.Client (no public close)
        if http is not None:
            http.close()


def _urls(output) -> list[str]:
    """The file URLs of a prediction's output: a URL, a list of URLs, or (some models) a dict of them."""
    if isinstance(output, str):
        return [output] if output.startswith(("https://", "http://", "data:")) else []
    if isinstance(output, list):
        return [url for value in output for url in _urls(value)]
    if isinstance(output, dict):
        return [url for value in output.values() for url in _urls(value)]
    return []


@contextmanager
def _translated(doing: str) -> Iterator[None]:
    """Turn what the SDK and httpx raise into `ProviderError("Replicate refused to <doing> (HTTP n): <title>: <detail>")`."""
    try:
        yield
    except ReplicateError as exc:
        reason = ": ".join(" ".join(str(part).split()) for part in (exc.title, exc.detail) if part) or "no reason given"
        raise ProviderError(f"Replicate refused to {doing} (HTTP {exc.status}): {reason[:500]}") from None
    except httpx.HTTPError as exc:
        raise ProviderError(f"Replicate could not be reached to {doing} ({exc.__class__.__name__}: {exc}).") from None
    except (ValueError, KeyError, TypeError) as exc:  # an answer the SDK cannot parse (pydantic's error is a ValueError)
        raise ProviderError(f"Replicate answered in a way Slate does not understand while trying to {doing}: {exc}") from None
