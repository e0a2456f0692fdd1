"""Whether each AI service is configured, and the one error for when it is not."""
from __future__ import annotations

from django.conf import settings

from apps.core.errors import ApplicationError


class NotConfiguredError(ApplicationError):
    """An AI feature used without its key: HTTP 503, code `not_configured`, `extra.variable` names what to set."""

    def __init__(self, feature: str, variable: str):
        super().__init__(f"{feature} is not configured on this server: set {variable} to enable it.",
                         code="not_configured", status=503, extra={"variable": variable, "feature": feature})


def anthropic_configured() -> bool:
    """True when ANTHROPIC_API_KEY is set."""
    return bool(settings.ANTHROPIC_API_KEY)


def fal_configured() -> bool:
    """True when FAL_KEY is set."""
    return bool(settings.FAL_KEY)


def replicate_configured() -> bool:
    """True when REPLICATE_API_TOKEN is set."""
    return bool(settings.REPLICATE_API_TOKEN)


def require_anthropic(feature: str = "AI writing") -> None:
    """Raise `NotConfiguredError` unless Anthropic is configured."""
    if not anthropic_configured():
        raise NotConfiguredError(feature, "ANTHROPIC_API_KEY")


def require_fal(feature: str = "Storyboard generation") -> None:
    """Raise `NotConfiguredError` unless fal.ai is configured."""
    if not fal_configured():
        raise NotConfiguredError(feature, "FAL_KEY")
