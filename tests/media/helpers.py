"""Small helpers shared by the dailies tests."""
from __future__ import annotations

from pathlib import Path


def files_under(root: Path) -> list[Path]:
    """Every file below `root`, sorted."""
    return sorted(p for p in root.rglob("*") if p.is_file())


def content_of(response) -> bytes:
    """The body of a Django test response, streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content
