"""The daily reports (apps.callsheets.reports) as files: CSV (RFC 4180, the `csv` module) and PDF (fpdf2, with the call
sheet's page furniture from apps.callsheets.pdf).

- The script supervisor's report: one line per take in the order rolled, wild tracks after the takes.
- The production report: the day beside previously and to date (scenes completed, pages, setups, takes,
  minutes), then the day's own counts, the scenes and the rolls.

A CSV cell that a spreadsheet would read as a formula (it begins with =, +, -, @, a tab or a carriage return)
is written with a leading apostrophe (OWASP, "CSV Injection"): notes are typed by anyone on the crew.
"""
from __future__ import annotations

import csv
import io

from apps.callsheets.changes import eighths_text
from apps.callsheets.pdf import document, draw_table, long_date, section

SOUND = {"sync": "Sync", "mos": "MOS", "wild_track": "Wild track"}
TAKE_COLUMNS = ["Scene", "Shot", "Take", "Rolled", "Sound", "Camera rolls", "Lens", "Sound roll", "TC in", "TC out", "TC rate",
                "Duration (s)", "Circled", "NG", "Notes"]


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(writer, rows) -> None:
    for row in rows:
        writer.writerow([_cell(v) for v in row])


def _minutes_text(seconds: float) -> str:
    """Seconds as minutes and seconds of screen time: 754.2 → "12:34"."""
    whole = round(seconds or 0)
    return f"{whole // 60}:{whole % 60:02d}"


def _take_cells(take: dict) -> list:
    return [take["scene_number"], take["shot_number"], take["number"], take["recorded_at"][11:16], SOUND.get(take["sound"], take["sound"]),
            take["camera_rolls"], take["lens"], take["sound_roll"], take["timecode_in"], take["timecode_out"], take["timecode_rate"],
            "" if take["duration_s"] is None else f"{take['duration_s']:.3f}", "yes" if take["circled"] else "",
            "yes" if take["no_good"] else "", take["notes"]]


def script_report_csv(report: dict) -> str:
    """The script supervisor's report as CSV: a header row (TAKE_COLUMNS), then one row per take and wild track.

    "Rolled" is the local time HH:MM; "Duration (s)" seconds to the millisecond (blank without both timecodes);
    "Circled" and "NG" are "yes" or blank.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TAKE_COLUMNS)
    _rows(writer, [_take_cells(t) for t in report["takes"] + report["wild_tracks"]])
    return out.getvalue()


def _summary_rows(report: dict) -> list[list]:
    today, before, total = report["totals"], report["previously"], report["to_date"]
    return [
        ["Scenes completed", today["scenes_completed"], before["scenes_completed"], total["scenes_completed"]],
        ["Page eighths", today["page_eighths"], before["page_eighths"], total["page_eighths"]],
        ["Pages", eighths_text(today["page_eighths"]), eighths_text(before["page_eighths"]), eighths_text(total["page_eighths"])],
        ["Setups", today["setups"], before["setups"], total["setups"]],
        ["Takes", today["takes"], before["takes"], total["takes"]],
        ["Minutes", f"{today['minutes']:.2f}", f"{before['minutes']:.2f}", f"{total['minutes']:.2f}"],
    ]


def _day_rows(report: dict) -> list[list]:
    today = report["totals"]
    return [
        ["Scheduled scenes", today["scheduled_scenes"]],
        ["Scheduled pages", eighths_text(today["scheduled_eighths"])],
        ["Scenes worked", today["scenes_worked"]],
        ["Completed scenes", ", ".join(today["completed_scenes"])],
        ["Part scenes", ", ".join(today["part_scenes"])],
        ["Circled takes", today["circled"]],
        ["NG takes", today["no_good"]],
        ["MOS takes", today["mos"]],
        ["Wild tracks", today["wild_tracks"]],
        ["Takes without timecode", today["untimed_takes"]],
        ["Camera rolls", " ".join(report["camera_rolls"])],
        ["Sound rolls", " ".join(report["sound_rolls"])],
        ["Notes", report["shoot_day"]["notes"]],
    ]


def production_report_csv(report: dict) -> str:
    """The production report as CSV: header "Item, Today, Previously, To date", the six running totals (scenes
    completed, page eighths, pages as "1 3/8", setups, takes, minutes to the hundredth), then the day's own items
    (scheduled scenes and pages, scenes worked, completed and part scenes, circled, NG, MOS, wild tracks, takes
    without timecode, camera and sound rolls, notes) with only "Today" filled."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Item", "Today", "Previously", "To date"])
    _rows(writer, _summary_rows(report))
    _rows(writer, [[item, value, "", ""] for item, value in _day_rows(report)])
    return out.getvalue()


