"""Day out of days (DOOD) for cast: what each cast member does on each shoot day, for the schedule and payroll.

Codes (the usual DOOD legend): SW start work, W work, H hold (on the payroll between work days,
not working), WF work finish, SWF start-work-finish (a single day), WD work then drop, PW pickup
then work, D dropped (off the payroll), "" not engaged. Drop and pickup follow SAG-AFTRA's
consecutive-employment rule: a performer is paid from their first work day to their last unless
given a pick-up date more than 10 calendar days after the close of their initial employment (14
outside the USA), and only one such break is allowed per production
(https://www.sagaftra.org/consecutive-employment-4). The number of days is
`settings.SLATE_DOOD_DROP_AFTER_DAYS` (default 10).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict

from django.conf import settings

from apps.callsheets.calltimes import call_time_text

LEGEND = {
    "SW": "Start work",
    "W": "Work",
    "H": "Hold",
    "WF": "Work finish",
    "SWF": "Start work finish",
    "WD": "Work drop",
    "PW": "Pickup work",
    "D": "Dropped (not paid)",
}
WORK_CODES = frozenset({"SW", "W", "WF", "SWF", "WD", "PW"})


def dood_codes(dates: list[dt.date], worked: list[bool], *, drop_after_days: int) -> list[str]:
    """The DOOD code of each shoot day for one cast member; `dates[i]` and `worked[i]` describe day i (in day order).

    Days before the first and after the last work day are "". Between them, non-work days are
    "H" — unless the gap between two consecutive work days is more than `drop_after_days`
    calendar days (pickup date minus drop date), in which case the actor is dropped: the work day
    before the gap is "WD", the days in it "D", the day after it "PW". Only the first such gap is
    a drop (the rule allows one break per production); start and finish keep "SW"/"WF".
    """
    codes = [""] * len(worked)
    idx = [i for i, w in enumerate(worked) if w]
    if not idx:
        return codes
    first, last = idx[0], idx[-1]
    if first == last:
        codes[first] = "SWF"
        return codes
    for i in range(first, last + 1):
        codes[i] = "W" if worked[i] else "H"
    codes[first], codes[last] = "SW", "WF"
    for a, b in zip(idx, idx[1:]):
        if (dates[b] - dates[a]).days > drop_after_days:
            for i in range(a + 1, b):
                codes[i] = "D"
            if a != first:
                codes[a] = "WD"
            if b != last:
                codes[b] = "PW"
            break
    return codes


def production_dood(*, production_id: int) -> dict:
    """The production's DOOD: `{"days": [{id, number, date, crew_call, wrap}], "cast": [...], "legend": {code: meaning}}`.

    A day's `crew_call` and estimated `wrap` come from its call sheet (null without one) as call times of the API
    ("HH:MM", HH up to 47: a night shoot's wrap "33:00" is 09:00 the next morning, still the same shoot day).

    One row per cast member (cast id order, then name): `{cast_member, cast_id, name, characters
    (names), codes (one per day, aligned with "days"), work_days, hold_days, drop_days, start_date,
    finish_date}` (ISO dates or null). A cast member works on a day when a character they play
    speaks in one of the day's scene strips. Five queries whatever the size.
    """
    from apps.breakdown.models import CastMember, Character
    from apps.callsheets.models import ShootDay, Strip, StripKind

    days = list(ShootDay.objects.filter(production_id=production_id).order_by("date", "id")
                .values("id", "number", "date", "call_sheet__crew_call", "call_sheet__wrap"))
    day_index = {d["id"]: i for i, d in enumerate(days)}
    scene_days: dict[int, set[int]] = defaultdict(set)
    for day_id, scene_id in Strip.objects.filter(production_id=production_id, kind=StripKind.SCENE).values_list("shoot_day_id", "scene_id"):
        scene_days[scene_id].add(day_index[day_id])
    worked: dict[int, set[int]] = defaultdict(set)
    for cast_member_id, scene_id in Character.objects.filter(production_id=production_id, cast_member__isnull=False,
                                                             scenes__isnull=False).values_list("cast_member_id", "scenes"):
        worked[cast_member_id] |= scene_days.get(scene_id, set())
    cast = sorted(CastMember.objects.filter(production_id=production_id).prefetch_related("characters"),
                  key=lambda c: (c.cast_id is None, c.cast_id or 0, c.name.lower(), c.pk))
    dates = [d["date"] for d in days]
    drop_after = settings.SLATE_DOOD_DROP_AFTER_DAYS
    rows = []
    for member in cast:
        codes = dood_codes(dates, [i in worked[member.pk] for i in range(len(days))], drop_after_days=drop_after)
        work = [i for i, c in enumerate(codes) if c in WORK_CODES]
        rows.append({
            "cast_member": member.pk,
            "cast_id": member.cast_id,
            "name": member.name,
            "characters": [c.name for c in member.characters.all()],
            "codes": codes,
            "work_days": len(work),
            "hold_days": codes.count("H"),
            "drop_days": codes.count("D"),
            "start_date": dates[work[0]].isoformat() if work else None,
            "finish_date": dates[work[-1]].isoformat() if work else None,
        })
    return {"days": [{"id": d["id"], "number": d["number"], "date": d["date"].isoformat(), "crew_call": call_time_text(d["call_sheet__crew_call"]),
                      "wrap": call_time_text(d["call_sheet__wrap"])} for d in days],
            "cast": rows, "legend": dict(LEGEND)}


def dood_csv(dood: dict) -> str:
    """The DOOD as CSV text (RFC 4180, `csv` module): a header row, then one row per cast member.

    Columns: Cast ID, Cast, Characters (joined by " / "), one column per shoot day headed
    "Day N YYYY-MM-DD" holding its code, then Work, Hold, Drop, Start, Finish.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Cast ID", "Cast", "Characters", *[f"Day {d['number']} {d['date']}" for d in dood["days"]],
                     "Work", "Hold", "Drop", "Start", "Finish"])
    for row in dood["cast"]:
        writer.writerow(["" if row["cast_id"] is None else row["cast_id"], row["name"], " / ".join(row["characters"]), *row["codes"],
                         row["work_days"], row["hold_days"], row["drop_days"], row["start_date"] or "", row["finish_date"] or ""])
    return out.getvalue()
