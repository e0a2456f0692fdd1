"""Scenes of a parsed screenplay: sluglines taken apart, lengths in eighths, who speaks."""

from __future__ import annotations

import re

from . import model as m
from .model import ParsedScene, SceneHeading, Screenplay
from .pagination import page_eighths

# The prefix of a slugline and its normalised form. Longest alternatives first.
_PREFIX = re.compile(
    r"(?P<prefix>int\.?\s*/\s*ext|ext\.?\s*/\s*int|int\.?\s*-\s*ext|i\s*/\s*e|e\s*/\s*i|int|ext|est)"
    r"(?:\.|\s|$)\.?\s*",
    re.IGNORECASE,
)
_NORMALISED = {"int": "INT", "ext": "EXT", "est": "EST"}
# Location and time of day are split at the last separator: " - ", "--", "–", "—" (matched in
# text whose whitespace runs are collapsed; the lookbehinds keep long dash runs linear).
_SEPARATOR = re.compile(r" ?(?<!-)--+ ?| -+ |(?<![–—]) ?[–—]+ ?")


def parse_slugline(heading: str) -> SceneHeading:
    """Split a scene heading ("INT. LIBRARY - DAY") into int/ext, location and time of day.

    `int_ext` is one of "INT", "EXT", "INT/EXT" (for INT./EXT, INT/EXT, I/E and their reverses),
    "EST", or "" when the heading has no such prefix (a forced heading). The time of day is what
    follows the last separator — " - " as in the Fountain spec's examples, or "--" and dashes as
    real scripts have ("EXT. LIBRARY--DAY") — as written, "" when there is none.
    Hyphens inside words ("X-RAY ROOM") are not separators.
    """
    text = heading.strip()
    if text.startswith(".") and text[1:2].isalnum():
        text = text[1:]
    int_ext = ""
    match = _PREFIX.match(text)
    if match:
        prefix = re.sub(r"[\s.]", "", match.group("prefix")).lower()
        int_ext = _NORMALISED.get(prefix, "INT/EXT")
        text = text[match.end():]
    location, time_of_day = re.sub(r"\s+", " ", text).strip(), ""
    separators = list(_SEPARATOR.finditer(location))
    if separators:
        last = separators[-1]
        before = location[:last.start()].strip(" -–—")
        after = location[last.end():].strip(" -–—")
        if before and after:
            location, time_of_day = before, after
    return SceneHeading(int_ext=int_ext, location=location, time_of_day=time_of_day)


def scenes(screenplay: Screenplay) -> list[ParsedScene]:
    """The screenplay's scenes in order: each scene heading with the elements up to the next.

    Elements before the first heading belong to no scene; a script without headings has no
    scenes. `characters` lists the speaking characters (cue names, upper-cased, in order of
    first line, once each); `synopsis` is the scene's first "=" synopsis; `page_eighths` covers
    the heading and its elements (see pagination.page_eighths for the rule).
    """
    result: list[ParsedScene] = []
    elements = screenplay.elements
    starts = [i for i, element in enumerate(elements) if element.kind == m.SCENE_HEADING]
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(elements)
        heading = elements[start]
        body = elements[start + 1:end]
        characters: dict[str, None] = {}  # an ordered set: one lookup per cue, however many names
        for element in body:
            if element.kind == m.CHARACTER:
                characters.setdefault(element.text.upper())
        synopsis = next((e.text for e in body if e.kind == m.SYNOPSIS), "")
        result.append(
            ParsedScene(
                number=heading.scene_number,
                heading=heading.text,
                slugline=parse_slugline(heading.text),
                elements=body,
                page_eighths=page_eighths(elements[start:end]),
                characters=list(characters),
                synopsis=synopsis,
                line=heading.line,
            )
        )
    return result
