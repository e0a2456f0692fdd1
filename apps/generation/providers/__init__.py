"""Generation providers behind one interface (`base.Provider`): fal.ai and Replicate; `provider_for(name)` picks one."""
from __future__ import annotations

from apps.generation.providers.base import (MAX_FILE_BYTES, Provider, ProviderError, ProviderFile, ProviderOutput,
                                            ProviderStatus)

__all__ = ["MAX_FILE_BYTES", "PROVIDERS", "Provider", "ProviderError", "ProviderFile", "ProviderOutput", "ProviderStatus",
           "provider_for"]

PROVIDERS = ("fal", "replicate")  # the names provider_for knows


def provider_for(name: str) -> Provider:
    """The provider called `name` ("fal" | "replicate"), a fresh adapter (it keeps its own HTTP client). Raises
    `KeyError` for an unknown name."""
    # Imported when asked for: the fal adapter imports the storyboards' fal module, which imports this package's
    # `base` (a cycle at import time otherwise); and the Replicate SDK loads only where it is used.
    if name == "fal":
        from apps.generation.providers.fal import FalProvider

        return FalProvider()
    if name == "replicate":
        from apps.generation.providers.replicate import ReplicateProvider

        return ReplicateProvider()
    raise KeyError(name)
