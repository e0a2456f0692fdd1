"""Parameter expansion of a generation order: any parameter may list choices or ranges, and every list multiplies.

Input: the order's `parameters` as submitted, `{name: value}`, each value a JSON string, number, boolean or a list
of those. Text parameters (type string) use the storyboard template syntax (apps.generation.storyboards.expansion:
`{shot.type}` and the other shot tokens, `{dusk|dawn}`, `{look: noir|pastel}`): each variant of the text is one
option. Any other parameter's value lists its options in the same choice syntax — `"3|5|7"`, `"{3|5|7}"`,
`"{guidance_scale: 3|5|7}"` — or as a JSON list `[3, 5, 7]`; a whole-number parameter also takes ranges and commas,
`"1-4"`, `"{seed: 1-4}"`, `"1-3,7"`. Options are read by the parameter's type from the machine's schema
(apps.generation.orders.machines).

The items are the cartesian product of every parameter's options, in the order the parameters were submitted, the
last varying fastest: `{"prompt": "{noir|pastel}", "seed": "1-3"}` → noir 1, noir 2, noir 3, pastel 1, pastel 2,
pastel 3. Each item holds every parameter of the machine: the concrete values, then the schema's defaults for those
not given. The count is checked against the order limit (SLATE_GENERATION_MAX_ITEMS) before any item is spelled out.

Every refusal is `ApplicationError` 400 `invalid` with `extra.field` the parameter's name (and
`extra.fields = {name: [message]}`, as the storyboard endpoints answer), its message naming the parameter and what it allows.
"""
from __future__ import annotations

import itertools
import math
import re

from apps.core.errors import ApplicationError
from apps.generation.orders.machines import Machine
from apps.generation.storyboards.expansion import ExpansionError, expand_text, value_options

_RANGE = re.compile(r"^(\d{1,19})\s*-\s*(\d{1,19})$")
_INTEGER = re.compile(r"^[+-]?\d{1,19}$")
_NUMBER = re.compile(r"^[+-]?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})([eE][+-]?\d{1,3})?$")
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
MAX_OPTIONS = 10_000  # options one parameter may list before the order limit is even looked at


