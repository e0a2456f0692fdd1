"""Storyboard prompt templates: fill in the shot's tokens and expand choices × seeds into one order.

A template is text with tokens in braces (pure functions, no database):

- `{shot.type}`, `{shot.lens_mm}`, `{shot.movement}`, `{shot.description}`, `{scene.location}`,
  `{scene.time_of_day}`, `{scene.int_ext}`, `{scene.slugline}`: values of the shot and its scene;
- `{style}`: the order's style (itself a choice group when it holds `|`: "noir|pastel");
- `{style: noir|pastel}` / `{lighting: hard|soft}`: a named choice group; a later `{style}` reuses the
  value chosen for it (an inline group named `style` takes the place of the order's style);
- `{dusk|dawn|night}`: an unnamed choice group (named `choice1`, `choice2`... in `choices`);
- `{{` and `}}`: literal braces.

Seeds are a list of whole numbers and ranges, "1-3,7" → [1, 2, 3, 7]. The order is the cartesian
product of every choice group (in template order) × the seeds, seeds varying fastest:
`{style: noir|pastel}` × "1-3" → noir 1, noir 2, noir 3, pastel 1, pastel 2, pastel 3.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

SHOT_TOKENS = ("shot.type", "shot.lens_mm", "shot.movement", "shot.description",
               "scene.location", "scene.time_of_day", "scene.int_ext", "scene.slugline")
STYLE = "style"
TOKENS = (*SHOT_TOKENS, STYLE)
MAX_SEED = 2**32 - 1
MAX_PROMPT_CHARS = 2000
_LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ExpansionError(ValueError):
    """A template, style or seed list that cannot make an order; `field` says which ("template", "style", "seeds")."""

    def __init__(self, message: str, *, field: str = "template"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OrderItem:
    """One image of an order: the prompt sent to the model, its seed, and which choices made it."""

    prompt: str
    seed: int
    choices: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """`{"prompt", "seed", "choices"}`: the JSON stored in the job's params and shown by the preview."""
        return {"prompt": self.prompt, "seed": self.seed, "choices": dict(self.choices)}


@dataclass(frozen=True)
class _Group:
    name: str
    options: tuple[str, ...]


def parse_seeds(text: str, *, max_count: int) -> list[int]:
    """Seeds from "1-3,7" (commas or spaces between parts): `[1, 2, 3, 7]`, in the order written.

    Raises `ExpansionError` (a `ValueError`, field "seeds") for an empty list, a part that is not a whole number or an `a-b` range, a
    backwards range ("3-1"), a seed above 2³²−1, a seed listed twice, or more than `max_count` seeds
    (checked before any range is spelled out, so "1-999999999" costs nothing).
    """
    parts = [p for p in re.split(r"[,\s]+", (text or "").strip()) if p]
    if not parts:
        raise ExpansionError("Give at least one seed, e.g. 1 or 1-3,7.", field="seeds")
    spans: list[tuple[int, int]] = []
    for part in parts:
        match = re.fullmatch(r"(\d{1,10})(?:-(\d{1,10}))?", part)
        if match is None:
            raise ExpansionError(f"Seed {part!r} is not a whole number or a range like 1-3.", field="seeds")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) is not None else low
        if high < low:
            raise ExpansionError(f"Seed range {part!r} runs backwards; write {high}-{low}.", field="seeds")
        if high > MAX_SEED:
            raise ExpansionError(f"Seed {high} is too large; seeds go up to {MAX_SEED}.", field="seeds")
        spans.append((low, high))
    count = sum(high - low + 1 for low, high in spans)
    if count > max_count:
        raise ExpansionError(f"{count} seeds is more than the {max_count} images one order may make.", field="seeds")
    seeds: list[int] = []
    seen: set[int] = set()
    for low, high in spans:
        for seed in range(low, high + 1):
            if seed in seen:
                raise ExpansionError(f"Seed {seed} is listed twice.", field="seeds")
            seen.add(seed)
            seeds.append(seed)
    return seeds


def _options(text: str, where: str, *, field: str = "template") -> tuple[str, ...]:
    options = tuple(option.strip() for option in text.split("|"))
    if any(not option for option in options):
        raise ExpansionError(f"The choice {where} has an empty option; write each option between the | signs.", field=field)
    return options


def _parse(template: str) -> list[str | tuple[str, str] | _Group]:
    """The template as a list of literal text, `("token", name)` references and choice groups."""
    pieces: list = []
    anonymous = 0
    i, text = 0, []
    while i < len(template):
        ch = template[i]
        if ch in "{}" and template[i:i + 2] in ("{{", "}}"):
            text.append(ch)
            i += 2
            continue
        if ch == "}":
            raise ExpansionError(f"Unmatched '}}' at character {i + 1}; write }}}} for a literal brace.")
        if ch != "{":
            text.append(ch)
            i += 1
            continue
        end = template.find("}", i + 1)
        nested = template.find("{", i + 1)
        if end == -1 or (nested != -1 and nested < end):
            raise ExpansionError(f"The '{{' at character {i + 1} is not closed; write {{{{ for a literal brace.")
        body = template[i + 1:end].strip()
        raw = template[i:end + 1]
        if text:
            pieces.append("".join(text))
            text = []
        if ":" in body and _LABEL.match(body.split(":", 1)[0].strip()):
            label, options = body.split(":", 1)
            pieces.append(_Group(label.strip(), _options(options, raw)))
        elif "|" in body:
            anonymous += 1
            pieces.append(_Group(f"choice{anonymous}", _options(body, raw)))
        elif body in TOKENS:
            pieces.append(("token", body))
        elif body and _LABEL.match(body):
            pieces.append(("token", body))  # a named group's label, or unknown: checked below
        else:
            raise ExpansionError(f"Unknown token {raw}: use one of {', '.join('{' + t + '}' for t in TOKENS)}, "
                             "or a choice like {style: noir|pastel}.")
        i = end + 1
    if text:
        pieces.append("".join(text))
    return pieces


