"""The machine catalogue: which provider × model × modality an order can run on, and each model's parameters.

The data is `machines.json` next to this module, read once and checked as a whole (`catalogue()`): a
catalogue that breaks a rule below stops the server at its first use with `CatalogueError` naming the
machine and the parameter, never half-loaded. Shape of one machine:

    {"id": "fal-flux-schnell", "provider": "fal" | "replicate", "model": "fal-ai/flux/schnell"
     (Replicate: "owner/name" or "owner/name:version"), "modality": "image" | "video" | "audio",
     "label": "FLUX.1 [schnell] (fal.ai)", "usd_per_item": 0.003 (estimate, US dollars),
     "fixed": {arguments always sent, e.g. "num_images": 1}, "parameters": {name: schema}}

A parameter's schema (`type` and what it allows; parameter names are the model's own, from its page
on fal.ai / Replicate):

- `string`: `max_length` (characters, default 2000), `required` (bool), `default`;
- `integer` / `number`: `minimum`, `maximum`, `default`;
- `enum`: `values` (a non-empty list of strings), `default` (one of them);
- `boolean`: `default`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from apps.core.errors import ApplicationError
from apps.generation.providers import PROVIDERS

CATALOGUE_PATH = Path(__file__).with_name("machines.json")
MODALITIES = ("image", "video", "audio")
TYPES = {"string": {"max_length", "required", "default"}, "integer": {"minimum", "maximum", "default"},
         "number": {"minimum", "maximum", "default"}, "enum": {"values", "default"}, "boolean": {"default"}}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
_MODEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*){1,3}(:[0-9a-f]{64})?$")


class CatalogueError(ValueError):
    """machines.json breaks a rule of the catalogue; the message names the machine and the parameter."""


@dataclass(frozen=True)
class Machine:
    """One entry of the catalogue (see the module's docstring for the fields); `parameters` keeps the file's order."""

    id: str
    provider: str
    model: str
    modality: str
    label: str
    usd_per_item: Decimal
    fixed: dict
    parameters: dict[str, dict]

    def as_dict(self) -> dict:
        """The REST shape, without `configured`: `{id, provider, model, modality, label, usd_per_item (float), parameters}`."""
        return {"id": self.id, "provider": self.provider, "model": self.model, "modality": self.modality, "label": self.label,
                "usd_per_item": float(self.usd_per_item), "parameters": self.parameters}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_parameter(where: str, schema: dict) -> None:
    """Raise `CatalogueError` when one parameter's schema breaks the rules of its type."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind not in TYPES:
        raise CatalogueError(f"{where}: type must be one of {', '.join(TYPES)}.")
    unknown = set(schema) - TYPES[kind] - {"type"}
    if unknown:
        raise CatalogueError(f"{where}: {', '.join(sorted(unknown))} is not a property of a {kind} parameter.")
    default = schema.get("default")
    if kind == "string":
        if not isinstance(schema.get("max_length", 2000), int) or not 1 <= schema.get("max_length", 2000) <= 10000:
            raise CatalogueError(f"{where}: max_length must be a whole number from 1 to 10000.")
        if default is not None and not isinstance(default, str):
            raise CatalogueError(f"{where}: the default must be text.")
    elif kind in ("integer", "number"):
        whole = kind == "integer"
        low, high = schema.get("minimum"), schema.get("maximum")
        for name, value in (("minimum", low), ("maximum", high), ("default", default)):
            if value is not None and (not _number(value) or (whole and not float(value).is_integer())):
                raise CatalogueError(f"{where}: {name} must be a {'whole ' if whole else ''}number.")
        if low is not None and high is not None and low > high:
            raise CatalogueError(f"{where}: minimum is above maximum.")
        if default is not None and ((low is not None and default < low) or (high is not None and default > high)):
            raise CatalogueError(f"{where}: the default is outside minimum..maximum.")
    elif kind == "enum":
        values = schema.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values) \
                or len(set(values)) != len(values):
            raise CatalogueError(f"{where}: values must be a non-empty list of distinct texts.")
        if default is not None and default not in values:
            raise CatalogueError(f"{where}: the default is not one of the values.")
    elif default is not None and not isinstance(default, bool):
        raise CatalogueError(f"{where}: the default must be true or false.")