def _printable(text: str) -> str:
    """`text` with lone surrogates spelled as escapes, so the answer can be encoded as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def invalid(field: str, message: str) -> ApplicationError:
    """The 400 `invalid` answer naming `field` (`extra.field`, and `extra.fields = {field: [message]}`)."""
    field, message = _printable(field), _printable(message)
    return ApplicationError(message, code="invalid", extra={"field": field, "fields": {field: [message]}})


def _check_text(name: str, raw) -> None:
    """Refuse text no database can store: a NUL character (PostgreSQL's jsonb) or a lone surrogate (not UTF-8)."""
    for text in (raw if isinstance(raw, list) else [raw]):
        if isinstance(text, str) and ("\x00" in text or _printable(text) != text):
            raise invalid(name, f"{name}: the text holds a character that cannot be stored (NUL or a lone surrogate).")


def _allowed(schema: dict) -> str:
    """What a parameter allows, in words: "a whole number from 1 to 12", "one of square, square_hd"..."""
    kind = schema["type"]
    if kind == "enum":
        return "one of " + ", ".join(schema["values"])
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        return f"text of at most {schema.get('max_length', 2000)} characters"
    noun = "a whole number" if kind == "integer" else "a number"
    low, high = (None if v is None else str(int(v)) if kind == "integer" else f"{v:g}" for v in (schema.get("minimum"), schema.get("maximum")))
    if low is not None and high is not None:
        return f"{noun} from {low} to {high}"
    if low is not None:
        return f"{noun} of at least {low}"
    if high is not None:
        return f"{noun} of at most {high}"
    return noun


def _out_of_range(name: str, schema: dict, value) -> ApplicationError:
    return invalid(name, f"{name}: {str(value)[:60]!r} is not allowed; {name} is {_allowed(schema)}.")


def _in_range(name: str, schema: dict, value):
    low, high = schema.get("minimum"), schema.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _out_of_range(name, schema, value)
    return value


def _scalar(name: str, schema: dict, raw):
    """One option of a non-text parameter as its typed value (int, float, str, bool); 400 naming `name` otherwise."""
    kind = schema["type"]
    text = raw.strip() if isinstance(raw, str) else raw
    if kind == "boolean":
        if isinstance(text, bool):
            return text
        if isinstance(text, str) and text.lower() in _TRUE + _FALSE:
            return text.lower() in _TRUE
    elif kind == "enum":
        value = text if isinstance(text, str) else (str(text) if not isinstance(text, bool) and isinstance(text, (int, float)) else None)
        if value in schema["values"]:
            return value
    elif kind == "integer":
        if isinstance(text, int) and not isinstance(text, bool):
            return _in_range(name, schema, text)
        if isinstance(text, float) and text.is_integer() and abs(text) < 2**63:
            return _in_range(name, schema, int(text))
        if isinstance(text, str) and _INTEGER.match(text):
            return _in_range(name, schema, int(text))
    elif kind == "number":
        if isinstance(text, (int, float)) and not isinstance(text, bool) and math.isfinite(text):
            return _in_range(name, schema, text)
        if isinstance(text, str) and _NUMBER.match(text):
            value = float(text)
            return _in_range(name, schema, int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value)
    raise _out_of_range(name, schema, raw)


def _integer_spans(name: str, schema: dict, options: tuple) -> list[tuple[int, int]]:
    """Whole-number options as `(low, high)` spans: a range "1-4", commas "1-3,7", or one value; counted, not spelled out."""
    spans: list[tuple[int, int]] = []
    for option in options:
        parts = [p for p in re.split(r"\s*,\s*", option) if p] if isinstance(option, str) else [option]
        for part in parts:
            match = _RANGE.match(part) if isinstance(part, str) else None
            if match is None:
                value = _scalar(name, schema, part)
                spans.append((value, value))
                continue
            low, high = int(match.group(1)), int(match.group(2))
            if high < low:
                raise invalid(name, f"{name}: the range {part!r} runs backwards; write {high}-{low}.")
            spans.append((_in_range(name, schema, low), _in_range(name, schema, high)))
    return spans


def _options(name: str, schema: dict, raw, *, values: dict[str, str], max_items: int) -> list:
    """Every option of one parameter, typed, in the order written; 400 naming `name` when one is not allowed."""
    kind = schema["type"]
    try:
        if kind == "string":
            if not isinstance(raw, str):
                raise invalid(name, f"{name}: give text.")
            return [text for text, _ in expand_text(raw, values=values, max_items=max_items, max_chars=schema.get("max_length", 2000))]
        if isinstance(raw, list):
            if not raw or not all(isinstance(v, (str, int, float, bool)) for v in raw):
                raise invalid(name, f"{name}: a list gives at least one value, each {_allowed(schema)}.")
            texts = tuple(raw)
        elif isinstance(raw, str):
            texts = value_options(raw)
        elif isinstance(raw, (int, float, bool)):
            texts = (raw,)
        else:
            raise invalid(name, f"{name}: give {_allowed(schema)}, or a choice like 3|5|7.")
    except ExpansionError as exc:
        raise invalid(name, f"{name}: {exc}") from None
    if kind != "integer":
        return [_scalar(name, schema, text) for text in texts]
    spans = _integer_spans(name, schema, texts)
    count = sum(high - low + 1 for low, high in spans)
    if count > max(max_items, 1):
        raise invalid(name, f"{name} lists {count} values; one order may make at most {max_items} items.")
    return [value for low, high in spans for value in range(low, high + 1)]


def order_items(machine: Machine, parameters, *, values: dict[str, str], max_items: int) -> list[dict]:
    """The items an order makes: `[{name: concrete value}]`, every parameter of `machine` in each (defaults filled).

    `parameters`: `{name: value}` as submitted (see the module's docstring); `values`: the shot tokens' text
    (`{"shot.type": "Close-up", ...}`, empty when the order is not for a shot). Raises `ApplicationError` 400 `invalid`
    with `extra.field` naming the parameter: unknown to the machine, a value outside its schema, a required one missing
    or empty; `extra.field` "parameters" when there are none or the order would make more than `max_items` items (counted
    before they are spelled out).
    """
    if not isinstance(parameters, dict) or not parameters:
        raise invalid("parameters", "parameters: give the machine's parameters, at least a prompt.")
    for name in parameters:
        if name not in machine.parameters:
            raise invalid(str(name)[:100], f"{str(name)[:100]!r} is not a parameter of {machine.label}: it takes "
                                           f"{', '.join(machine.parameters)}.")
    for name, schema in machine.parameters.items():
        if schema.get("required") and name not in parameters:
            raise invalid(name, f"{name} is required by {machine.label}.")
    for name, raw in parameters.items():
        _check_text(name, raw)
    options = {name: _options(name, machine.parameters[name], raw, values=values, max_items=max_items)
               for name, raw in parameters.items()}
    for name, found in options.items():
        if machine.parameters[name].get("required") and any(value == "" for value in found):
            raise invalid(name, f"{name} is required by {machine.label}: it must not be empty.")
    count = math.prod(len(found) for found in options.values())
    if count > max_items:
        raise invalid("parameters", f"This order makes {count} items; one order may make at most {max_items} "
                                    "(SLATE_GENERATION_MAX_ITEMS).")
    defaults = {name: schema["default"] for name, schema in machine.parameters.items()
                if "default" in schema and name not in parameters}
    names = list(options)
    return [dict(zip(names, combination)) | defaults for combination in itertools.product(*options.values())]
