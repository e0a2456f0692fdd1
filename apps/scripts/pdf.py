"""Print a screenplay as a PDF in the standard screenplay format, with fpdf2.

The page layout (columns, 55 lines to the page, what keeps together) is
apps.scripts.fountain.layout's; this module draws it: US Letter (8.5 x 11 in), the PDF core
font Courier 12 pt (10 characters and 6 lines to the inch), the first text line's top 1 in
from the top of the page, so 55 lines end 0.83 in above the bottom edge. Page numbers ("2.")
stand top right, 0.5 in from the top and ending at the right margin (7.5 in), from the second
body page on. A Fountain title page becomes an unnumbered first page: title centred a third of
the way down, then credit, author(s) and source; contact and draft date at the bottom left.
Core fonts are Latin-1, so other characters are replaced (see layout.latin1).
"""

from __future__ import annotations

from fpdf import FPDF

from apps.scripts.fountain import Screenplay, Span, spans
from apps.scripts.fountain.layout import (
    ACTION_X,
    CHARS_PER_INCH,
    LINES_PER_PAGE,
    RIGHT_EDGE,
    Piece,
    latin1,
    layout,
    layout_lines,
    wrap,
)

__all__ = ["LINES_PER_PAGE", "layout_lines", "screenplay_pdf"]

PT_PER_INCH = 72
FONT_SIZE_PT = 12
LINE_PT = PT_PER_INCH / 6  # 12 pt leading
CHAR_PT = PT_PER_INCH / CHARS_PER_INCH  # Courier's advance at 12 pt: 7.2 pt
TOP_PT = 1 * PT_PER_INCH
PAGE_NUMBER_TOP_PT = 0.5 * PT_PER_INCH
TITLE_KEYS_CENTRED = ("title", "credit", "author", "authors", "source")
TITLE_KEYS_BOTTOM = ("contact", "draft date", "copyright", "notes")


def screenplay_pdf(screenplay: Screenplay, *, title: str | None = None) -> bytes:
    """The screenplay as PDF bytes: an optional title page, then the body pages.

    `title` becomes the document's metadata title (the title page entry "Title" when not
    given). Never raises on odd text: characters outside Latin-1 are replaced.
    """
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(ACTION_X * PT_PER_INCH, TOP_PT, (8.5 - RIGHT_EDGE) * PT_PER_INCH)
    pdf.c_margin = 0
    pdf.set_creator("Slate")
    entries = {key.lower(): value for key, value in screenplay.title_page}
    metadata_title = title or _title_text(entries.get("title", ""))
    if metadata_title:
        pdf.set_title(metadata_title)
    if screenplay.title_page:
        _title_page(pdf, screenplay.title_page)
    for number, page in enumerate(layout(screenplay), start=1):
        pdf.add_page()
        if number > 1:
            _draw(pdf, Piece(RIGHT_EDGE, (Span(f"{number}."),), "R"), PAGE_NUMBER_TOP_PT)
        for index, pieces in enumerate(page.lines):
            for piece in pieces:
                _draw(pdf, piece, TOP_PT + index * LINE_PT)
    return bytes(pdf.output())


def _title_text(text: str) -> str:
    """A title page value as printed: emphasis markers removed, lines joined with spaces."""
    return " ".join("".join(s.text for s in spans(line)) for line in text.split("\n")).strip()


def _draw(pdf: FPDF, piece: Piece, top_pt: float) -> None:
    """Draw one piece with its line's top at `top_pt`; runs are drawn one style at a time."""
    width = len(piece.text) * CHAR_PT
    x = piece.x * PT_PER_INCH
    if piece.align == "R":
        x -= width
    elif piece.align == "C":
        x -= width / 2
    for run in piece.runs:
        style = ("B" if run.bold else "") + ("I" if run.italic else "") + ("U" if run.underline else "")
        pdf.set_font("Courier", style, FONT_SIZE_PT)
        pdf.set_xy(x, top_pt)
        pdf.cell(len(run.text) * CHAR_PT, LINE_PT, run.text)
        x += len(run.text) * CHAR_PT


def _title_page(pdf: FPDF, entries: list[tuple[str, str]]) -> None:
    """Title, credit, author and source centred from 3.5 in down; contact etc. bottom left."""
    pdf.add_page()
    centre = (ACTION_X + RIGHT_EDGE) / 2
    centred = [(k, v) for key in TITLE_KEYS_CENTRED for k, v in entries if k.lower() == key]
    line = 15  # 1 in + 15 lines: 3.5 in from the top
    for key, value in centred:
        for runs in _entry_lines(value, 60):
            _draw(pdf, Piece(centre, runs, "C"), TOP_PT + line * LINE_PT)
            line += 1
        line += 3 if key.lower() == "title" else 1
    rows: list[tuple[Span, ...] | None] = []
    for key, value in entries:
        if key.lower() in TITLE_KEYS_BOTTOM:
            rows += ([None] if rows else []) + _entry_lines(value, 40)
    for index, runs in enumerate(rows, start=LINES_PER_PAGE - len(rows)):
        if runs:
            _draw(pdf, Piece(ACTION_X, runs), TOP_PT + index * LINE_PT)


def _entry_lines(value: str, width: int) -> list[tuple[Span, ...]]:
    return [runs for line in value.split("\n") for runs in wrap(spans(line), width)]