def _heading(report: dict, what: str) -> tuple[str, str]:
    day = report["shoot_day"]
    production = report["production"]["title"]
    line = f"Day {day['number']} of {day['day_count']} - {long_date(day['date'])} - {day['unit']}"
    return f"{production}: {what}, {line}", f"{production} - {what} - Day {day['number']}"


def _title_block(pdf, report: dict, what: str) -> None:
    day = report["shoot_day"]
    pdf.set_font(pdf.family, "B", 14)
    pdf.cell(0, 7, pdf.t(f"{report['production']['title']} - {what}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    pdf.cell(0, 5, pdf.t(f"Day {day['number']} of {day['day_count']}  -  {long_date(day['date'])}  -  {day['unit']}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, pdf.t(f"From {report['window']['start'][11:16]} (call) to {report['window']['end'][:16].replace('T', ' ')}"),
             new_x="LMARGIN", new_y="NEXT")


def script_report_pdf(report: dict) -> bytes:
    """The script supervisor's report as PDF bytes (US Letter landscape): the day's heading, the takes, the wild
    tracks, and the day's totals (takes, circled, setups, minutes)."""
    title, footer = _heading(report, "Script supervisor's report")
    pdf = document(title=title, footer=footer, orientation="landscape")
    _title_block(pdf, report, "Script supervisor's daily report")
    widths = (7, 7, 7, 9, 10, 14, 14, 10, 16, 16, 8, 9, 8, 6, 40)
    headings = ["Sc", "Shot", "Take", "Rolled", "Sound", "Cam rolls", "Lens", "Sound roll", "TC in", "TC out", "Rate", "Dur (s)", "Print", "NG", "Notes"]
    for label, rows in (("Takes", report["takes"]), ("Wild tracks", report["wild_tracks"])):
        section(pdf, label)
        if rows:
            draw_table(pdf, widths, headings, [_take_cells(t) for t in rows], font_size=7.5)
        else:
            pdf.set_font(pdf.family, "", 9)
            pdf.cell(0, 5, f"No {label.lower()} rolled.", new_x="LMARGIN", new_y="NEXT")
    today = report["totals"]
    section(pdf, "Totals")
    draw_table(pdf, (20, 20, 20, 20, 20, 20), ["Takes", "Circled", "NG", "Wild tracks", "Setups", "Minutes"],
               [[today["takes"], today["circled"], today["no_good"], today["wild_tracks"], today["setups"], _minutes_text(today["duration_s"])]])
    return bytes(pdf.output())


def production_report_pdf(report: dict) -> bytes:
    """The production report as PDF bytes (US Letter portrait): the day's heading, today / previously / to date,
    the day's counts, the scenes (scheduled and worked, completed or part) and the notes."""
    title, footer = _heading(report, "Production report")
    pdf = document(title=title, footer=footer)
    _title_block(pdf, report, "Daily production report")
    section(pdf, "Progress")
    rows = [row for row in _summary_rows(report) if row[0] not in ("Page eighths", "Minutes")]
    rows.append(["Minutes"] + [_minutes_text(report[key]["duration_s"]) for key in ("totals", "previously", "to_date")])
    draw_table(pdf, (40, 20, 20, 20), ["", "Today", "Previously", "To date"], rows)
    script = report["script"]
    pdf.set_font(pdf.family, "", 8)
    pdf.cell(0, 5, pdf.t(f"Script: {script['scenes']} scenes, {eighths_text(script['page_eighths'])} pages."), new_x="LMARGIN", new_y="NEXT")
    section(pdf, "The day")
    draw_table(pdf, (40, 80), ["", "Today"], [row for row in _day_rows(report) if row[0] != "Notes"])
    section(pdf, "Scenes")
    rows = [[s["number"], s["slugline"], eighths_text(s["page_eighths"]), "yes" if s["scheduled"] else "",
             "completed" if s["completed"] else ("part" if s["worked"] else "not shot"), s["setups"], s["takes"]] for s in report["scenes"]]
    draw_table(pdf, (10, 56, 12, 18, 18, 12, 12), ["Sc", "Set", "Pages", "Scheduled", "Shot", "Setups", "Takes"],
               rows or ["No scenes scheduled or shot."])
    if report["shoot_day"]["notes"]:
        section(pdf, "Notes")
        pdf.set_font(pdf.family, "", 9)
        pdf.multi_cell(0, 4.5, pdf.t(report["shoot_day"]["notes"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
