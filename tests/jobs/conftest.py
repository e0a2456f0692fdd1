"""Fixtures of the job tests."""
import pytest

from apps.jobs import services


@pytest.fixture
def register():
    """Register job handlers for one test (`register(kind, fn, on_retry=...)`); they are removed again afterwards."""
    kinds: list[str] = []

    def add(kind: str, fn, **hooks):
        services.job_handler(kind, **hooks)(fn)
        kinds.append(kind)
        return fn

    yield add
    for kind in kinds:
        services.HANDLERS.pop(kind, None)
        services.ON_CANCEL_PENDING.pop(kind, None)
        services.ON_RETRY.pop(kind, None)
