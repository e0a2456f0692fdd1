"""Read a screenplay's text within Slate's limits: the parse, its scenes, and the checks that refuse absurd text.

Every path that takes a member's screenplay text (upload, edit, AI generation, diff, export)
reads it here, so one set of limits (SLATE_SCRIPT_MAX_LINES, _ELEMENTS, _SCENES, _PAGES) holds
everywhere, each decided in linear time before the work it protects: the lines are counted
before parsing, the parse stops at one element past the limit, scenes and pages are counted
from the parse before any matching, layout or database work. A feature script is 90-180
pages, ~150 scenes, ~5,000 elements and ~8,000 lines; the defaults leave about ten times that
(500 scenes: each scene a version adds or changes is an event published in its one transaction).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from apps.core.errors import ApplicationError
from apps.scripts import fountain, matching
from apps.scripts.fountain import model as m
from apps.scripts.fountain.pagination import LINES_PER_PAGE, printed_lines


@dataclass
class Reading:
    """A screenplay read within the limits: the parse, its scenes with their own text, its length."""

    screenplay: fountain.Screenplay
    scenes: list[matching.ScriptScene]
    pages: int  # estimated printed pages (the scenes' eighths, plus what stands before the first scene)


def limit_error(what: str, found: int, setting: str, limit: int) -> ApplicationError:
    """The 400 `too_large` error for text past one of the screenplay limits, naming the setting."""
    return ApplicationError(
        f"This screenplay has {what} ({found:,}); Slate takes at most {limit:,} ({setting}). No real production "
        "has a script that long: check the file, or split it into several scripts.",
        code="too_large", extra={"limit": setting, "max": limit, "found": found})


def check_lines(text: str) -> None:
    """Refuse text of more than SLATE_SCRIPT_MAX_LINES lines (a count at C speed; no parse yet)."""
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    if lines > settings.SLATE_SCRIPT_MAX_LINES:
        raise limit_error("more lines than a screenplay can have", lines, "SLATE_SCRIPT_MAX_LINES", settings.SLATE_SCRIPT_MAX_LINES)


def read(text: str) -> Reading:
    """Parse `text` and cut it into scenes, refusing it past any screenplay limit.

    Raises `ApplicationError` 400 `too_large` (naming the SLATE_SCRIPT_MAX_* setting) past a
    limit, 400 `not_fountain` for text the parser refuses. Linear in the length of `text`.
    """
    check_lines(text)
    try:
        screenplay, scenes = matching.read_scenes(text, max_elements=settings.SLATE_SCRIPT_MAX_ELEMENTS)
    except fountain.TooManyElements as exc:
        raise limit_error("too many elements", exc.max_elements + 1, "SLATE_SCRIPT_MAX_ELEMENTS", settings.SLATE_SCRIPT_MAX_ELEMENTS) from None
    except fountain.FountainError as exc:
        raise ApplicationError(f"This is not a screenplay Slate can read: {exc}", code="not_fountain") from None
    if len(scenes) > settings.SLATE_SCRIPT_MAX_SCENES:
        raise limit_error("too many scenes", len(scenes), "SLATE_SCRIPT_MAX_SCENES", settings.SLATE_SCRIPT_MAX_SCENES)
    first = next((i for i, e in enumerate(screenplay.elements) if e.kind == m.SCENE_HEADING), len(screenplay.elements))
    eighths = sum(scene.parsed.page_eighths for scene in scenes)
    pages = -(-eighths // 8) + -(-printed_lines(screenplay.elements[:first]) // LINES_PER_PAGE)
    if pages > settings.SLATE_SCRIPT_MAX_PAGES:
        raise limit_error("too many pages", pages, "SLATE_SCRIPT_MAX_PAGES", settings.SLATE_SCRIPT_MAX_PAGES)
    return Reading(screenplay=screenplay, scenes=scenes, pages=pages)