def _groups(pieces: list, *, style: str | None) -> list[_Group]:
    groups: list[_Group] = []
    names: set[str] = set()
    for piece in pieces:
        if isinstance(piece, _Group):
            if piece.name in names:
                raise ExpansionError(f"The choice name {piece.name!r} is used twice.")
            names.add(piece.name)
            groups.append(piece)
    uses_style = any(piece == ("token", STYLE) for piece in pieces)
    if uses_style and STYLE not in names:
        if not (style or "").strip():
            raise ExpansionError("The template uses {style} but the order has no style.", field="style")
        groups.append(_Group(STYLE, _options(style, "style", field="style")))
        names.add(STYLE)
    for piece in pieces:
        if isinstance(piece, tuple) and piece[1] not in TOKENS and piece[1] not in names:
            raise ExpansionError(f"Unknown token {{{piece[1]}}}: use one of {', '.join('{' + t + '}' for t in TOKENS)}, "
                             "or a choice like {style: noir|pastel}.")
    return groups


def expand(template: str, *, values: dict[str, str], style: str | None = None, seeds: str, max_items: int) -> list[OrderItem]:
    """The order a template makes: every combination of its choice groups × every seed.

    `values` maps the shot/scene tokens (`"shot.type"`...) to text; a missing or empty value leaves
    nothing (and whitespace around it is tidied). Returns `OrderItem`s in order (seeds fastest).
    Raises `ExpansionError` (a `ValueError` whose `field` is template, style or seeds) naming the problem: an unknown token, an unclosed brace, an empty option,
    a bad seed list, `{style}` without a style, a prompt over 2,000 characters, or more than
    `max_items` images (SLATE_STORYBOARD_MAX_IMAGES), checked before the order is spelled out.
    """
    if not (template or "").strip():
        raise ExpansionError("The template is empty.")
    pieces = _parse(template)
    groups = _groups(pieces, style=style)
    seed_list = parse_seeds(seeds, max_count=max_items)
    count = math.prod(len(g.options) for g in groups) * len(seed_list)
    if count > max_items:
        raise ExpansionError(f"This order makes {count} images; one order may make at most {max_items}.", field="seeds")
    items: list[OrderItem] = []
    for prompt, chosen in _render(pieces, groups, values):
        if not prompt:
            raise ExpansionError("The template makes an empty prompt for this shot.")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise ExpansionError(f"The prompt is {len(prompt)} characters; keep it under {MAX_PROMPT_CHARS}.")
        items.extend(OrderItem(prompt=prompt, seed=seed, choices=chosen) for seed in seed_list)
    return items


def _render(pieces: list, groups: list[_Group], values: dict[str, str]):
    """Yield `(tidied text, {group name: option})` for every combination of `groups`, in order (the last group fastest)."""
    for combination in itertools.product(*(g.options for g in groups)):
        chosen = {g.name: option for g, option in zip(groups, combination)}
        out: list[str] = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif isinstance(piece, _Group):
                out.append(chosen[piece.name])
            elif piece[1] in chosen:
                out.append(chosen[piece[1]])
            else:
                out.append(str(values.get(piece[1]) or ""))
        yield _tidy("".join(out)), chosen


def expand_text(text: str, *, values: dict[str, str], max_items: int, max_chars: int = MAX_PROMPT_CHARS) -> list[tuple[str, dict[str, str]]]:
    """Every variant of one text in the template syntax (shot tokens, named and unnamed choice groups; no `{style}` default):
    `[(text, {group name: option})]`, the last group varying fastest. A text without braces is its one variant.

    For the text parameters of a generation order (apps.generation.orders.params). An empty variant is returned as ""
    (the caller knows whether the parameter is required). Raises `ExpansionError` for a text that does not parse, more
    than `max_items` variants (counted before any is spelled out) or a variant over `max_chars` characters.
    """
    pieces = _parse(text)
    groups = _groups(pieces, style=None)
    count = math.prod(len(g.options) for g in groups)
    if count > max_items:
        raise ExpansionError(f"The choices in this text make {count} variants; one order may make at most {max_items}.")
    variants = list(_render(pieces, groups, values))
    for variant, _ in variants:
        if len(variant) > max_chars:
            raise ExpansionError(f"The text is {len(variant)} characters; keep it under {max_chars}.")
    return variants


def value_options(text: str) -> tuple[str, ...]:
    """A parameter's whole value as the options it lists, in the choice syntax: "3|5|7", "{3|5|7}" and
    "{guidance: 3|5|7}" give ("3", "5", "7"); "1-4" or "{seed: 1-4}" give ("1-4",) (ranges are the caller's to read).

    Raises `ExpansionError` for an empty option ("3||5") or stray braces.
    """
    body = text.strip()
    if body.startswith("{") and body.endswith("}") and "{" not in body[1:-1] and "}" not in body[1:-1]:
        body = body[1:-1].strip()
        label, colon, rest = body.partition(":")
        if colon and _LABEL.match(label.strip()):
            body = rest
    elif "{" in body or "}" in body:
        raise ExpansionError(f"{text!r} is not a value or a choice like 3|5|7 or {{3|5|7}}.")
    return _options(body, repr(text))


def _tidy(text: str) -> str:
    """Collapse the runs of spaces and stray commas that empty tokens leave behind."""
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"([,;])(\s*[,;])+", r"\1", text)
    return text.strip().strip(",;").strip()
