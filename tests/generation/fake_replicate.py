"""A local fake of Replicate's predictions API, for tests: the real `replicate` SDK (1.0.7) talks to it over HTTP.

It answers what the SDK sends and parses (replicate/client.py, prediction.py, model.py; Replicate's
"HTTP API" reference), with `Authorization: Bearer <token>` checked on every API call:

- `POST /v1/models/{owner}/{name}/predictions` `{"input": {...}}` (an official model) and
  `POST /v1/predictions` `{"version", "input"}` (a model version) → 201 with the prediction
  `{id, model, version, status: "starting", input, output: null, error: null, logs: "", metrics: {},
  created_at, started_at, completed_at, data_removed, urls: {get, cancel, web}}`;
- `GET /v1/predictions/{id}` → the prediction: two polls `starting`, two `processing` with tqdm
  progress lines in `logs` (" 25%|██▌       | 1/4 [...]", then 75 %), then `succeeded` with `output`
  a list of `input.num_outputs` (default 1) URLs to real PNGs and `metrics.predict_time` (seconds);
- `POST /v1/predictions/{id}/cancel` → the prediction, `canceled` unless it had finished (then as it was);
- `GET /files/{id}/out-{n}.png` → a real PNG made with Pillow (replicate.delivery, no token needed);
- errors as RFC 7807 problem details `{title, detail, status}`: 401 without the token, 404 for an
  unknown prediction, 422 "Input validation failed" with `invalid_fields`.

Behaviour (`behaviour`): "normal"; "error" — the prediction with 0-based index `fail_at` ends
`failed` with `error_message`, the others are normal; "hang" — `processing` for ever; "reject" —
creating answers 422 naming `reject_field`. Every request is recorded (`requests`), and so are the
submitted inputs (`submissions`), the ids given out (`request_ids`) and cancelled ids (`cancelled`).
"""
from __future__ import annotations

import datetime
import json
import secrets

from tests.generation.fake_fal import _Handler as FalHandler
from tests.generation.fake_fal import png_bytes
from tests.generation.fake_server import FakeProviderServer

# What diffusers' tqdm bar prints into a Replicate model's logs (SDK: Prediction.Progress parses it).
LOG_LINES = ("Using seed: {seed}", " 25%|██▌       | 1/4 [00:00<00:00, 9.50it/s]",
             " 75%|███████▌  | 3/4 [00:00<00:00, 9.61it/s]", "100%|██████████| 4/4 [00:00<00:00, 9.62it/s]")
OFFICIAL_VERSION = "dp-4d0bcc010b3049749a251855f12800be"  # what an official model's prediction names as its version
PREDICT_TIME_S = 0.42


class FakeReplicate(FakeProviderServer):
    """The fake API; `start()` it (or use it as a context manager), point the SDK's base_url at `base`, `stop()` it."""

    thread_name = "fake-replicate"

    def __init__(self, *, token: str = "r8_test-replicate-token"):
        super().__init__(error_message="CUDA out of memory. Tried to allocate 2.00 GiB")
        self.token = token
        self.reject_field = "aspect_ratio"
        self._predictions: dict[str, dict] = {}

    @property
    def base(self) -> str:
        """`http://127.0.0.1:<port>`, what SLATE_REPLICATE_BASE_URL names in tests."""
        return f"http://127.0.0.1:{self.port}"

    # --- the predictions ---------------------------------------------------------------------------

    def create(self, model: str, version: str, body: dict) -> dict:
        """Start a prediction (status `starting`) and answer it."""
        given = body.get("input") or {}
        with self._lock:
            index = len(self.submissions)
            self.submissions.append(given)
            prediction_id = secrets.token_hex(13)  # Replicate's ids: 26 lowercase characters
            self.request_ids.append(prediction_id)
            self._predictions[prediction_id] = {
                "id": prediction_id, "model": model, "version": version, "input": given, "status": "starting",
                "output": None, "error": None, "logs": "", "metrics": {}, "data_removed": False,
                "created_at": _now(), "started_at": None, "completed_at": None, "source": "api",
                "urls": {"get": f"{self.base}/v1/predictions/{prediction_id}",
                         "cancel": f"{self.base}/v1/predictions/{prediction_id}/cancel",
                         "web": f"https://replicate.com/p/{prediction_id}"},
                "_polls": 0, "_fails": self.behaviour == "error" and index == self.fail_at, "_hangs": self.behaviour == "hang"}
            return _public(self._predictions[prediction_id])

    def get(self, prediction_id: str) -> dict:
        """One poll: advance the prediction one step along its behaviour and answer it."""
        with self._lock:
            prediction = self._predictions[prediction_id]
            if prediction["status"] in ("starting", "processing"):
                prediction["_polls"] += 1
                self._advance(prediction)
            return _public(prediction)

    def cancel(self, prediction_id: str) -> dict:
        """Cancel a prediction still starting or processing; a finished one is answered as it is."""
        with self._lock:
            prediction = self._predictions[prediction_id]
            if prediction["status"] in ("starting", "processing"):
                prediction.update(status="canceled", completed_at=_now())
                self.cancelled.append(prediction_id)
            return _public(prediction)

    def image(self, prediction_id: str) -> bytes | None:
        """The PNG of a prediction's output (its colour follows the input's seed), or None for an unknown id."""
        prediction = self._predictions.get(prediction_id)
        return None if prediction is None else png_bytes(int(prediction["input"].get("seed") or 0))

    def _advance(self, prediction: dict) -> None:
        polls, seed = prediction["_polls"], prediction["input"].get("seed", 0)
        lines = [line.format(seed=seed) for line in LOG_LINES]
        if polls <= 2:
            return
        prediction["started_at"] = prediction["started_at"] or _now()
        if prediction["_hangs"]:
            prediction.update(status="processing", logs="\n".join(lines[:2]) + "\n")
        elif polls <= 4:
            prediction.update(status="processing", logs="\n".join(lines[:polls - 1]) + "\n")
        elif prediction["_fails"]:
            prediction.update(status="failed", logs="\n".join(lines[:3]) + f"\nTraceback (most recent call last):\n{self.error_message}\n",
                              error=self.error_message, completed_at=_now(), metrics={"predict_time": PREDICT_TIME_S})
        else:
            count = int(prediction["input"].get("num_outputs") or 1)
            output = [f"{self.base}/files/{prediction['id']}/out-{n}.png" for n in range(count)]
            prediction.update(status="succeeded", logs="\n".join(lines) + "\n", output=output, completed_at=_now(),
                              metrics={"predict_time": PREDICT_TIME_S, "total_time": PREDICT_TIME_S + 0.1})


