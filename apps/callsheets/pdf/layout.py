"""The page furniture of Slate's printed sheets (the call sheet, the daily reports), drawn with fpdf2 (its table API).

A US Letter document with Slate's margins, a footer with the page count, the DRAFT watermark; section headings that
never end a page (moved to the next page with the first rows of what they head); tables whose rows are kept whole
and whose heading row fpdf2 keeps with the first row (and repeats on each page); cells a revision changed, printed
bold on a shaded cell after `CHANGED_MARK`; call times past midnight printed "00:15 (+1)".

Text is drawn in DejaVu Sans when its TrueType files are installed
(`settings.SLATE_CALLSHEET_FONT_DIR`), which covers any language; otherwise in the PDF core font
Helvetica, which is Latin-1 only, so other characters are replaced (apps.scripts.fountain.layout.latin1).
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.fonts import FontFace

from apps.scripts.fountain.layout import latin1

# fontTools logs every step of subsetting an embedded font at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

MARGIN_MM = 12
LINE_MM = 4.6
PADDING_MM = 1
# fpdf2 cannot split a table row across pages (it raises ValueError for a row taller than a page), so a
# cell's text is cut to this many wrapped lines: 40 x 4.6 mm leaves room on a Letter page for the
# repeated heading row. Notes are not in a table and flow over as many pages as they need.
MAX_CELL_LINES = 40
GREY = (235, 235, 235)
HEADING = FontFace(emphasis="BOLD", fill_color=GREY)
CHANGED_FILL = (255, 236, 160)
CHANGED = FontFace(emphasis="BOLD", fill_color=CHANGED_FILL)
#: Printed before each value a revision changed (the asterisk of revised script pages).
CHANGED_MARK = "*"


class Changed(str):
    """A table cell's text that this revision changed: drawn bold on a shaded cell after `CHANGED_MARK`."""


def mark(value, changed: bool):
    """`value` as a `Changed` cell when `changed`, else as it is."""
    return Changed("" if value is None else str(value)) if changed else value


def clock(value) -> str:
    """A call time as printed (apps.callsheets.calltimes.call_time_display): "06:30", and past midnight "00:15 (+1)"
    for "24:15"; text that is no call time is printed as it is (a snapshot is never refused)."""
    from apps.callsheets.calltimes import call_time_display
    from apps.core.errors import ApplicationError

    try:
        return call_time_display(value)
    except ApplicationError:
        return str(value)


class _Sheet(FPDF):
    """FPDF with the draft watermark and a footer on every page."""

    def __init__(self, *, footer: str, draft: bool, family: str, unicode: bool, orientation: str = "portrait"):
        super().__init__(orientation=orientation, unit="mm", format="letter")
        self.footer_text, self.draft, self.family, self.unicode = footer, draft, family, unicode

    def t(self, value) -> str:
        """`value` as text this font can draw ("" for None)."""
        text = "" if value is None else str(value)
        return text if self.unicode else latin1(text)

    def header(self):
        if self.draft:
            self.set_font(self.family, "B", 110)
            self.set_text_color(225, 225, 225)
            with self.rotation(35, self.w / 2, self.h / 2):
                self.text(self.w / 2 - 75, self.h / 2 + 15, "DRAFT")
            self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-10)
        self.set_font(self.family, "", 7)
        self.cell(0, 5, self.t(f"{self.footer_text}  -  page {self.page_no()}/{{nb}}"), align="C")


def _fonts(pdf: FPDF) -> tuple[str, bool]:
    folder = Path(settings.SLATE_CALLSHEET_FONT_DIR)
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu", True
    return "Helvetica", False


