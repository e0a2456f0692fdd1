"""A call sheet as a PDF in the usual layout.

Top to bottom on US Letter portrait: the header (production, "CALL SHEET", day X of Y, date,
unit, revision, and the general crew call large in the middle), a published revision's banner
("REVISION 2 — 2 Dec 2026 18:40", the change list, and a legend: each changed value is printed
bold on a shaded cell after a `CHANGED_MARK`), the general information box (shooting call, first
meal, estimated wrap, weather, sunrise/sunset), key contacts, walkie channels, safety notes /
hazards, the nearest urgent care and its route, locations with address and parking, the scenes
(scene number, set and synopsis, D/N, pages in eighths "1 3/8", cast ids, with banners as
full-width rows) and each scene's needs from the breakdown, cast calls (id, cast, character, the
day-out-of-days code, pickup, H/MU, on set), crew calls by department, notes, and the advance
schedule for the next day. A never-published draft is watermarked "DRAFT" on every page.

Times past midnight (a night shoot's "24:15", as the API writes them) are printed "00:15 (+1)".
No heading ends a page: a section heading moves to the next page with the first rows of what it
heads, and each department of the crew is its own table whose heading row fpdf2 keeps with its
first row (and repeats on the next page).
The page furniture (document, tables, marks, times) is apps.callsheets.pdf.layout.
"""
from __future__ import annotations

from apps.callsheets.changes import eighths_text
from apps.callsheets.pdf.layout import (CHANGED_FILL, CHANGED_MARK, GREY, MARGIN_MM, _cell_text, _Sheet, _num, clock, document, draw_table,
                                        long_date, mark, paragraph, section, table_start_mm, titled_table)


def _day_night(time_of_day: str) -> str:
    upper = (time_of_day or "").upper()
    if "NIGHT" in upper or upper in ("N", "DUSK", "EVENING"):
        return "N"
    return "D" if upper else ""


def call_sheet_pdf(sheet: dict, *, production_title: str, draft: bool = False, revision: int = 0,
                   contacts: dict | None = None, banner: dict | None = None, extras: dict | None = None) -> bytes:
    """The call sheet `sheet` (a CallSheetSerializer representation or a revision's snapshot) as PDF bytes.

    `production_title` heads the page, `revision` (0 for a draft) is printed beside the date,
    `draft` adds the watermark. `contacts`: what the sheet's reader may see of people's contact
    details (`apps.callsheets.contacts.sheet_contacts`: `{"cast": {cast_member id: text}, "crew":
    {user id: text}}`); when given, the cast and crew tables get a Contact column, else none.
    `banner`: a published revision's `apps.callsheets.printing.revision_banner` (number, date and time,
    change list, the keys of the changed values to mark); `extras`: `printing.print_extras`
    (key contacts as the reader may see them, DOOD codes of the day, scene needs). Never raises on
    odd text or missing keys (empty cells instead).
    """
    day_line = f"Day {sheet.get('shoot_day_number') or '?'} of {sheet.get('day_count') or '?'}"
    rev = "DRAFT" if draft else f"Revision {revision}"
    marks = set((banner or {}).get("marks") or ())
    extras = extras or {}
    pdf = document(title=f"{production_title}: call sheet, {day_line}", footer=f"{production_title} - Call sheet - {day_line} - {rev}",
                   draft=draft)
    _header(pdf, sheet, production_title=production_title, day_line=day_line, rev=rev, marks=marks)
    if banner:
        _revision_banner(pdf, banner)
    _general(pdf, sheet, marks)
    _key_contacts(pdf, extras.get("key_contacts") or [], "key_contacts" in marks)
    _walkies(pdf, sheet.get("walkie_channels") or [], "walkie_channels" in marks)
    _safety(pdf, sheet.get("safety_notes") or "", "safety_notes" in marks)
    _hospital(pdf, sheet.get("hospital") or {}, "hospital" in marks)
    _locations(pdf, sheet.get("locations") or [], marks)
    _scenes(pdf, "Scenes", sheet.get("scenes") or [], sheet.get("banners") or [], marks)
    _needs(pdf, sheet.get("scenes") or [], extras.get("needs") or {})
    _cast(pdf, sheet.get("cast_calls") or [], None if contacts is None else contacts.get("cast", {}), extras.get("dood") or {}, marks)
    _crew(pdf, sheet.get("crew_calls") or [], None if contacts is None else contacts.get("crew", {}), marks)
    if sheet.get("notes"):
        section(pdf, "Notes")
        paragraph(pdf, sheet["notes"], "notes" in marks)
    advance = sheet.get("advance")
    if advance:
        _scenes(pdf, f"Advance schedule - Day {advance.get('number')}, {long_date(advance.get('date'))}", advance.get("scenes") or [], [],
                set())
    return bytes(pdf.output())