def _public(prediction: dict) -> dict:
    return {key: value for key, value in prediction.items() if not key.startswith("_")}


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def _problem(status: int, title: str, detail: str, **extra) -> tuple[int, dict]:
    return status, {"title": title, "detail": detail, "status": status, **extra}


class _Handler(FalHandler):
    """fake_fal's HTTP plumbing (`_answer`, `_record` into `owner.requests`; it adds a harmless x-fal-request-id
    header), with Replicate's routes and bearer token."""

    owner: FakeReplicate

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.owner.token}":
            self._answer(*_problem(401, "Unauthenticated", "You did not pass a valid authentication token"))
            return False
        return True

    def do_POST(self) -> None:
        segments, _, body = self._record()
        if not self._authorised():
            return
        body = body or {}
        if segments[:2] == ["v1", "predictions"] and len(segments) == 4 and segments[3] == "cancel":
            self._answer(*self._known(segments[2], self.owner.cancel))
            return
        if segments[:2] == ["v1", "models"] and len(segments) == 5 and segments[4] == "predictions":
            model, version = f"{segments[2]}/{segments[3]}", OFFICIAL_VERSION
        elif segments == ["v1", "predictions"] and isinstance(body.get("version"), str):
            model, version = "fake-owner/fake-model", body["version"]
        else:
            self._answer(*_problem(404, "Not found", "The requested resource could not be found."))
            return
        if self.owner.behaviour == "reject":
            field = self.owner.reject_field
            description = f"{field} must be one of the following: \"1:1\", \"16:9\", \"21:9\", \"3:2\", \"2:3\""
            self._answer(*_problem(422, "Input validation failed", f"- input.{field}: {description}\n",
                                   invalid_fields=[{"type": "enum", "field": f"input.{field}", "description": description}]))
            return
        self._answer(201, self.owner.create(model, version, body))

    def do_PUT(self) -> None:
        self._record()
        self._answer(*_problem(404, "Not found", "The requested resource could not be found."))

    def do_GET(self) -> None:
        segments, _, _ = self._record()
        if len(segments) == 3 and segments[0] == "files":
            data = self.owner.image(segments[1])
            if data is None:
                self._answer(*_problem(404, "Not found", "No such file."))
            else:
                self._answer(200, data, content_type="image/png")
            return
        if not self._authorised():
            return
        if segments[:2] == ["v1", "predictions"] and len(segments) == 3:
            self._answer(*self._known(segments[2], self.owner.get))
        else:
            self._answer(*_problem(404, "Not found", "The requested resource could not be found."))

    def _known(self, prediction_id: str, action) -> tuple[int, dict]:
        if prediction_id not in self.owner._predictions:
            return _problem(404, "Not found", "Prediction not found.")
        return 200, action(prediction_id)


FakeReplicate.handler = _Handler
