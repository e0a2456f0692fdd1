"""Screenplay PDFs read back into Slate's screenplay model: most scripts reach a crew as a PDF.

    screenplay = read_pdf(data, max_elements=50_000)   # a Screenplay, as fountain.parse gives

The steps, each its own module: `text` reads every text run with its position through pypdf,
within limits on pages and on what the pages draw, and groups runs into printed lines; `title`
finds a title page and reads its entries; `furniture` takes off what is not the script (page
numbers, revision headers and asterisks, scene continueds, scene numbers into their heading);
`columns` finds where the document puts each kind of line (nothing is a fixed inch: Slate, Final
Draft, screenplain and Highland differ); `elements` reads the lines, block by block, as elements,
and merges speeches and action carried over a page break. Pure Python, no Django; linear in the
file's content but for a sort of each page's runs (tests/scripts/test_hostile_pdf.py).
"""
from __future__ import annotations

from apps.scripts.fountain import Screenplay

from .columns import find_columns
from .elements import read_elements
from .errors import EncryptedPdf, NoTextLayer, NotAPdf, PdfTooLarge
from .text import read_document
from .title import split_title_page

__all__ = ["EncryptedPdf", "NoTextLayer", "NotAPdf", "PdfTooLarge", "read_pdf"]


def read_pdf(data: bytes, *, max_elements: int | None = None) -> Screenplay:
    """The screenplay printed in the PDF `data`: title page entries and body elements.

    Elements are those of Fountain 1.1 (apps.scripts.fountain.model): scene headings with their
    printed scene numbers, action, character cues with extensions, parentheticals, dialogue
    (dual dialogue marked), transitions and centred text; `line` is the printed line's number in
    the document (title page not counted). What a PDF does not print (notes, sections,
    synopses, boneyards) cannot come back, nor can emphasis (not read). Every error is a
    `FountainError` with a message for the user: `NotAPdf` (not a PDF, or damaged), `EncryptedPdf`
    (a password is needed to open it), `NoTextLayer` (no script text: a scan, perhaps with page
    numbers stamped as text), `PdfTooLarge` (past
    `text.MAX_PAGES` pages or `text.MAX_CONTENT` bytes of drawing instructions, checked before
    the pages are read), `TooManyElements` (past `max_elements`, as soon as one more is found).
    """
    document = read_document(data)
    if not any(document.pages):
        raise NoTextLayer()
    title_page, pages = split_title_page(document)
    pages = [page for page in pages if page]
    if not pages:
        raise NoTextLayer()  # a scan with only its page numbers (or a title page) as text
    columns = find_columns(pages, document.width)
    return Screenplay(title_page=title_page, elements=read_elements(pages, columns, max_elements))
