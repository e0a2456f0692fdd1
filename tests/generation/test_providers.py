"""Generation providers (apps.generation.providers): fal.ai and Replicate through their real SDKs against local fakes.

fal-client talks HTTPS to tests.generation.fake_fal, the `replicate` SDK plain HTTP to
tests.generation.fake_replicate; both fakes advance a request one step per status poll, so a test
polls as the order runner does and sees every state without waiting.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from apps.generation.providers import ProviderError, provider_for
from apps.generation.providers import base as providers_base
from tests.generation.fake_fal import FakeFal, png_bytes
from tests.generation.replicate_fixtures import fake_replicate, replicate_unreachable  # noqa: F401 (fixtures)
from tests.generation.replicate_fixtures import REPLICATE_MODEL, REPLICATE_VERSION_MODEL, closed_port
from tests.generation.storyboard_fixtures import fal  # noqa: F401 (a fixture)

FAL_MODEL = "fal-ai/flux/schnell"
PROMPT = {"prompt": "CU, 35mm lens, LIBRARY at NIGHT, noir", "seed": 7}


@dataclass
class Served:
    """A provider with its fake: what a test needs to drive either one alike."""

    name: str
    model: str
    fake: FakeFal | object

    @property
    def provider(self):
        return provider_for(self.name)


@pytest.fixture(params=["fal", "replicate"])
def served(request) -> Served:
    if request.param == "fal":
        return Served("fal", FAL_MODEL, request.getfixturevalue("fal"))
    return Served("replicate", REPLICATE_MODEL, request.getfixturevalue("fake_replicate"))


def poll_until_finished(provider, model: str, request_id: str, *, most: int = 10) -> list:
    """Status polls until a final state (the fakes advance one step per poll)."""
    seen = []
    for _ in range(most):
        seen.append(provider.status(model, request_id))
        if seen[-1].state in ("succeeded", "failed", "cancelled"):
            return seen
    return seen


# --- both providers alike -------------------------------------------------------------------------

def test_a_request_runs_to_a_real_png_with_the_providers_metadata(served):
    provider = served.provider

    request_id = provider.submit(served.model, PROMPT)
    states = [status.state for status in poll_until_finished(provider, served.model, request_id)]
    output = provider.result(served.model, request_id)

    assert states == ["queued", "queued", "running", "running", "succeeded"]
    assert served.fake.submissions == [PROMPT]
    assert served.fake.request_ids == [request_id]
    assert [file.content_type for file in output.files] == ["image/png"]
    assert output.files[0].data == png_bytes(7)
    assert Image.open(io.BytesIO(output.files[0].data)).size == (96, 54)
    assert output.cost_usd is None


def test_a_failed_request_reports_the_providers_reason_and_has_no_result(served):
    served.fake.behaviour, served.fake.fail_at = "error", 1
    provider = served.provider
    first = provider.submit(served.model, PROMPT | {"seed": 1})
    failing = provider.submit(served.model, PROMPT | {"seed": 2})

    final = poll_until_finished(provider, served.model, failing)[-1]

    assert (final.state, final.error) == ("failed", served.fake.error_message)
    with pytest.raises(ProviderError, match="CUDA out of memory"):
        provider.result(served.model, failing)
    assert poll_until_finished(provider, served.model, first)[-1].state == "succeeded"


def test_a_running_request_is_cancelled_at_the_provider(served):
    served.fake.behaviour = "hang"
    provider = served.provider
    request_id = provider.submit(served.model, PROMPT)
    running = poll_until_finished(provider, served.model, request_id, most=6)

    cancelled = provider.cancel(served.model, request_id)

    assert [status.state for status in running][-1] == "running"
    assert cancelled is True
    assert served.fake.cancelled == [request_id]
    assert provider.status(served.model, request_id).state == "cancelled"


def test_cancelling_a_finished_request_answers_false(served):
    provider = served.provider
    request_id = provider.submit(served.model, PROMPT)
    assert poll_until_finished(provider, served.model, request_id)[-1].state == "succeeded"

    assert provider.cancel(served.model, request_id) is False
    assert served.fake.cancelled == []


def test_a_refused_argument_is_named_and_nothing_is_queued(served):
    served.fake.behaviour = "reject"
    field = "image_size" if served.name == "fal" else served.fake.reject_field

    with pytest.raises(ProviderError, match=rf"HTTP 422\): .*{field}") as refused:
        served.provider.submit(served.model, PROMPT)

    assert served.fake.submissions == []
    assert "\n" not in str(refused.value)


def test_a_provider_without_its_key_is_not_configured(settings):
    settings.FAL_KEY = ""
    settings.REPLICATE_API_TOKEN = ""

    assert provider_for("fal").configured() is False
    assert provider_for("replicate").configured() is False
    settings.FAL_KEY, settings.REPLICATE_API_TOKEN = "a-key", "r8_a-token"
    assert (provider_for("fal").configured(), provider_for("replicate").configured()) == (True, True)
    assert [(p.name, p.setting) for p in map(provider_for, ["fal", "replicate"])] == [("fal", "FAL_KEY"),
                                                                                      ("replicate", "REPLICATE_API_TOKEN")]


def test_an_unknown_provider_is_a_key_error():
    with pytest.raises(KeyError):
        provider_for("midjourney")


# --- fal.ai ---------------------------------------------------------------------------------------

def test_fal_reports_queue_positions_and_log_lines_with_the_key_it_was_given(fal):
    provider = provider_for("fal")
    request_id = provider.submit(FAL_MODEL, PROMPT)

    seen = poll_until_finished(provider, FAL_MODEL, request_id)
    output = provider.result(FAL_MODEL, request_id)

    assert [(s.state, s.queue_position) for s in seen[:2]] == [("queued", 1), ("queued", 0)]
    assert [(s.log, s.progress) for s in seen[2:]] == [("Loading model weights", None), ("Generating: step 4/4", 1.0),
                                                        ("Generating: step 4/4", 1.0)]
    assert {r["headers"]["authorization"] for r in fal.requests if not r["path"].startswith("/img/")} == {"Key test-fal-key"}
    assert fal.requests[0]["path"] == "/fal-ai/flux/schnell"
    assert output.metadata["seed"] == 7 and output.metadata["timings"] == {"inference": 0.42}
    assert "images" not in output.metadata


def test_fal_unreachable_is_a_readable_error(fal, monkeypatch):
    import fal_client.client

    monkeypatch.setattr(fal_client.client, "QUEUE_URL_FORMAT", f"https://127.0.0.1:{closed_port()}/")
    monkeypatch.setattr(fal_client.client, "MAX_ATTEMPTS", 1)  # fal-client retries a refused connection 10 times, ~50 s

    with pytest.raises(ProviderError, match=r"^fal.ai could not be reached to submit the request \(ConnectError"):
        provider_for("fal").submit(FAL_MODEL, PROMPT)


# --- Replicate ------------------------------------------------------------------------------------

def test_replicate_runs_an_official_model_with_the_bearer_token_and_reports_progress(fake_replicate):
    provider = provider_for("replicate")
    request_id = provider.submit(REPLICATE_MODEL, PROMPT | {"num_outputs": 2})

    seen = poll_until_finished(provider, REPLICATE_MODEL, request_id)
    output = provider.result(REPLICATE_MODEL, request_id)

    created = fake_replicate.requests[0]
    assert (created["method"], created["path"]) == ("POST", "/v1/models/black-forest-labs/flux-schnell/predictions")
    assert created["json"] == {"input": PROMPT | {"num_outputs": 2}}
    assert {r["headers"]["authorization"] for r in fake_replicate.requests if r["path"].startswith("/v1/")} == {
        f"Bearer {fake_replicate.token}"}
    assert [s.progress for s in seen] == [None, None, 0.25, 0.75, 1.0]
    assert seen[3].log.startswith("75%|")
    assert all(s.queue_position is None for s in seen)
    assert [f.data for f in output.files] == [png_bytes(7), png_bytes(7)]
    assert output.metadata == {"predict_time": 0.42, "model": REPLICATE_MODEL, "version": "dp-4d0bcc010b3049749a251855f12800be",
                               "prediction_id": request_id}
    assert not any("authorization" in r["headers"] for r in fake_replicate.requests if r["path"].startswith("/files/"))


def test_replicate_runs_a_model_version_through_the_predictions_endpoint(fake_replicate):
    provider = provider_for("replicate")

    request_id = provider.submit(REPLICATE_VERSION_MODEL, {"prompt": "a foggy pier", "seed": 3})

    created = fake_replicate.requests[0]
    assert (created["method"], created["path"]) == ("POST", "/v1/predictions")
    assert created["json"] == {"version": REPLICATE_VERSION_MODEL.split(":")[1], "input": {"prompt": "a foggy pier", "seed": 3}}
    assert poll_until_finished(provider, REPLICATE_VERSION_MODEL, request_id)[-1].state == "succeeded"
    assert provider.result(REPLICATE_VERSION_MODEL, request_id).files[0].data == png_bytes(3)


def test_replicate_refuses_a_wrong_token_with_its_reason(fake_replicate, settings):
    settings.REPLICATE_API_TOKEN = "r8_wrong"

    with pytest.raises(ProviderError, match=r"\(HTTP 401\): Unauthenticated: You did not pass a valid authentication token"):
        provider_for("replicate").submit(REPLICATE_MODEL, PROMPT)
    assert fake_replicate.submissions == []


def test_replicate_model_names_are_checked_before_anything_is_sent(fake_replicate):
    with pytest.raises(ProviderError, match="not a Replicate model: expected owner/name"):
        provider_for("replicate").submit("flux-schnell", PROMPT)
    assert fake_replicate.requests == []


def test_replicate_unreachable_is_a_readable_error(replicate_unreachable):
    provider = provider_for("replicate")

    with pytest.raises(ProviderError, match=r"^Replicate could not be reached to submit the request \(ConnectError"):
        provider.submit(REPLICATE_MODEL, PROMPT)
    with pytest.raises(ProviderError, match=r"^Replicate could not be reached to read the request's status"):
        provider.status(REPLICATE_MODEL, "gm3qorzdhgbfurvjtvhg6dckhu")
    assert provider.cancel(REPLICATE_MODEL, "gm3qorzdhgbfurvjtvhg6dckhu") is False


def test_an_output_file_over_the_limit_is_refused(fake_replicate, monkeypatch):
    provider = provider_for("replicate")
    request_id = provider.submit(REPLICATE_MODEL, PROMPT)
    poll_until_finished(provider, REPLICATE_MODEL, request_id)
    monkeypatch.setattr(providers_base, "MAX_FILE_BYTES", 64)

    with pytest.raises(ProviderError, match="^Replicate sent a file larger than"):
        provider.result(REPLICATE_MODEL, request_id)


@pytest.mark.parametrize("line, progress", [
    (" 37%|███▋      | 10/28 [00:01<00:02,  9.50it/s]", 0.37),
    ("Generating: step 3/4", 0.75),
    ("Loading model weights", None),
    ("step 5/0", None),
])
def test_progress_is_read_from_a_log_line(line, progress):
    assert providers_base.progress_from_log(line) == progress
