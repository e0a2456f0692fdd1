"""Storyboard prompt templates (apps.generation.storyboards.expansion): tokens, choices × seeds, and what is refused."""
from __future__ import annotations

import pytest

from apps.generation.storyboards.expansion import ExpansionError, OrderItem, expand, parse_seeds

VALUES = {"shot.type": "Close-up", "shot.lens_mm": "35", "shot.movement": "Handheld", "shot.description": "Maya hides the ledger",
          "scene.location": "LIBRARY", "scene.time_of_day": "NIGHT", "scene.int_ext": "INT.", "scene.slugline": "INT. LIBRARY - NIGHT"}


def run(template, *, style=None, seeds="1", max_items=24):
    return expand(template, values=VALUES, style=style, seeds=seeds, max_items=max_items)


def test_every_shot_and_scene_token_is_filled_in():
    [item] = run("{shot.type}, {shot.lens_mm}mm, {shot.movement}: {shot.description}. {scene.int_ext} {scene.location} "
                 "{scene.time_of_day} / {scene.slugline}")

    assert item == OrderItem(prompt="Close-up, 35mm, Handheld: Maya hides the ledger. INT. LIBRARY NIGHT / INT. LIBRARY - NIGHT",
                             seed=1, choices={})


def test_a_named_choice_times_a_seed_range_makes_every_combination_seeds_fastest():
    items = run("{shot.type} in {scene.location}, {style: noir|pastel}", seeds="1-3")

    assert [(i.prompt, i.seed, i.choices) for i in items] == [
        ("Close-up in LIBRARY, noir", 1, {"style": "noir"}),
        ("Close-up in LIBRARY, noir", 2, {"style": "noir"}),
        ("Close-up in LIBRARY, noir", 3, {"style": "noir"}),
        ("Close-up in LIBRARY, pastel", 1, {"style": "pastel"}),
        ("Close-up in LIBRARY, pastel", 2, {"style": "pastel"}),
        ("Close-up in LIBRARY, pastel", 3, {"style": "pastel"}),
    ]


def test_the_order_style_fills_style_and_is_itself_a_choice_when_it_holds_a_bar():
    assert [i.prompt for i in run("{scene.location}, {style}", style="charcoal sketch")] == ["LIBRARY, charcoal sketch"]
    assert [(i.prompt, i.choices) for i in run("{scene.location}, {style}", style="noir | pastel")] == [
        ("LIBRARY, noir", {"style": "noir"}), ("LIBRARY, pastel", {"style": "pastel"})]


def test_unnamed_groups_are_numbered_and_a_label_reused_later_repeats_its_choice():
    items = run("{dusk|dawn} light, {lens: 24mm|85mm}, shot on {lens}")

    assert [(i.prompt, i.choices) for i in items] == [
        ("dusk light, 24mm, shot on 24mm", {"choice1": "dusk", "lens": "24mm"}),
        ("dusk light, 85mm, shot on 85mm", {"choice1": "dusk", "lens": "85mm"}),
        ("dawn light, 24mm, shot on 24mm", {"choice1": "dawn", "lens": "24mm"}),
        ("dawn light, 85mm, shot on 85mm", {"choice1": "dawn", "lens": "85mm"}),
    ]


def test_doubled_braces_are_literal_and_empty_values_leave_no_stray_commas():
    values = VALUES | {"shot.lens_mm": "", "shot.description": ""}

    [item] = expand("{{storyboard}} {shot.type}, {shot.description}, {shot.lens_mm} lens", values=values, seeds="1", max_items=5)

    assert item.prompt == "{storyboard} Close-up, lens"


@pytest.mark.parametrize("text, seeds", [("1", [1]), ("1-3,7", [1, 2, 3, 7]), (" 5 , 2-2 9 ", [5, 2, 9]), ("0-1", [0, 1]),
                                         ("4294967295", [4294967295])])
def test_seed_lists_and_ranges_are_read_in_the_order_written(text, seeds):
    assert parse_seeds(text, max_count=24) == seeds


@pytest.mark.parametrize("text, message", [
    ("3-1", "Seed range '3-1' runs backwards; write 1-3."),
    ("a-b", "Seed 'a-b' is not a whole number or a range like 1-3."),
    ("1.5", "Seed '1.5' is not a whole number or a range like 1-3."),
    ("-2", "Seed '-2' is not a whole number or a range like 1-3."),
    ("1-1000000000", "1000000000 seeds is more than the 24 images one order may make."),
    ("4294967296", "Seed 4294967296 is too large; seeds go up to 4294967295."),
    ("1-3,2", "Seed 2 is listed twice."),
    ("", "Give at least one seed, e.g. 1 or 1-3,7."),
])
def test_bad_seed_lists_are_refused_with_the_reason(text, message):
    with pytest.raises(ExpansionError) as caught:
        run("{scene.location}", seeds=text)

    assert str(caught.value) == message
    assert caught.value.field == "seeds"


@pytest.mark.parametrize("template, message", [
    ("{shot.colour} frame", "Unknown token {shot.colour}"),
    ("{mood} frame", "Unknown token {mood}"),
    ("{} frame", "Unknown token {}"),
    ("{shot.type frame", "The '{' at character 1 is not closed"),
    ("frame }", "Unmatched '}' at character 7"),
    ("{a||b}", "The choice {a||b} has an empty option"),
    ("{x: a|b} {x: c|d}", "The choice name 'x' is used twice."),
    ("   ", "The template is empty."),
])
def test_bad_templates_are_refused_naming_the_problem(template, message):
    with pytest.raises(ExpansionError) as caught:
        run(template)

    assert str(caught.value).startswith(message)
    assert caught.value.field == "template"


def test_style_token_without_a_style_is_refused_on_the_style_field():
    with pytest.raises(ExpansionError) as caught:
        run("{scene.location}, {style}", style="")

    assert str(caught.value) == "The template uses {style} but the order has no style."
    assert caught.value.field == "style"


def test_an_order_over_the_image_limit_is_refused_before_it_is_spelled_out():
    # 5 groups of 2 = 32 combinations × 1 seed; and 3 × 10 seeds = 30
    with pytest.raises(ExpansionError, match="This order makes 32 images; one order may make at most 24."):
        run("{a|b} {c|d} {e|f} {g|h} {i|j}")
    with pytest.raises(ExpansionError, match="This order makes 30 images; one order may make at most 24."):
        run("{style: a|b|c}", seeds="1-10")
    assert len(run("{style: a|b|c}", seeds="1-8")) == 24


def test_an_overlong_prompt_is_refused():
    with pytest.raises(ExpansionError, match="The prompt is 2001 characters; keep it under 2000."):
        run("x" * 2001)
