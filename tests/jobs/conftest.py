"""Fixtures of the job tests."""
import pytest

from apps.jobs import services


@pytest.fixture
def register():
    """Register job handlers for one test (`register(kind, fn)`); they are removed again afterwards."""
    kinds: list[str] = []

    def add(kind: str, fn):
        services.job_handler(kind)(fn)
        kinds.append(kind)
        return fn

    yield add
    for kind in kinds:
        services.HANDLERS.pop(kind, None)