def long_date(value) -> str:
    """An ISO date (a `date` or "2027-05-03") as the sheet prints it, "Monday 3 May 2027"; anything else as its text ("" for None)."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return f"{day:%A} {day.day} {day:%B %Y}"


def document(*, title: str, footer: str, draft: bool = False, orientation: str = "portrait") -> _Sheet:
    """A new US Letter document (`orientation` "portrait" or "landscape") with its first page added: Slate's margins,
    `footer` and the page count on every page, the DRAFT watermark when `draft`, DejaVu Sans when installed."""
    family, unicode = _fonts(FPDF())
    pdf = _Sheet(footer=footer, draft=draft, family=family, unicode=unicode, orientation=orientation)
    if unicode:
        _fonts(pdf)
    pdf.set_title(pdf.t(title))
    pdf.set_creator("Slate")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=14)
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def section(pdf: _Sheet, text: str, *, keep_mm: float = 14) -> None:
    """A section heading in capitals, moved to the next page when it and the first `keep_mm` millimetres of what
    follows it (`table_start_mm` of a table) would not fit on this one: a heading never ends a page."""
    if pdf.get_y() + 3 + 6 + keep_mm > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 10)
    pdf.cell(0, 6, pdf.t(text.upper()), new_x="LMARGIN", new_y="NEXT")


def _cell_text(value) -> str:
    return CHANGED_MARK + value if isinstance(value, Changed) else ("" if value is None else str(value))


def table_start_mm(pdf: _Sheet, widths: tuple, headings: list[str], rows: list, *, font_size: float = 8.5) -> float:
    """The height in mm of a `draw_table` table's heading row and first row: what a heading above it must keep with it."""
    pdf.set_font(pdf.family, "B", font_size)
    text_mm = [max(pdf.epw * w / sum(widths) - 2 * PADDING_MM - 2 * pdf.c_margin, 5) for w in widths]
    total = 0.0
    for values in ([*headings], *rows[:1]):
        cells = [" ".join(values)] if isinstance(values, str) else [_cell_text(v) for v in values]
        columns = [pdf.epw] if isinstance(values, str) else text_mm
        lines = max((len(pdf.multi_cell(w, LINE_MM, pdf.t(c), dry_run=True, output="LINES")) for c, w in zip(cells, columns)), default=1)
        total += min(lines, MAX_CELL_LINES) * LINE_MM + 2 * PADDING_MM
    pdf.set_font(pdf.family, "", font_size)
    return total + 1


def _fit(pdf: _Sheet, text: str, width_mm: float) -> str:
    """`text` cut to MAX_CELL_LINES lines as the current font wraps it in a cell `width_mm` wide, ending "..." when cut."""
    if len(text) < 80:
        return text
    lines = pdf.multi_cell(max(width_mm, 5), LINE_MM, text, dry_run=True, output="LINES")
    if len(lines) <= MAX_CELL_LINES:
        return text
    kept = lines[:MAX_CELL_LINES]
    kept[-1] = kept[-1][: max(0, len(kept[-1]) - 4)].rstrip() + " ..."
    return "\n".join(kept)


def draw_table(pdf: _Sheet, widths: tuple, headings: list[str], rows: list[list], *, font_size: float = 8.5) -> None:
    """A table (a row given as a string is one full-width bold row) with `widths` (relative column widths) spread over the page; rows break across pages, each row kept whole.

    A `Changed` value is drawn bold on a shaded cell after `CHANGED_MARK`. The heading row is kept with the first row
    (fpdf2 moves both to the next page) and repeated atop each page the table runs onto."""
    pdf.set_font(pdf.family, "", font_size)
    # The text width of each column: its share of the page, less the cell padding and fpdf2's own cell margin (a
    # narrower estimate only cuts a little earlier).
    text_mm = [pdf.epw * w / sum(widths) - 2 * PADDING_MM - 2 * pdf.c_margin for w in widths]
    with pdf.table(col_widths=widths, headings_style=HEADING, line_height=LINE_MM, padding=PADDING_MM, text_align="LEFT") as table:
        head = table.row()
        for text in headings:
            head.cell(pdf.t(text))
        for values in rows:
            row = table.row()
            if isinstance(values, str):  # a full-width row (a banner)
                row.cell(pdf.t(values), colspan=len(headings), align="C", style=FontFace(emphasis="BOLD"))
                continue
            for value, width in zip(values, text_mm):
                row.cell(_fit(pdf, pdf.t(_cell_text(value)), width), style=CHANGED if isinstance(value, Changed) else None)


def titled_table(pdf: _Sheet, title: str, widths: tuple, headings: list[str], rows: list, *, font_size: float = 8.5) -> None:
    """`section(title)` kept with the first row of the `draw_table` table that follows it."""
    section(pdf, title, keep_mm=table_start_mm(pdf, widths, headings, rows, font_size=font_size))
    draw_table(pdf, widths, headings, rows, font_size=font_size)


def paragraph(pdf: _Sheet, text: str, changed: bool = False) -> None:
    """Free text over the page width (as many pages as it needs); bold after `CHANGED_MARK` when this revision changed it."""
    pdf.set_font(pdf.family, "B" if changed else "", 9)
    pdf.multi_cell(0, 4.5, pdf.t((CHANGED_MARK if changed else "") + text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)


def _num(value) -> str:
    if value is None:
        return "?"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


