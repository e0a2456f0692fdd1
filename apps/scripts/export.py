"""Export a screenplay version as Fountain text or as a PDF in the standard screenplay format.

Both re-read the version's stored Fountain text with Slate's parser
(apps.scripts.fountain) and write it out: `to_fountain` gives canonical Fountain 1.1 that
parses back to the same elements, `screenplay_pdf` the printed script (apps.scripts.pdf).
"""
from __future__ import annotations

from apps.scripts.fountain import parse, to_fountain
from apps.scripts.models import ScriptVersion
from apps.scripts.pdf import screenplay_pdf

__all__ = ["export_filename", "to_fountain", "version_fountain", "version_pdf"]


def version_fountain(version: ScriptVersion) -> str:
    """The version's screenplay as canonical Fountain text (UTF-8 when encoded; ends with "\\n")."""
    return to_fountain(parse(version.text))


def version_pdf(version: ScriptVersion) -> bytes:
    """The version's screenplay as PDF bytes, titled with the script's title."""
    return screenplay_pdf(parse(version.text), title=version.script.title)


def export_filename(version: ScriptVersion, extension: str) -> str:
    """The download name: "<script title> v<N>.<extension>", e.g. "Brick & Steel v2.pdf".

    Path separators and control characters in the title become spaces.
    """
    title = "".join(" " if c in '/\\' or ord(c) < 32 else c for c in version.script.title).strip()
    return f"{title or 'Screenplay'} v{version.number}.{extension}"
