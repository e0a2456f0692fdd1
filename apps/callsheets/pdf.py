"""A call sheet as a PDF in the usual layout, drawn with fpdf2 (its table API).

Top to bottom on US Letter portrait: the header (production, "CALL SHEET", day X of Y, date,
unit, revision, and the general crew call large in the middle), the general information box
(shooting call, first meal, weather, sunrise/sunset, nearest hospital), locations with address
and parking, the scenes (scene number, set and synopsis, D/N, pages in eighths "1 3/8", cast ids,
with banners as full-width rows), cast calls (id, cast, character, pickup, H/MU, on set), crew
calls by department, notes, and the advance schedule for the next day. A never-published draft is
watermarked "DRAFT" on every page.

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

from apps.callsheets.changes import eighths_text
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
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return f"{day:%A} {day.day} {day:%B %Y}"


def _day_night(time_of_day: str) -> str:
    upper = (time_of_day or "").upper()
    if "NIGHT" in upper or upper in ("N", "DUSK", "EVENING"):
        return "N"
    return "D" if upper else ""


def call_sheet_pdf(sheet: dict, *, production_title: str, draft: bool = False, revision: int = 0) -> bytes:
    """The call sheet `sheet` (a CallSheetSerializer representation or a revision's snapshot) as PDF bytes.

    `production_title` heads the page, `revision` (0 for a draft) is printed beside the date,
    `draft` adds the watermark. Never raises on odd text or missing keys (empty cells instead).
    """
    day_line = f"Day {sheet.get('shoot_day_number') or '?'} of {sheet.get('day_count') or '?'}"
    rev = "DRAFT" if draft else f"Revision {revision}"
    pdf = document(title=f"{production_title}: call sheet, {day_line}", footer=f"{production_title} - Call sheet - {day_line} - {rev}",
                   draft=draft)
    _header(pdf, sheet, production_title=production_title, day_line=day_line, rev=rev)
    _general(pdf, sheet)
    _locations(pdf, sheet.get("locations") or [])
    _scenes(pdf, "Scenes", sheet.get("scenes") or [], sheet.get("banners") or [])
    _cast(pdf, sheet.get("cast_calls") or [])
    _crew(pdf, sheet.get("crew_calls") or [])
    if sheet.get("notes"):
        section(pdf, "Notes")
        pdf.set_font(pdf.family, "", 9)
        pdf.multi_cell(0, 4.5, pdf.t(sheet["notes"]), new_x="LMARGIN", new_y="NEXT")
    advance = sheet.get("advance")
    if advance:
        _scenes(pdf, f"Advance schedule - Day {advance.get('number')}, {long_date(advance.get('date'))}", advance.get("scenes") or [], [])
    return bytes(pdf.output())


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


def section(pdf: _Sheet, text: str) -> None:
    """A section heading in capitals, moved to the next page when it would sit alone at the foot of this one."""
    # A section heading never sits alone at the foot of a page: it needs room for itself and a few lines.
    if pdf.get_y() + 3 + 6 + 14 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 10)
    pdf.cell(0, 6, pdf.t(text.upper()), new_x="LMARGIN", new_y="NEXT")


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
    """A table (a row given as a string is one full-width bold row) with `widths` (relative column widths) spread over the page; rows break across pages, each row kept whole."""
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
                row.cell(_fit(pdf, pdf.t(value), width))


def _header(pdf: _Sheet, sheet: dict, *, production_title: str, day_line: str, rev: str) -> None:
    top = pdf.get_y()
    width = pdf.epw / 3
    pdf.set_font(pdf.family, "B", 14)
    pdf.multi_cell(width, 6, pdf.t(production_title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    pdf.cell(width, 5, "CALL SHEET", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 5, pdf.t(sheet.get("unit") or ""), new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(MARGIN_MM + width, top)
    pdf.set_font(pdf.family, "", 9)
    pdf.cell(width, 5, "CREW CALL", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(pdf.family, "B", 26)
    pdf.cell(width, 12, pdf.t(sheet.get("crew_call") or "--:--"), align="C")
    pdf.set_xy(MARGIN_MM + 2 * width, top)
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(width, 6, pdf.t(day_line), align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    pdf.cell(width, 5, pdf.t(long_date(sheet.get("date"))), align="R", new_x="LEFT", new_y="NEXT")
    pdf.cell(width, 5, pdf.t(rev), align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(MARGIN_MM, max(left_bottom, pdf.get_y(), top + 18) + 2)


def _general(pdf: _Sheet, sheet: dict) -> None:
    weather = sheet.get("weather") or {}
    hospital = sheet.get("hospital") or {}
    temps = ""
    if weather.get("low_c") is not None or weather.get("high_c") is not None:
        temps = f"low {_num(weather.get('low_c'))} / high {_num(weather.get('high_c'))} \u00b0C"  # ° is in Latin-1 too
    rows = [[sheet.get("shooting_call") or "", sheet.get("first_meal") or "", " ".join(p for p in (weather.get("summary"), temps) if p),
             f"{weather.get('sunrise') or '--'} / {weather.get('sunset') or '--'}",
             "\n".join(p for p in (hospital.get("name"), hospital.get("address"), hospital.get("phone")) if p)]]
    draw_table(pdf, (18, 18, 40, 24, 60), ["Shooting call", "First meal", "Weather", "Sunrise / set", "Nearest hospital"], rows)


def _num(value) -> str:
    if value is None:
        return "?"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _locations(pdf: _Sheet, locations: list[dict]) -> None:
    if not locations:
        return
    section(pdf, "Locations")
    draw_table(pdf, (35, 55, 40, 30), ["Location", "Address", "Parking", "Notes"],
           [[loc.get("name"), loc.get("address"), loc.get("parking"), loc.get("notes")] for loc in locations])


def _scenes(pdf: _Sheet, title: str, scenes: list[dict], banners: list[dict]) -> None:
    section(pdf, title)
    if not scenes and not banners:
        pdf.set_font(pdf.family, "", 9)
        pdf.cell(0, 5, "No scenes scheduled.", new_x="LMARGIN", new_y="NEXT")
        return
    at = {b.get("position"): b for b in banners}
    queue = list(scenes)
    rows: list = []
    for index in range(len(scenes) + len(banners)):
        if index in at:
            rows.append(at[index].get("text") or "")
        elif queue:
            s = queue.pop(0)
            slug = " ".join(p for p in (s.get("int_ext"), s.get("location")) if p)
            set_text = f"{slug}\n{s['synopsis']}" if s.get("synopsis") else slug
            rows.append([s.get("number"), set_text, _day_night(s.get("time_of_day")), eighths_text(s.get("page_eighths")),
                         ", ".join(str(i) for i in s.get("cast_ids") or [])])
    total = sum(s.get("page_eighths") or 0 for s in scenes)
    rows.append(["", "Total pages", "", eighths_text(total), ""])
    draw_table(pdf, (14, 106, 12, 18, 30), ["Sc", "Set / description", "D/N", "Pages", "Cast"], rows)


def _cast(pdf: _Sheet, calls: list[dict]) -> None:
    if not calls:
        return
    section(pdf, "Cast")
    draw_table(pdf, (10, 42, 42, 16, 16, 16, 38), ["#", "Cast", "Character", "Pickup", "H/MU", "On set", "Notes"],
           [["" if c.get("cast_id") is None else c.get("cast_id"), c.get("name"), ", ".join(c.get("characters") or []),
             c.get("pickup"), c.get("hair_makeup"), c.get("on_set"), c.get("notes")] for c in calls])


def _crew(pdf: _Sheet, calls: list[dict]) -> None:
    if not calls:
        return
    section(pdf, "Crew")
    departments: dict[str, list[dict]] = {}
    for call in calls:
        departments.setdefault(call.get("department") or "Crew", []).append(call)
    rows: list = []
    for department, members in departments.items():
        rows.append(department)
        rows += [[m.get("name"), m.get("role"), m.get("call") or ""] for m in members]
    draw_table(pdf, (80, 70, 30), ["Name", "Role", "Call"], rows)
