"""Print a screenplay as a PDF in the standard screenplay format.

The page layout (columns, 55 lines to the page, what keeps together) is
apps.scripts.fountain.layout's; this module draws it: US Letter (8.5 x 11 in), the PDF core
font Courier 12 pt (10 characters and 6 lines to the inch), the first text line's top 1 in
from the top of the page, so 55 lines end 0.83 in above the bottom edge. Page numbers ("2.")
stand top right, 0.5 in from the top and ending at the right margin (7.5 in), from the second
body page on. A Fountain title page becomes an unnumbered first page: title centred a third of
the way down, then credit, author(s) and source; contact and draft date at the bottom left.
Core fonts are Latin-1, so other characters are replaced (see layout.latin1). `revision_pdf` draws
revision pages the same way, with their locked numbers, revision header and asterisks.

Each page's content stream is written here (ISO 32000-1, 9.4: one `BT /F Tf x y Td (text) Tj ET`
per styled run, underlines as filled rectangles) and pypdf makes the file around it. A drawing
library was too slow for what a hostile script holds: fpdf2 spends about 80 µs on each styled run
through `cell()` and 10 µs through `text()`, and alternating emphasis gives millions of runs (26 s
for 5 MiB); a run written here costs about a microsecond, so the export is linear in the text and
takes seconds (docs/performance.md, "Screenplay: hostile input").
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timezone

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from apps.scripts.fountain import Screenplay, Span, spans
from apps.scripts.fountain.layout import (
    ACTION_X,
    CHARS_PER_INCH,
    LINES_PER_PAGE,
    RIGHT_EDGE,
    Piece,
    PageLimitExceeded,
    latin1,
    layout,
    layout_lines,
    wrap,
)
from apps.scripts.revision_pages import RevisedPage

__all__ = ["LINES_PER_PAGE", "PageLimitExceeded", "layout_lines", "revision_pdf", "screenplay_pdf"]

PT_PER_INCH = 72
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = 8.5 * PT_PER_INCH, 11 * PT_PER_INCH
FONT_SIZE_PT = 12
LINE_PT = PT_PER_INCH / 6  # 12 pt leading
CHAR_PT = PT_PER_INCH / CHARS_PER_INCH  # Courier's advance at 12 pt: 7.2 pt
TOP_PT = 1 * PT_PER_INCH
PAGE_NUMBER_TOP_PT = 0.5 * PT_PER_INCH
# The baseline of a 12 pt line sits 9.6 pt below its top (half the leading plus 0.3 em, as fpdf2
# placed it, so files made before this writer and after it print the same).
BASELINE_PT = LINE_PT / 2 + 0.3 * FONT_SIZE_PT
# Courier's underline (Adobe's AFM: UnderlinePosition -100, UnderlineThickness 50, per 1000 em).
UNDERLINE_BELOW_PT, UNDERLINE_PT = 0.1 * FONT_SIZE_PT, 0.05 * FONT_SIZE_PT
MARK_X = 7.8  # revision marks (asterisks), inches from the left edge
OMITTED_LINE = 25  # an omitted page's "OMITTED", about half way down
TITLE_KEYS_CENTRED = ("title", "credit", "author", "authors", "source")
TITLE_KEYS_BOTTOM = ("contact", "draft date", "copyright", "notes")

# (bold, italic) → the font's resource name and PDF base font.
_FONTS = {(False, False): ("F1", "Courier"), (True, False): ("F2", "Courier-Bold"),
          (False, True): ("F3", "Courier-Oblique"), (True, True): ("F4", "Courier-BoldOblique")}
# Latin-1 text to the inside of a PDF literal string: brackets and backslash escaped, every
# byte outside printable ASCII written in octal, so the content stream is plain ASCII.
_ESCAPE = {i: (f"\\{i:03o}" if i < 32 or i > 126 else "\\" + chr(i) if chr(i) in "()\\" else chr(i)) for i in range(256)}


def screenplay_pdf(screenplay: Screenplay, *, title: str | None = None, max_pages: int | None = None,
                   on_page: Callable[[int], None] | None = None, notes: bool = False, created: datetime | None = None) -> bytes:
    """The screenplay as PDF bytes: an optional title page, then the body pages.

    `title` becomes the document's metadata title (the title page entry "Title" when not
    given). Never raises on odd text: characters outside Latin-1 are replaced. Raises
    `PageLimitExceeded` when the body prints more than `max_pages` pages (None: no limit), found
    while laying out, before anything is drawn. `on_page(pages laid out)` is called at each new
    page (progress). `notes` prints the writer's [[notes]] in italics (off by default, as the
    trade prints scripts; see apps.scripts.fountain.layout). `created` is the document's creation date (the
    version's, so that one version always prints to the same bytes; None: now). Linear in the length of the text.
    """
    document = _Document()
    entries = {key.lower(): value for key, value in screenplay.title_page}
    if screenplay.title_page:
        _title_page(document, screenplay.title_page)
    for number, page in enumerate(layout(screenplay, max_pages=max_pages, on_page=on_page, notes=notes), start=1):
        _body_page(document.add_page(), page.lines, str(number))
    return document.output(title=title or _title_text(entries.get("title", "")), created=created)


def revision_pdf(pages: Sequence[RevisedPage], *, headers: Mapping[int, str], title: str,
                 title_page: list[tuple[str, str]] | None = None, created: datetime | None = None) -> bytes:
    """Revision pages (or a whole revised script) as PDF bytes, from `apps.scripts.revision_pages.revise`.

    Each page is drawn as `screenplay_pdf` draws it, numbered with its locked number ("12A."; page
    1 unnumbered), with `headers[page.level]` ("Blue Revision – 03/12/26", the revision's name
    and date; nothing for level 0, white) at the left margin on the page number's line, and an
    asterisk in the right margin of each marked line: at 7.8 in from the left edge (the trade's
    revision mark column), or right after the line's text when that runs further (a scene number
    in the right margin). An omitted page prints "OMITTED" in its middle, marked. `title_page`
    entries, when given, print first as in `screenplay_pdf`; `created` as there. Linear in the pages' text.
    """
    document = _Document()
    if title_page:
        _title_page(document, title_page)
    for page in pages:
        canvas = document.add_page()
        header = headers.get(page.level) if page.level else None
        if header:
            # "–" is in the core fonts' WinAnsiEncoding (0x96), unlike the typewriter text of the body (layout.latin1).
            canvas.draw(Piece(ACTION_X, (Span(header.replace("\u2013", "\x96")),)), PAGE_NUMBER_TOP_PT)
        lines, marks = page.lines, page.marks
        if page.omitted:
            lines, marks = [[]] * OMITTED_LINE + [[Piece((ACTION_X + RIGHT_EDGE) / 2, (Span("OMITTED"),), "C")]], {OMITTED_LINE}
        _body_page(canvas, lines, page.label, marks)
    return document.output(title=title, created=created)


def _body_page(canvas: "_Canvas", lines: list[list[Piece]], label: str, marks: Collection[int] = ()) -> None:
    """A body page's lines from the top margin, its number top right (not on page "1"), a revision mark on each line in `marks`."""
    if label != "1":
        canvas.draw(Piece(RIGHT_EDGE, (Span(f"{label}."),), "R"), PAGE_NUMBER_TOP_PT)
    for index, pieces in enumerate(lines):
        top = TOP_PT + index * LINE_PT
        for piece in pieces:
            canvas.draw(piece, top)
        if index in marks:
            canvas.draw(Piece(max([MARK_X] + [_end(piece) for piece in pieces]), (Span("*"),)), top)


