"""Generation providers behind one interface (`base.Provider`): fal.ai and Replicate; `provider_for(name)` picks one."""
from __future__ import annotations

from apps.generation.providers.base import (MAX_FILE_BYTES, Provider, ProviderError, ProviderFile, ProviderOutput,
                                            ProviderStatus)

__all__ = ["MAX_FILE_BYTES", "PROVIDERS", "Provider", "ProviderError", "ProviderFile", "ProviderOutput", "ProviderStatus",
           "provider_for"]

PROVIDERS = ("fal", "replicate")


def provider_for(name: str) -> Provider:
    """The provider called `name` ("fal" | "replicate"), a fresh stateless adapter. Raises `KeyError` for an unknown name."""
    if name == "fal":
        from apps.generation.providers.fal import FalProvider

        return FalProvider()
    if name == "replicate":
        from apps.generation.providers.replicate import ReplicateProvider

        return ReplicateProvider()
    raise KeyError(name)