def catalogue_parse(data) -> dict[str, Machine]:
    """Check the catalogue's JSON (`{"machines": [...]}`) and return its machines by id, in the file's order.

    Rules: unique ids (lower-case letters, digits, dashes), a known provider (apps.generation.providers.PROVIDERS),
    modality and parameter type, a model id like `owner/name[:64-hex version]`, a non-negative `usd_per_item`, a `prompt`
    parameter of type string on every machine, parameter names as the models spell them (lower-case, underscores),
    schemas as the module's docstring says, `fixed` arguments that are not also parameters. Raises `CatalogueError`.
    """
    machines = data.get("machines") if isinstance(data, dict) else None
    if not isinstance(machines, list) or not machines:
        raise CatalogueError('The catalogue must be {"machines": [...]} with at least one machine.')
    found: dict[str, Machine] = {}
    for number, entry in enumerate(machines, 1):
        if not isinstance(entry, dict):
            raise CatalogueError(f"Machine {number} is not an object.")
        ident = entry.get("id")
        where = f"Machine {ident!r}" if isinstance(ident, str) else f"Machine {number}"
        if not isinstance(ident, str) or not _ID.match(ident) or ident in found:
            raise CatalogueError(f"{where}: the id must be unique, lower-case letters, digits and dashes.")
        if entry.get("provider") not in PROVIDERS:
            raise CatalogueError(f"{where}: provider must be one of {', '.join(PROVIDERS)}.")
        if entry.get("modality") not in MODALITIES:
            raise CatalogueError(f"{where}: modality must be one of {', '.join(MODALITIES)}.")
        model = entry.get("model")
        if not isinstance(model, str) or not _MODEL.match(model) or ".." in model:
            raise CatalogueError(f"{where}: model must be a model id like fal-ai/flux/schnell or owner/name[:version].")
        label, price, fixed = entry.get("label"), entry.get("usd_per_item"), entry.get("fixed", {})
        if not isinstance(label, str) or not label.strip():
            raise CatalogueError(f"{where}: label must be a text.")
        if not _number(price) or price < 0:
            raise CatalogueError(f"{where}: usd_per_item must be a number of dollars, 0 or more.")
        parameters = entry.get("parameters")
        if not isinstance(parameters, dict) or not isinstance(fixed, dict):
            raise CatalogueError(f"{where}: parameters and fixed must be objects.")
        for name, schema in parameters.items():
            if not _NAME.match(name):
                raise CatalogueError(f"{where}, parameter {name!r}: names are lower-case letters, digits and underscores.")
            _check_parameter(f"{where}, parameter {name!r}", schema)
        if parameters.get("prompt", {}).get("type") != "string":
            raise CatalogueError(f"{where}: every machine takes a string parameter named prompt.")
        if set(fixed) & set(parameters):
            raise CatalogueError(f"{where}: {', '.join(sorted(set(fixed) & set(parameters)))} is both fixed and a parameter.")
        found[ident] = Machine(id=ident, provider=entry["provider"], model=model, modality=entry["modality"], label=label.strip(),
                               usd_per_item=Decimal(str(price)), fixed=dict(fixed), parameters=dict(parameters))
    return found


@cache
def catalogue() -> dict[str, Machine]:
    """Every machine by id, read from machines.json once per process and checked (`catalogue_parse`; `CatalogueError`)."""
    return catalogue_parse(json.loads(CATALOGUE_PATH.read_text(encoding="utf-8")))


def machine_get(machine_id) -> Machine:
    """The machine called `machine_id`; `ApplicationError` 400 `invalid` (`extra.field` "machine") for an unknown one."""
    machine = catalogue().get(machine_id) if isinstance(machine_id, str) else None
    if machine is None:
        message = f"{str(machine_id)[:100]!r} is not a machine of this server's catalogue: use one of {', '.join(catalogue())}."
        raise ApplicationError(message, code="invalid", extra={"field": "machine", "fields": {"machine": [message]}})
    return machine
