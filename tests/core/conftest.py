"""Fixtures shared by the API suites (tests/factories.py)."""
from tests.factories import crew, other_production, outsider, viewer  # noqa: F401
