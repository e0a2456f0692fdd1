"""The machine catalogue (apps/generation/orders/machines.json): it loads and holds real models with their real
parameter names; a catalogue that breaks a rule is refused whole, naming the machine and the parameter; the REST list
says which machines this server can run."""
from __future__ import annotations

import copy
import json

import pytest

from apps.generation.orders.machines import CATALOGUE_PATH, CatalogueError, catalogue, catalogue_parse

SHIPPED = json.loads(CATALOGUE_PATH.read_text())


def test_the_shipped_catalogue_loads_real_models_on_both_providers_and_a_video_model():
    machines = catalogue()

    assert {(m.provider, m.model) for m in machines.values()} >= {
        ("fal", "fal-ai/flux/schnell"), ("fal", "fal-ai/flux/dev"), ("replicate", "black-forest-labs/flux-schnell")}
    assert any(m.modality == "video" for m in machines.values())
    assert any(":" in m.model for m in machines.values() if m.provider == "replicate")  # a model version
    assert list(machines["fal-flux-schnell"].parameters) == ["prompt", "seed", "image_size", "num_inference_steps"]
    assert machines["replicate-flux-schnell"].parameters["aspect_ratio"]["default"] == "16:9"
    assert machines["fal-flux-schnell"].fixed == {"num_images": 1, "enable_safety_checker": True}


def broken(change) -> dict:
    data = copy.deepcopy(SHIPPED)
    change(data["machines"][0])
    return data


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update(provider="midjourney"), "Machine 'fal-flux-schnell': provider must be one of fal, replicate."),
    (lambda m: m.update(modality="smell"), "Machine 'fal-flux-schnell': modality must be one of image, video, audio."),
    (lambda m: m.update(model="../admin"), "Machine 'fal-flux-schnell': model must be a model id"),
    (lambda m: m.update(id="fal-flux-dev"), "Machine 'fal-flux-dev': the id must be unique"),
    (lambda m: m.update(usd_per_item=-1), "Machine 'fal-flux-schnell': usd_per_item must be a number of dollars"),
    (lambda m: m["parameters"].pop("prompt"), "Machine 'fal-flux-schnell': every machine takes a string parameter named prompt."),
    (lambda m: m["parameters"]["seed"].update(type="float"), "Machine 'fal-flux-schnell', parameter 'seed': type must be one of"),
    (lambda m: m["parameters"]["seed"].update(minimum=10, maximum=1), "parameter 'seed': minimum is above maximum."),
    (lambda m: m["parameters"]["num_inference_steps"].update(default=40), "parameter 'num_inference_steps': the default is outside"),
    (lambda m: m["parameters"]["num_inference_steps"].update(step=2), "parameter 'num_inference_steps': step is not a property"),
    (lambda m: m["parameters"]["image_size"].update(default="imax"), "parameter 'image_size': the default is not one of the values."),
    (lambda m: m["parameters"]["image_size"].update(values=[]), "parameter 'image_size': values must be a non-empty list"),
    (lambda m: m["parameters"].update({"Seed": {"type": "integer"}}), "parameter 'Seed': names are lower-case"),
    (lambda m: m["fixed"].update(seed=1), "Machine 'fal-flux-schnell': seed is both fixed and a parameter."),
])
def test_a_catalogue_breaking_a_rule_is_refused_naming_the_machine_and_parameter(change, message):
    with pytest.raises(CatalogueError) as caught:
        catalogue_parse(broken(change))

    assert str(caught.value).startswith(message) or message in str(caught.value)


def test_an_empty_catalogue_is_refused():
    with pytest.raises(CatalogueError):
        catalogue_parse({"machines": []})


def test_the_machine_list_says_which_machines_this_server_can_run(api, settings):
    settings.FAL_KEY, settings.REPLICATE_API_TOKEN = "a-key", ""

    response = api.get("/api/machines/")

    assert response.status_code == 200
    machines = {m["id"]: m for m in response.json()}
    assert list(machines) == list(catalogue())
    assert machines["fal-flux-schnell"] | {"parameters": None} == {
        "id": "fal-flux-schnell", "provider": "fal", "model": "fal-ai/flux/schnell", "modality": "image",
        "label": "FLUX.1 [schnell] (fal.ai)", "usd_per_item": 0.003, "configured": True, "variable": "FAL_KEY", "parameters": None}
    assert machines["replicate-sdxl"]["configured"] is False and machines["replicate-sdxl"]["variable"] == "REPLICATE_API_TOKEN"
    assert machines["fal-flux-dev"]["parameters"]["guidance_scale"] == {"type": "number", "minimum": 1, "maximum": 20, "default": 3.5}


def test_the_machine_list_needs_a_signed_in_user(client):
    assert client.get("/api/machines/").status_code in (401, 403)
