"""Slate's Fountain 1.1 screenplay parser (https://fountain.io/syntax). Pure Python, no Django.

    screenplay = parse(text)            # or parse_bytes(data) for an uploaded file
    for scene in scenes(screenplay):
        scene.number, scene.slugline.location, scene.page_eighths, scene.characters
"""

from .model import (
    Element,
    FountainError,
    ParsedScene,
    SceneHeading,
    Screenplay,
)
from .pagination import page_eighths, printed_lines
from .parser import parse, parse_bytes, split_character
from .scenes import parse_slugline, scenes

__all__ = [
    "Element",
    "FountainError",
    "ParsedScene",
    "SceneHeading",
    "Screenplay",
    "page_eighths",
    "parse",
    "parse_bytes",
    "parse_slugline",
    "printed_lines",
    "scenes",
    "split_character",
]