def _end(piece: Piece) -> float:
    """Where a piece's text ends, in inches from the page's left edge."""
    width = len(piece.text) / CHARS_PER_INCH
    return piece.x + {"L": width, "C": width / 2}.get(piece.align, 0.0)


def _title_text(text: str) -> str:
    """A title page value as printed: emphasis markers removed, lines joined with spaces."""
    return " ".join("".join(s.text for s in spans(line)) for line in text.split("\n")).strip()


class _Canvas:
    """One page's content: each run its own text object (as readers such as pypdf expect one
    placed string per object), underlines drawn as filled rectangles."""

    def __init__(self) -> None:
        self.ops: list[str] = []

    def draw(self, piece: Piece, top_pt: float) -> None:
        """Draw one piece with its line's top `top_pt` below the page's top edge, one run at a time."""
        width = len(piece.text) * CHAR_PT
        x = piece.x * PT_PER_INCH
        if piece.align == "R":
            x -= width
        elif piece.align == "C":
            x -= width / 2
        baseline = PAGE_HEIGHT_PT - top_pt - BASELINE_PT
        for run in piece.runs:
            run_width = len(run.text) * CHAR_PT
            font = _FONTS[(run.bold, run.italic)][0]
            self.ops.append(f"BT /{font} {FONT_SIZE_PT} Tf {x:.2f} {baseline:.2f} Td ({latin1(run.text).translate(_ESCAPE)}) Tj ET")
            if run.underline:
                self.ops.append(f"{x:.2f} {baseline - UNDERLINE_BELOW_PT:.2f} {run_width:.2f} {-UNDERLINE_PT:.2f} re f")
            x += run_width

    def content(self) -> bytes:
        return "\n".join(self.ops).encode("ascii")


