"""The scene-by-scene diff of two Fountain texts, for tests: what `GET /api/scripts/{id}/diff/` computes from two versions."""
from __future__ import annotations

from apps.scripts import matching
from apps.scripts.diff import scenes_diff


def script_diff(old_text: str, new_text: str, *, context: int = 3) -> dict:
    """`scenes_diff` of the scenes `matching.read_scenes` finds in each text; raises `fountain.FountainError` for
    text the parser refuses."""
    return scenes_diff(matching.read_scenes(old_text)[1], matching.read_scenes(new_text)[1], context=context)
