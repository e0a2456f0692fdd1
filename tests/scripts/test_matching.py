"""Scene matching and numbering between screenplay versions (apps.scripts.matching), on small hand-written Fountain."""
from __future__ import annotations

import pytest

from apps.scripts import matching, sequence
from apps.scripts.fountain import ParsedScene, SceneHeading

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

TOM
Eleven. Twelve.
"""


def match(old_text: str, new_text: str) -> dict[int, int]:
    _, old = matching.read_scenes(old_text)
    _, new = matching.read_scenes(new_text)
    return matching.match_scenes(matching.candidates(old, numbers=matching.scene_numbers([s.parsed for s in old])),
                                 matching.candidates(new, default_numbers=matching.scene_numbers([s.parsed for s in new])))


def script(*scenes: str) -> str:
    return "Title: Test\n\n" + "\n".join(scenes)


def test_read_scenes_cuts_the_text_at_each_heading_and_drops_forced_numbers():
    _, scenes = matching.read_scenes("Title: T\n\nFADE IN:\n\n" + KITCHEN.replace("DAY", "DAY #7#") + "\n" + STREET)

    assert [s.key for s in scenes] == ["INT|KITCHEN|DAY", "EXT|STREET|NIGHT"]
    assert scenes[0].text == KITCHEN.strip()  # heading without "#7#", no FADE IN: (before the first heading)
    assert scenes[0].parsed.number == "7"
    assert scenes[1].lines == STREET.strip().split("\n")
    assert scenes[0].words[:3] == ("Mara", "slices", "bread.")


def test_read_scenes_accepts_crlf_and_a_bom():
    _, plain = matching.read_scenes(script(KITCHEN, STREET))
    _, windows = matching.read_scenes("\ufeff" + script(KITCHEN, STREET).replace("\n", "\r\n"))

    assert [s.text for s in windows] == [s.text for s in plain]


def test_identical_scripts_pair_every_scene_in_order():
    assert match(script(KITCHEN, STREET, ROOF), script(KITCHEN, STREET, ROOF)) == {0: 0, 1: 1, 2: 2}


def test_a_moved_scene_is_paired_and_marked_moved():
    pairs = match(script(KITCHEN, STREET, ROOF), script(ROOF, KITCHEN, STREET))

    assert pairs == {0: 2, 1: 0, 2: 1}
    assert matching.moved(pairs) == {0}


def test_an_inserted_scene_is_new_and_the_others_keep_their_partners():
    new_scene = "INT. BARN - NIGHT\n\nOwls.\n"

    assert match(script(KITCHEN, STREET), script(KITCHEN, new_scene, STREET)) == {0: 0, 2: 1}


def test_a_rewritten_scene_with_the_same_slugline_is_paired_when_similar_enough():
    edited = KITCHEN.replace("an old song about the sea", "the news")

    assert match(script(KITCHEN, STREET), script(edited, STREET)) == {0: 0, 1: 1}


def test_a_changed_slugline_with_the_same_action_is_still_the_same_scene():
    night = STREET.replace("EXT. STREET - NIGHT", "EXT. STREET - DAY")

    assert match(script(KITCHEN, STREET), script(KITCHEN, night)) == {0: 0, 1: 1}


def test_a_scene_rewritten_from_scratch_under_another_slugline_is_a_new_scene():
    other = "EXT. FIELD - DAY\n\nCows. Nothing but cows, as far as anyone can see.\n"

    assert match(script(KITCHEN, STREET), script(KITCHEN, other)) == {0: 0}


def test_same_slugline_but_unrelated_text_is_not_paired():
    rewritten = "INT. KITCHEN - DAY\n\nA dog barks at the fridge until the light goes out.\n"

    assert match(script(KITCHEN), script(rewritten)) == {}


def test_the_ratio_of_two_scene_bodies_is_the_share_of_words_in_common():
    assert sequence.ratio(tuple("a b c d".split()), tuple("a b c d".split()))[0] == 1.0
    assert sequence.ratio((), ())[0] == 1.0
    assert sequence.ratio(tuple("a b c d".split()), tuple("a b x y".split()))[0] == 0.5 == matching.SAME_SLUGLINE_MIN_RATIO


def test_half_the_words_kept_under_the_same_slugline_is_still_the_same_scene():
    old = "INT. HALL - DAY\n\none two three four five six\n"
    new = "INT. HALL - DAY\n\none two three seven eight nine\n"

    assert match(script(old), script(new)) == {0: 0}


def test_forced_scene_numbers_pair_first_even_when_the_text_changed_completely():
    old = script(KITCHEN.replace("DAY", "DAY #12#"), STREET)
    new = script("INT. KITCHEN - NIGHT #12#\n\nSomething else entirely happens here now.\n", STREET)

    assert match(old, new) == {0: 0, 1: 1}


def test_repeated_identical_scenes_pair_in_script_order():
    car = "INT. CAR - NIGHT\n\nThey drive.\n"

    assert match(script(car, KITCHEN, car), script(car, KITCHEN, car)) == {0: 0, 1: 1, 2: 2}
    assert match(script(car, KITCHEN, car), script(car, STREET, KITCHEN, car)) == {0: 0, 2: 1, 3: 2}


def test_a_scene_made_by_hand_is_adopted_by_the_new_scene_of_its_number():
    _, new = matching.read_scenes(script(KITCHEN, STREET))
    old = [matching.Candidate(number="2", key="INT|OFFICE|DAY", text=None)]

    pairs = matching.match_scenes(old, matching.candidates(new, default_numbers=["1", "2"]))

    assert pairs == {1: 0}


# --- numbering ------------------------------------------------------------------------------------

def parsed(*numbers: str | None) -> list[ParsedScene]:
    return [ParsedScene(number=n, heading="INT. X - DAY", slugline=SceneHeading("INT", "X", "DAY"), elements=[], page_eighths=8,
                        characters=[], synopsis="", line=0) for n in numbers]


def test_scene_numbers_count_on_from_forced_numbers_and_avoid_taken_ones():
    assert matching.scene_numbers(parsed(None, None, "7", None, "7")) == ["1", "2", "7", "8", "7A"]
    assert matching.scene_numbers(parsed(None, None, None), taken={"2"}) == ["1", "2A", "3"]


@pytest.mark.parametrize("previous, taken, expected", [
    ("3", set(), "3A"),
    ("3A", set(), "3B"),
    ("3", {"3A"}, "3B"),
    ("3Z", set(), "3ZA"),
    ("A1", set(), "A1A"),
])
def test_a_scene_inserted_into_a_locked_script_takes_the_next_letter(previous, taken, expected):
    assert matching.number_after(previous, taken | {previous}) == expected


def test_a_scene_inserted_before_the_first_of_a_locked_script_is_a1_then_b1():
    assert matching.number_before("1", {"1"}) == "A1"
    assert matching.number_before("1", {"1", "A1"}) == "B1"


def test_locked_numbering_keeps_every_old_number_and_letters_the_new_scenes():
    # old scenes 1, 2, 3; new order: [new], 1, [new], [new], 3, 2
    numbers, moves = matching.plan_numbers(parsed=parsed(*[None] * 6), pairs={1: 0, 4: 2, 5: 1}, old_numbers=["1", "2", "3"],
                                           locked=True, fixed={"9"}, dropped=[])

    assert numbers == ["A1", "1", "1A", "1B", "3", "2"]
    assert moves == {}


def test_locked_numbering_keeps_a_forced_number_when_it_is_free():
    numbers, _ = matching.plan_numbers(parsed=parsed(None, "20", "1"), pairs={0: 0}, old_numbers=["1"], locked=True, fixed=set(), dropped=[])

    assert numbers == ["1", "20", "20A"]


def test_unlocked_numbering_renumbers_in_order_and_moves_a_dropped_scene_aside():
    numbers, moves = matching.plan_numbers(parsed=parsed(None, None), pairs={0: 0, 1: 2}, old_numbers=["1", "2", "3"],
                                           locked=False, fixed={"7"}, dropped=[1])

    assert numbers == ["1", "2"]
    assert moves == {1: "X2"}


def test_unlocked_numbering_leaves_a_dropped_scene_alone_when_its_number_is_not_needed():
    numbers, moves = matching.plan_numbers(parsed=parsed(None), pairs={0: 0}, old_numbers=["1", "2"], locked=False, fixed=set(), dropped=[1])

    assert numbers == ["1"] and moves == {}