class _Document:
    """The pages of the PDF, put into a file by pypdf (objects, page tree, compression, metadata, cross-reference)."""

    def __init__(self) -> None:
        self.pages: list[_Canvas] = []

    def add_page(self) -> _Canvas:
        self.pages.append(_Canvas())
        return self.pages[-1]

    def output(self, *, title: str, created: datetime | None = None) -> bytes:
        """The whole file: each page US Letter with its content stream (Flate-compressed), the four Courier faces of
        the standard 14 fonts in WinAnsiEncoding (ISO 32000-1, 9.6.2), and Slate as creator and producer; its
        creation date `created` (UTC; None: now) in the PDF date format (ISO 32000-1, 7.9.4)."""
        writer = PdfWriter()
        fonts = DictionaryObject({
            NameObject(f"/{name}"): DictionaryObject({
                NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(f"/{base}"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            })
            for name, base in _FONTS.values()
        })
        resources = DictionaryObject({NameObject("/Font"): fonts})
        for canvas in self.pages:
            page = writer.add_blank_page(PAGE_WIDTH_PT, PAGE_HEIGHT_PT)
            stream = DecodedStreamObject()
            stream.set_data(canvas.content())
            page.replace_contents(stream.flate_encode(6))
            page[NameObject("/Resources")] = resources
        when = time.gmtime() if created is None else created.astimezone(timezone.utc).timetuple()
        metadata = {"/Creator": "Slate", "/Producer": "Slate", "/CreationDate": time.strftime("D:%Y%m%d%H%M%SZ", when)}
        if title:
            metadata["/Title"] = title
        writer.add_metadata(metadata)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def _title_page(document: _Document, entries: list[tuple[str, str]]) -> None:
    """Title, credit, author and source centred from 3.5 in down; contact etc. bottom left."""
    canvas = document.add_page()
    centre = (ACTION_X + RIGHT_EDGE) / 2
    centred = [(k, v) for key in TITLE_KEYS_CENTRED for k, v in entries if k.lower() == key]
    line = 15  # 1 in + 15 lines: 3.5 in from the top
    for key, value in centred:
        for runs in _entry_lines(value, 60):
            canvas.draw(Piece(centre, runs, "C"), TOP_PT + line * LINE_PT)
            line += 1
        line += 3 if key.lower() == "title" else 1
    rows: list[tuple[Span, ...] | None] = []
    for key, value in entries:
        if key.lower() in TITLE_KEYS_BOTTOM:
            rows += ([None] if rows else []) + _entry_lines(value, 40)
    for index, runs in enumerate(rows, start=LINES_PER_PAGE - len(rows)):
        if runs:
            canvas.draw(Piece(ACTION_X, runs), TOP_PT + index * LINE_PT)


def _entry_lines(value: str, width: int) -> list[tuple[Span, ...]]:
    return [runs for line in value.split("\n") for runs in wrap(spans(line), width)]
