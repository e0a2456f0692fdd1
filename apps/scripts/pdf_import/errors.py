"""Why a PDF cannot be imported as a screenplay: each a FountainError, so callers handle one family."""
from __future__ import annotations

from apps.scripts.fountain import FountainError


class NotAPdf(FountainError):
    """The bytes are not a PDF, or pypdf cannot read the file's structure."""


class EncryptedPdf(FountainError):
    """The PDF is protected by a password (opening it needs one; an owner-only password is not asked for)."""

    def __init__(self) -> None:
        super().__init__("The PDF is protected by a password. Export it again without a password, or as Fountain or Final Draft.")


class NoTextLayer(FountainError):
    """No page of the PDF has text Slate can read: a scan (pictures of pages) or text drawn as shapes."""

    def __init__(self) -> None:
        super().__init__("The PDF has no text to read: it looks like a scan (pictures of the pages). Slate reads the text of "
                         "a PDF, not its images: export the script as PDF from the writing software, or as Fountain or Final Draft.")


class PdfTooLarge(FountainError):
    """The PDF holds more than a screenplay can (pages, or drawing instructions to read); checked before the work."""

    def __init__(self, what: str, found: int | None, limit: int) -> None:
        found_text = f" ({found:,})" if found is not None else ""
        super().__init__(f"The PDF has {what}{found_text}; Slate reads at most {limit:,}. No screenplay is that long: "
                         "check the file, or split it into several scripts.")
        self.limit = limit
