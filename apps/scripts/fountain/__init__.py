"""Slate's Fountain 1.1 screenplay parser (https://fountain.io/syntax). Pure Python, no Django.

    screenplay = parse(text)            # or parse_bytes(data) for an uploaded file
    for scene in scenes(screenplay):
        scene.number, scene.slugline.location, scene.page_eighths, scene.characters
    to_fountain(screenplay)             # back to canonical Fountain; element.spans for emphasis
    element.notes                       # the writer's inline [[notes]], with where each stood
"""

from .emphasis import Span, plain, spans, to_html
from .model import (
    Element,
    FountainError,
    Note,
    ParsedScene,
    SceneHeading,
    Screenplay,
    TooManyElements,
)
from .pagination import page_eighths, printed_lines
from .parser import parse, parse_bytes, split_character
from .scenes import parse_slugline, scenes
from .writer import to_fountain

__all__ = [
    "Element",
    "FountainError",
    "Note",
    "ParsedScene",
    "SceneHeading",
    "Screenplay",
    "Span",
    "TooManyElements",
    "page_eighths",
    "parse",
    "parse_bytes",
    "parse_slugline",
    "plain",
    "printed_lines",
    "scenes",
    "spans",
    "split_character",
    "to_fountain",
    "to_html",
]
