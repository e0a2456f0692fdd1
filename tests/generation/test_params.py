"""Parameter expansion of generation orders (apps.generation.orders.params): lists and ranges in any parameter multiply
into items in the order given, values are typed and checked against the machine's schema, the limit is checked before
anything is spelled out or stored; the preview endpoint's count and estimated cost."""
from __future__ import annotations

import json

import pytest

from apps.core.errors import ApplicationError
from apps.generation.orders.machines import catalogue
from apps.generation.orders.models import GenerationOrder
from apps.generation.orders.params import order_items
from apps.jobs.models import Job
from tests.generation.order_fixtures import *  # noqa: F401,F403 — fast_orders (autouse)
from tests.generation.order_fixtures import PREVIEW, place
from tests.generation.storyboard_fixtures import *  # noqa: F401,F403 — fal, media_root, shot, production, viewer


def items(machine: str, parameters: dict, *, values=None, max_items: int = 48) -> list[dict]:
    return order_items(catalogue()[machine], parameters, values=values or {}, max_items=max_items)


def refusal(machine: str, parameters: dict, **kwargs) -> tuple[str, str]:
    with pytest.raises(ApplicationError) as caught:
        items(machine, parameters, **kwargs)
    assert caught.value.status == 400 and caught.value.code == "invalid"
    return caught.value.extra["field"], caught.value.message


def test_ranges_and_lists_multiply_in_any_parameter_in_the_order_given_the_last_fastest():
    made = items("fal-flux-dev", {"prompt": "a {noir|pastel} hall", "guidance_scale": "3|5", "seed": "1-2"})

    assert [(i["prompt"], i["guidance_scale"], i["seed"]) for i in made] == [
        ("a noir hall", 3, 1), ("a noir hall", 3, 2), ("a noir hall", 5, 1), ("a noir hall", 5, 2),
        ("a pastel hall", 3, 1), ("a pastel hall", 3, 2), ("a pastel hall", 5, 1), ("a pastel hall", 5, 2)]
    assert made[0] == {"prompt": "a noir hall", "guidance_scale": 3, "seed": 1, "image_size": "landscape_16_9",
                       "num_inference_steps": 28}  # defaults filled for the parameters not given


@pytest.mark.parametrize("value, expected", [
    ("{seed: 1-4}", [1, 2, 3, 4]), ("{1|5|9}", [1, 5, 9]), ("1-3,7", [1, 2, 3, 7]), ([4, 2], [4, 2]), (7, [7]), ("12", [12]),
])
def test_a_whole_number_takes_the_choice_syntax_ranges_commas_and_json_lists(value, expected):
    assert [i["seed"] for i in items("fal-flux-schnell", {"prompt": "x", "seed": value})] == expected


def test_numbers_enums_and_booleans_are_typed_by_the_schema():
    made = items("replicate-flux-schnell", {"prompt": "x", "go_fast": "true|false", "aspect_ratio": ["1:1", "21:9"],
                                            "megapixels": "{0.25}"})
    dev = items("fal-flux-dev", {"prompt": "x", "guidance_scale": "{guidance_scale: 2.5|7}"})

    assert [(i["go_fast"], i["aspect_ratio"], i["megapixels"]) for i in made] == [
        (True, "1:1", "0.25"), (True, "21:9", "0.25"), (False, "1:1", "0.25"), (False, "21:9", "0.25")]
    assert [i["guidance_scale"] for i in dev] == [2.5, 7]


def test_shot_tokens_fill_text_parameters():
    made = items("replicate-sdxl", {"prompt": "{shot.type} in the {scene.location}", "negative_prompt": "{blur|grain}"},
                 values={"shot.type": "Close-up", "scene.location": "LIBRARY"})

    assert [(i["prompt"], i["negative_prompt"]) for i in made] == [("Close-up in the LIBRARY", "blur"), ("Close-up in the LIBRARY", "grain")]


