"""Fixtures for suites that run generation on Replicate: the fake predictions API wired into the `replicate` SDK.

The real SDK (`replicate.Client`, made by apps.generation.providers.replicate) talks plain HTTP to
`tests.generation.fake_replicate`, reached through settings.SLATE_REPLICATE_BASE_URL and authorised
by settings.REPLICATE_API_TOKEN. A module, not a conftest.py, so it applies only to the suites that
import it (`from tests.generation.replicate_fixtures import *`); pair it with storyboard_fixtures'
`media_root` when the suite stores files.
"""
from __future__ import annotations

import socket

import pytest

from tests.generation.fake_replicate import FakeReplicate

__all__ = ["REPLICATE_MODEL", "REPLICATE_VERSION_MODEL", "closed_port", "fake_replicate", "replicate_unreachable"]

REPLICATE_MODEL = "black-forest-labs/flux-schnell"  # an official model: POST /v1/models/{owner}/{name}/predictions
REPLICATE_VERSION_MODEL = ("stability-ai/sdxl:"  # a model version: POST /v1/predictions {"version"}
                           "7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc")


@pytest.fixture
def fake_replicate(settings, monkeypatch):
    """The fake API, started, with the token and base URL set in settings; the environment's token removed."""
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)  # the SDK falls back to it when no token is given
    monkeypatch.delenv("REPLICATE_BASE_URL", raising=False)
    with FakeReplicate() as fake:
        settings.REPLICATE_API_TOKEN = fake.token
        settings.SLATE_REPLICATE_BASE_URL = fake.base
        yield fake


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then closed): connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def replicate_unreachable(settings, monkeypatch) -> str:
    """Settings naming a Replicate that answers nothing (a closed local port); returns that base URL."""
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    settings.REPLICATE_API_TOKEN = "r8_test-replicate-token"
    settings.SLATE_REPLICATE_BASE_URL = f"http://127.0.0.1:{closed_port()}"
    return settings.SLATE_REPLICATE_BASE_URL
