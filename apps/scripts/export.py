"""The names exported screenplay files are downloaded under.

The exports themselves (Fountain text, the PDF) are made once per version by a job and kept:
`apps.scripts.services.renders`.
"""
from __future__ import annotations

from apps.scripts.models import ScriptVersion

__all__ = ["export_filename"]


def export_filename(version: ScriptVersion, extension: str, *, suffix: str = "") -> str:
    """The download name: "<script title> v<N>.<extension>", e.g. "Brick & Steel v2.pdf"; with a
    `suffix`, "<script title> v<N> <suffix>.<extension>" ("Brick & Steel v3 revision pages.pdf").

    Path separators and control characters in the title become spaces.
    """
    title = "".join(" " if c in '/\\' or ord(c) < 32 else c for c in version.script.title).strip()
    return f"{title or 'Screenplay'} v{version.number}{' ' + suffix if suffix else ''}.{extension}"
