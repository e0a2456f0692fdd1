"""The scene-by-scene diff between two screenplay texts (apps.scripts.diff), on small hand-written Fountain."""
from __future__ import annotations

from apps.scripts.diff import merged_order, scene_line_diff
from tests.scripts.diffing import script_diff

KITCHEN = """INT. KITCHEN - DAY

Mara slices bread. The radio plays an old song about the sea.

MARA
Did you lock the shed?
"""
STREET = """EXT. STREET - NIGHT

Rain. A bus pulls away, its windows fogged, one passenger asleep against the glass.
"""
ROOF = """EXT. ROOF - DAWN

Tom waits by the water tank, counting pigeons as they land one by one on the rail.
"""
BARN = """INT. BARN - NIGHT

Owls watch from the rafters.
"""
CELLAR = """INT. CELLAR - NIGHT

Jars of plums, row on row, and a single bulb that flickers when the boiler starts.
"""


def script(*scenes: str) -> str:
    return "Title: Test\nAuthor: Someone\n\n" + "\n".join(scenes)


def by_heading(result: dict) -> dict[str, dict]:
    return {scene["heading"]: scene for scene in result["scenes"]}


def test_the_same_text_has_only_unchanged_scenes():
    result = script_diff(script(KITCHEN, STREET), script(KITCHEN, STREET))

    assert [(s["status"], s["number"], s["from_index"], s["to_index"], s["lines"]) for s in result["scenes"]] == [
        ("unchanged", "1", 0, 0, []), ("unchanged", "2", 1, 1, [])]
    assert result["summary"] == {"added": 0, "removed": 0, "moved": 0, "changed": 0, "unchanged": 2}


def test_added_removed_moved_and_changed_scenes_with_their_line_diffs():
    old = script(KITCHEN, STREET, ROOF, CELLAR)
    new = script(CELLAR, KITCHEN.replace("Did you lock the shed?", "Did you feed the cat?"), BARN, STREET)

    result = script_diff(old, new)

    assert [(s["status"], s["heading"], s["from_index"], s["to_index"]) for s in result["scenes"]] == [
        ("moved", "INT. CELLAR - NIGHT", 3, 0),
        ("changed", "INT. KITCHEN - DAY", 0, 1),
        ("added", "INT. BARN - NIGHT", None, 2),
        ("unchanged", "EXT. STREET - NIGHT", 1, 3),
        ("removed", "EXT. ROOF - DAWN", 2, None),  # where it used to be: after STREET
    ]
    scenes = by_heading(result)
    assert scenes["INT. KITCHEN - DAY"]["lines"] == [
        "@@ -3,4 +3,4 @@", " Mara slices bread. The radio plays an old song about the sea.", " ", " MARA",
        "-Did you lock the shed?", "+Did you feed the cat?"]
    assert scenes["INT. BARN - NIGHT"]["lines"] == ["+INT. BARN - NIGHT", "+", "+Owls watch from the rafters."]
    assert scenes["EXT. ROOF - DAWN"]["lines"][0] == "-EXT. ROOF - DAWN" and all(line.startswith("-") for line in scenes["EXT. ROOF - DAWN"]["lines"])
    assert scenes["INT. CELLAR - NIGHT"]["lines"] == [] and scenes["INT. CELLAR - NIGHT"]["moved"] is True
    assert [s["number"] for s in result["scenes"]] == ["1", "2", "3", "4", "3"]  # a removed scene shows its old number
    assert result["summary"] == {"added": 1, "removed": 1, "moved": 1, "changed": 1, "unchanged": 1}


def test_a_scene_both_moved_and_changed_is_changed_and_says_it_moved():
    result = script_diff(script(KITCHEN, STREET, ROOF), script(ROOF.replace("pigeons", "crows"), KITCHEN, STREET))

    roof = by_heading(result)["EXT. ROOF - DAWN"]
    assert roof["status"] == "changed" and roof["moved"] is True
    assert "-Tom waits by the water tank, counting pigeons as they land one by one on the rail." in roof["lines"]


def test_a_changed_slugline_is_a_changed_scene_not_a_new_one():
    result = script_diff(script(KITCHEN, STREET), script(KITCHEN, STREET.replace("NIGHT", "DAY")))

    assert [s["status"] for s in result["scenes"]] == ["unchanged", "changed"]
    assert result["scenes"][1]["lines"][1:3] == ["-EXT. STREET - NIGHT", "+EXT. STREET - DAY"]


def test_forced_scene_numbers_are_shown_and_do_not_count_as_a_change():
    old = script(KITCHEN, STREET)
    new = script(KITCHEN.replace("DAY", "DAY #12#"), STREET.replace("NIGHT", "NIGHT #12A#"))

    result = script_diff(old, new)

    assert [(s["status"], s["number"]) for s in result["scenes"]] == [("unchanged", "12"), ("unchanged", "12A")]


def test_from_an_empty_script_everything_is_added_and_to_one_everything_is_removed():
    added = script_diff("", script(KITCHEN, STREET))
    removed = script_diff(script(KITCHEN, STREET), "Title: Nothing left\n")

    assert [s["status"] for s in added["scenes"]] == ["added", "added"]
    assert [s["status"] for s in removed["scenes"]] == ["removed", "removed"]
    assert added["summary"]["added"] == 2 and removed["summary"]["removed"] == 2


def test_text_before_the_first_heading_belongs_to_no_scene():
    result = script_diff("FADE IN:\n\n" + KITCHEN, "COLD OPEN, NEW TEXT.\n\n" + KITCHEN)

    assert [s["status"] for s in result["scenes"]] == ["unchanged"]


def test_merged_order_puts_removed_scenes_after_the_scene_before_them():
    # old 0 1 2 3, new: old 3, old 0, new; old 1 and 2 are gone
    assert merged_order(4, 3, {0: 3, 1: 0}) == [(3, 0), (0, 1), (1, None), (2, None), (None, 2)]
    assert merged_order(2, 1, {0: 1}) == [(0, None), (1, 0)]


def test_scene_line_diff_has_no_file_headers():
    assert scene_line_diff(["a", "b"], ["a", "c"]) == ["@@ -1,2 +1,2 @@", " a", "-b", "+c"]


def test_a_writers_note_added_changes_its_scene_and_shows_in_the_line_diff():
    noted = STREET.replace("Rain.", "Rain.[[Real rain or a rain machine?]]")
    result = script_diff(script(KITCHEN, STREET), script(KITCHEN, noted))

    street = by_heading(result)["EXT. STREET - NIGHT"]
    assert (street["status"], by_heading(result)["INT. KITCHEN - DAY"]["status"]) == ("changed", "unchanged")
    assert [line for line in street["lines"] if line[:1] in "+-"] == [
        "-" + STREET.split("\n")[2], "+" + noted.split("\n")[2]]