def _header(pdf: _Sheet, sheet: dict, *, production_title: str, day_line: str, rev: str, marks: set) -> None:
    top = pdf.get_y()
    width = pdf.epw / 3
    pdf.set_font(pdf.family, "B", 14)
    pdf.multi_cell(width, 6, pdf.t(production_title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    pdf.cell(width, 5, "CALL SHEET", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 5, pdf.t(_cell_text(mark(sheet.get("unit") or "", "unit" in marks))), new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(MARGIN_MM + width, top)
    pdf.set_font(pdf.family, "", 9)
    pdf.cell(width, 5, "CREW CALL", align="C", new_x="LEFT", new_y="NEXT")
    crew_call = clock(sheet.get("crew_call")) or "--:--"
    changed = "crew_call" in marks
    pdf.set_font(pdf.family, "B", 26 if len(crew_call) <= 5 else 20)
    if changed:
        pdf.set_fill_color(*CHANGED_FILL)
    pdf.cell(width, 12, pdf.t(_cell_text(mark(crew_call, changed))), align="C", fill=changed)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(MARGIN_MM + 2 * width, top)
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(width, 6, pdf.t(day_line), align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    pdf.cell(width, 5, pdf.t(_cell_text(mark(long_date(sheet.get("date")), "date" in marks))), align="R", new_x="LEFT", new_y="NEXT")
    pdf.cell(width, 5, pdf.t(rev), align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(MARGIN_MM, max(left_bottom, pdf.get_y(), top + 18) + 2)


def _revision_banner(pdf: _Sheet, banner: dict) -> None:
    from apps.callsheets.changes import change_text

    pdf.set_font(pdf.family, "B", 11)
    pdf.set_fill_color(*GREY)
    pdf.cell(0, 7, pdf.t(f"REVISION {banner.get('number')} \u2014 {banner.get('published') or ''}"), fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(255, 255, 255)
    changes = banner.get("changes") or []
    pdf.set_font(pdf.family, "", 8.5)
    if changes:
        pdf.cell(0, 5, pdf.t(f"Changed since revision {banner.get('number', 1) - 1}:"), new_x="LMARGIN", new_y="NEXT")
        for change in changes:
            pdf.multi_cell(0, 4.3, pdf.t(f"\u2022 {change_text(change)}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, "", 7.5)
        pdf.cell(0, 5, pdf.t(f"{CHANGED_MARK} and shading mark the values this revision changed."), new_x="LMARGIN", new_y="NEXT")
    elif banner.get("number", 1) > 1:
        pdf.cell(0, 5, "Republished with no changes.", new_x="LMARGIN", new_y="NEXT")


def _general(pdf: _Sheet, sheet: dict, marks: set) -> None:
    weather = sheet.get("weather") or {}
    temps = ""
    if weather.get("low_c") is not None or weather.get("high_c") is not None:
        temps = f"low {_num(weather.get('low_c'))} / high {_num(weather.get('high_c'))} \u00b0C"  # ° is in Latin-1 too
    rows = [[mark(clock(sheet.get("shooting_call")), "shooting_call" in marks), mark(clock(sheet.get("first_meal")), "first_meal" in marks),
             mark(clock(sheet.get("wrap")), "wrap" in marks),
             mark(" ".join(p for p in (weather.get("summary"), temps) if p), "weather" in marks),
             mark(f"{clock(weather.get('sunrise')) or '--'} / {clock(weather.get('sunset')) or '--'}", "weather" in marks)]]
    draw_table(pdf, (20, 20, 20, 60, 24), ["Shooting call", "First meal", "Est. wrap", "Weather", "Sunrise / set"], rows)


def _key_contacts(pdf: _Sheet, contacts: list[dict], changed: bool) -> None:
    if not contacts:
        return
    rows = [[mark(c.get("role"), changed), c.get("name"), c.get("phone")] for c in contacts]
    titled_table(pdf, "Key contacts", (40, 60, 60), ["Role", "Name", "Phone / contact"], rows)


def _walkies(pdf: _Sheet, channels: list[dict], changed: bool) -> None:
    rows = [[mark(c.get("channel"), changed), c.get("use")] for c in channels if isinstance(c, dict)]
    if rows:
        titled_table(pdf, "Walkie channels", (20, 140), ["Channel", "Use"], rows)


def _safety(pdf: _Sheet, text: str, changed: bool) -> None:
    if text.strip():
        section(pdf, "Safety notes / hazards of the day")
        paragraph(pdf, text, changed)


def _hospital(pdf: _Sheet, hospital: dict, changed: bool) -> None:
    if not any(hospital.get(k) for k in ("name", "address", "phone", "route")):
        return
    rows = [[mark(hospital.get("name"), changed), hospital.get("address"), hospital.get("phone"), hospital.get("route")]]
    titled_table(pdf, "Nearest urgent care", (30, 40, 20, 70), ["Name", "Address", "Phone", "Route"], rows)


def _marked(row: dict, keys: tuple, marks: set, prefix: str, show=lambda v: v) -> list:
    """`row`'s `keys` as cells (through `show`), each marked when the row was added (`prefix` in `marks`) or it changed."""
    return [mark(show(row.get(k)), prefix in marks or f"{prefix}:{k}" in marks) for k in keys]


def _locations(pdf: _Sheet, locations: list[dict], marks: set) -> None:
    if not locations:
        return
    rows = [[mark(loc.get("name"), f"location:{loc.get('name')}" in marks)]
            + _marked(loc, ("address", "parking", "notes"), marks, f"location:{loc.get('name')}") for loc in locations]
    titled_table(pdf, "Locations", (35, 55, 40, 30), ["Location", "Address", "Parking", "Notes"], rows)


def _scenes(pdf: _Sheet, title: str, scenes: list[dict], banners: list[dict], marks: set) -> None:
    widths, headings = (14, 106, 12, 18, 30), ["Sc", "Set / description", "D/N", "Pages", "Cast"]
    if not scenes and not banners:
        section(pdf, title)
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
            rows.append([mark(s.get("number"), f"scene:{s.get('number')}" in marks), set_text, _day_night(s.get("time_of_day")),
                         eighths_text(s.get("page_eighths")), ", ".join(str(i) for i in s.get("cast_ids") or [])])
    total = sum(s.get("page_eighths") or 0 for s in scenes)
    rows.append(["", "Total pages", "", eighths_text(total), ""])
    titled_table(pdf, title, widths, headings, rows)


def _needs(pdf: _Sheet, scenes: list[dict], needs: dict) -> None:
    rows = [[s.get("number"), "\n".join(f"{label}: {items}" for label, items in needs[s.get("scene")])]
            for s in scenes if needs.get(s.get("scene"))]
    if rows:
        titled_table(pdf, "Scene needs", (14, 146), ["Sc", "Props, wardrobe, vehicles, stunts, SFX, background"], rows)


def _cast(pdf: _Sheet, calls: list[dict], contacts: dict | None, dood: dict, marks: set) -> None:
    if not calls:
        return
    # Column widths in mm of the 192 mm page width: a time column holds "*00:15 (+1)" in bold on one line.
    rows = [["" if c.get("cast_id") is None else c.get("cast_id"), mark(c.get("name"), f"cast:{c.get('cast_member')}" in marks),
             ", ".join(c.get("characters") or []), dood.get(c.get("cast_member"), "")]
            + _marked(c, ("pickup", "hair_makeup", "on_set"), marks, f"cast:{c.get('cast_member')}", clock)
            + [mark(c.get("notes"), f"cast:{c.get('cast_member')}:notes" in marks)] for c in calls]
    headings = ["#", "Cast", "Character", "DOOD", "Pickup", "H/MU", "On set", "Notes"]
    if contacts is None:
        titled_table(pdf, "Cast", (7, 30, 28, 14, 24, 24, 24, 41), headings, rows)
        return
    rows = [row + [contacts.get(c.get("cast_member"), "")] for row, c in zip(rows, calls)]
    titled_table(pdf, "Cast", (7, 24, 20, 14, 24, 24, 24, 20, 35), headings + ["Contact"], rows)


def _crew(pdf: _Sheet, calls: list[dict], contacts: dict | None, marks: set) -> None:
    """The crew calls, one table per department headed by the department's name (kept with its first row)."""
    from apps.callsheets.printing import crew_key

    if not calls:
        return
    departments: dict[str, list[dict]] = {}
    for call in calls:
        departments.setdefault(call.get("department") or "Crew", []).append(call)
    widths = (80, 70, 30) if contacts is None else (55, 45, 26, 54)
    tables = []
    for department, members in departments.items():
        rows = [[m.get("name"), m.get("role"), mark(clock(m.get("call")), f"crew:{crew_key(m)}" in marks)]
                + ([] if contacts is None else [contacts.get(m.get("user"), "")]) for m in members]
        tables.append(([department.upper(), "Role", "Call"] + ([] if contacts is None else ["Contact"]), rows))
    first_headings, first_rows = tables[0]
    section(pdf, "Crew", keep_mm=table_start_mm(pdf, widths, first_headings, first_rows))
    for headings, rows in tables:
        pdf.ln(1)
        draw_table(pdf, widths, headings, rows)
