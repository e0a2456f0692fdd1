"""Day out of days: the codes (start, work, hold, finish, drop and pickup), the JSON and the CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from apps.callsheets.dood import dood_codes
from tests.callsheets.conftest import make_day, put
from tests.factories import CastMemberFactory, CharacterFactory, SceneFactory


def days(*offsets: int) -> list[dt.date]:
    return [dt.date(2026, 11, 2) + dt.timedelta(days=o) for o in offsets]


def test_a_single_work_day_is_start_work_finish():
    assert dood_codes(days(0, 1, 2), [False, True, False], drop_after_days=10) == ["", "SWF", ""]


def test_days_off_between_work_days_are_holds():
    assert dood_codes(days(0, 1, 2, 3, 4), [True, False, True, False, True], drop_after_days=10) == ["SW", "H", "W", "H", "WF"]


def test_a_gap_of_more_than_the_limit_is_a_drop_and_pickup():
    # Work days 1, 2, then 15 and 16: 13 calendar days between day 2 and day 15 (> 10).
    dates = days(0, 1, 5, 9, 14, 15)
    assert dood_codes(dates, [True, True, False, False, True, True], drop_after_days=10) == ["SW", "WD", "D", "D", "PW", "WF"]


def test_a_gap_of_exactly_the_limit_is_held():
    dates = days(0, 1, 5, 11, 12)  # 10 days from day 1 to day 11
    assert dood_codes(dates, [True, True, False, True, True], drop_after_days=10) == ["SW", "W", "H", "W", "WF"]


def test_only_one_drop_per_production_and_start_and_finish_keep_their_codes():
    dates = days(0, 5, 20, 25, 40)
    assert dood_codes(dates, [True, False, True, False, True], drop_after_days=10) == ["SW", "D", "PW", "H", "WF"]
    assert dood_codes(days(0, 5, 20), [True, False, True], drop_after_days=10) == ["SW", "D", "WF"]


@pytest.mark.django_db
def test_the_dood_of_a_hand_built_schedule(api, production, user, settings):
    settings.SLATE_DOOD_DROP_AFTER_DAYS = 10
    ana = CastMemberFactory(production=production, name="Ana Ruiz", cast_id=1)
    bob = CastMemberFactory(production=production, name="Bob Stone", cast_id=2)
    CastMemberFactory(production=production, name="Cy Unused", cast_id=3)
    the_days = [make_day(production, user, d) for d in ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-20", "2026-11-21")]
    ana_scenes = {0: "1", 2: "2", 3: "3", 4: "4"}
    bob_scenes = {1: "5"}
    for index, number in {**ana_scenes, **bob_scenes}.items():
        scene = SceneFactory(production=production, number=number)
        put(the_days[index], user, scene)
        CharacterFactory(production=production, name=f"PART {number}", cast_member=ana if number in ana_scenes.values() else bob,
                         scenes=[scene])

    data = api.get(f"/api/productions/{production.pk}/dood/").json()

    assert [d["number"] for d in data["days"]] == [1, 2, 3, 4, 5]
    rows = {r["name"]: r for r in data["cast"]}
    assert rows["Ana Ruiz"]["codes"] == ["SW", "H", "WD", "PW", "WF"]
    assert (rows["Ana Ruiz"]["work_days"], rows["Ana Ruiz"]["hold_days"], rows["Ana Ruiz"]["drop_days"]) == (4, 1, 0)
    assert (rows["Ana Ruiz"]["start_date"], rows["Ana Ruiz"]["finish_date"]) == ("2026-11-02", "2026-11-21")
    assert rows["Bob Stone"]["codes"] == ["", "SWF", "", "", ""]
    assert rows["Cy Unused"]["codes"] == [""] * 5 and rows["Cy Unused"]["start_date"] is None
    assert [r["cast_id"] for r in data["cast"]] == [1, 2, 3]
    assert data["legend"]["PW"] == "Pickup work"

    response = api.get(f"/api/productions/{production.pk}/dood.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["Cast ID", "Cast", "Characters", "Day 1 2026-11-02", "Day 2 2026-11-03", "Day 3 2026-11-04",
                        "Day 4 2026-11-20", "Day 5 2026-11-21", "Work", "Hold", "Drop", "Start", "Finish"]
    assert table[1] == ["1", "Ana Ruiz", "PART 1 / PART 2 / PART 3 / PART 4", "SW", "H", "WD", "PW", "WF", "4", "1", "0",
                        "2026-11-02", "2026-11-21"]
    assert len(table) == 4


@pytest.mark.django_db
def test_the_dood_is_for_members_only(api_for, outsider, production):
    assert api_for(outsider).get(f"/api/productions/{production.pk}/dood/").status_code == 404
    assert api_for(outsider).get(f"/api/productions/{production.pk}/dood.csv").status_code == 404


@pytest.mark.django_db
def test_a_production_id_past_the_databases_range_is_not_found(api):
    """Was a 500 (OverflowError from the database driver)."""
    huge = 2**64
    assert api.get(f"/api/productions/{huge}/dood/").status_code == 404
    assert api.get(f"/api/productions/{huge}/dood.csv").status_code == 404