@pytest.mark.parametrize("machine, parameters, field, message", [
    ("fal-flux-dev", {"prompt": "x", "guidance_scale": 25}, "guidance_scale",
     "guidance_scale: '25' is not allowed; guidance_scale is a number from 1 to 20."),
    ("fal-flux-schnell", {"prompt": "x", "num_inference_steps": "2|13"}, "num_inference_steps",
     "num_inference_steps: '13' is not allowed; num_inference_steps is a whole number from 1 to 12."),
    ("fal-flux-schnell", {"prompt": "x", "seed": "4-2"}, "seed", "seed: the range '4-2' runs backwards; write 2-4."),
    ("fal-flux-schnell", {"prompt": "x", "seed": "1.5"}, "seed",
     "seed: '1.5' is not allowed; seed is a whole number from 0 to 4294967295."),
    ("fal-flux-schnell", {"prompt": "x", "image_size": "imax"}, "image_size",
     "image_size: 'imax' is not allowed; image_size is one of square_hd, square, portrait_4_3, portrait_16_9, landscape_4_3, "
     "landscape_16_9."),
    ("replicate-flux-schnell", {"prompt": "x", "go_fast": "maybe"}, "go_fast", "go_fast: 'maybe' is not allowed; go_fast is true or false."),
    ("fal-flux-schnell", {"prompt": "x", "strength": 1}, "strength",
     "'strength' is not a parameter of FLUX.1 [schnell] (fal.ai): it takes prompt, seed, image_size, num_inference_steps."),
    ("fal-flux-schnell", {"seed": 1}, "prompt", "prompt is required by FLUX.1 [schnell] (fal.ai)."),
    ("fal-flux-schnell", {"prompt": "{dusk|}"}, "prompt",
     "prompt: The choice {dusk|} has an empty option; write each option between the | signs."),
    ("fal-flux-schnell", {"prompt": "{shot.colour}"}, "prompt", None),
    ("fal-flux-schnell", {"prompt": "x" * 2001}, "prompt", "prompt: The text is 2001 characters; keep it under 2000."),
    ("fal-flux-schnell", {"prompt": "x", "seed": "1||2"}, "seed", None),
])
def test_a_value_outside_the_schema_is_refused_naming_the_parameter(machine, parameters, field, message):
    named, said = refusal(machine, parameters)

    assert named == field
    if message is not None:
        assert said == message


def test_the_limit_refuses_before_anything_is_spelled_out():
    assert refusal("fal-flux-schnell", {"prompt": "{a|b|c}", "seed": "1-20"}) == (
        "parameters", "This order makes 60 items; one order may make at most 48 (SLATE_GENERATION_MAX_ITEMS).")
    assert refusal("fal-flux-schnell", {"prompt": "x", "seed": "0-4294967295"})[1] == (
        "seed lists 4294967296 values; one order may make at most 48 items.")
    assert len(items("fal-flux-schnell", {"prompt": "x", "seed": "1-48"})) == 48


def test_preview_counts_the_items_and_estimates_the_cost_without_storing_or_sending(api, production, fal, settings):
    settings.FAL_KEY = ""

    response = api.post(PREVIEW, {"production": production.pk, "machine": "fal-flux-dev",
                                  "parameters": {"prompt": "{a|b}", "seed": "1-3"}}, format="json")

    assert response.status_code == 200
    assert response.json()["count"] == 6
    assert response.json()["estimated_cost_usd"] == pytest.approx(0.15)
    assert response.json()["items"][1] == {"index": 2, "parameters": {"prompt": "a", "seed": 2, "image_size": "landscape_16_9",
                                                                     "num_inference_steps": 28, "guidance_scale": 3.5}}
    assert not GenerationOrder.objects.exists() and fal.requests == []


def test_an_order_over_the_limit_is_refused_before_anything_is_stored(api, production, fal, settings):
    settings.SLATE_GENERATION_MAX_ITEMS = 4

    response = place(api, production, "fal-flux-schnell", {"prompt": "{a|b|c}", "seed": "1-2"})

    assert response.status_code == 400
    assert response.json()["extra"]["field"] == "parameters"
    assert response.json()["message"] == "This order makes 6 items; one order may make at most 4 (SLATE_GENERATION_MAX_ITEMS)."
    assert not GenerationOrder.objects.exists() and not Job.objects.exists() and fal.requests == []
    assert place(api, production, "fal-flux-schnell", {"prompt": "{a|b}", "seed": "1-2"}).json()["item_count"] == 4


@pytest.mark.parametrize("body", [
    {"machine": "fal-flux-schnell", "parameters": {}},
    {"machine": "fal-flux-schnell", "parameters": "prompt"},
    {"machine": ["fal-flux-schnell"], "parameters": {"prompt": "x"}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": {"nested": 1}}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "x", "seed": None}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "x", "seed": [[1]]}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "x", "seed": 1e300}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "x", "seed": "9" * 400}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "x", "seed": "1-" + "9" * 30}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "a\x00b"}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "a \ud800 b"}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "x", "\ud800": 1}},
    {"machine": "fal-flux-schnell", "parameters": {"prompt": "{\ud800|b}"}},
    {"machine": "\ud800", "parameters": {"prompt": "x"}},
])
def test_malformed_bodies_answer_400(api, production, fal, body):
    raw = json.dumps({"production": production.pk, **body})  # ASCII escapes: lone surrogates reach the server as sent
    response = api.post(PREVIEW, raw, content_type="application/json")

    assert response.status_code == 400, response.json()
    assert api.post(PREVIEW, {"machine": "fal-flux-schnell", "parameters": {"prompt": "x"}}, format="json").status_code == 400
