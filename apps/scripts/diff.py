"""What changed between two versions of a screenplay, scene by scene, with a line diff for each.

Pure Python (no database): the scenes are read by the Fountain parser and paired by
`apps.scripts.matching.match_scenes`, the same matching an import uses, so the diff shows what
an import of the newer text does to the crew's scenes.
"""
from __future__ import annotations

from collections.abc import Callable

from apps.scripts import matching, sequence

ADDED, REMOVED, MOVED, CHANGED, UNCHANGED = "added", "removed", "moved", "changed", "unchanged"
STATUSES = (ADDED, REMOVED, MOVED, CHANGED, UNCHANGED)


def scene_line_diff(before: list[str], after: list[str], *, context: int = 3) -> list[str]:
    """Unified diff lines (`@@ …`, ` kept`, `-gone`, `+new`) from `before` to `after`, without the ---/+++ header.

    difflib's unified diff, in work linear in the scene's lines (see apps.scripts.sequence).
    """
    return sequence.unified_diff(before, after, context=context)


def merged_order(old_count: int, new_count: int, pairs: dict[int, int]) -> list[tuple[int | None, int | None]]:
    """Old and new scenes in one reading order: the new script's order, each old scene that is gone
    placed right after the old scene before it (or first). Returns `(old index|None, new index|None)`."""
    old_to_new = {i: j for j, i in pairs.items()}
    after: dict[int | None, list[int]] = {}  # new index (None: the start) → removed old indexes that follow it
    anchor = None  # the new index of the last matched old scene seen so far
    for i in range(old_count):
        if i in old_to_new:
            anchor = old_to_new[i]
            continue
        after.setdefault(anchor, []).append(i)
    order: list[tuple[int | None, int | None]] = [(i, None) for i in after.get(None, [])]
    for j in range(new_count):
        order.append((pairs.get(j), j))
        order.extend((i, None) for i in after.get(j, []))
    return order


def summarize(scenes: list[dict]) -> dict[str, int]:
    """Counts of each status: {"added", "removed", "moved", "changed", "unchanged"}."""
    counts = dict.fromkeys(STATUSES, 0)
    for scene in scenes:
        counts[scene["status"]] += 1
    return counts


def scenes_diff(old_scenes: list[matching.ScriptScene], new_scenes: list[matching.ScriptScene], *, context: int = 3,
                on_scene: Callable[[int, int], None] | None = None) -> dict:
    """The scene-by-scene difference between two texts' scenes (`matching.read_scenes`).

    Returns `{"scenes": [...], "summary": {"added", "removed", "moved", "changed", "unchanged"}}`.
    Each scene: `{"status", "moved", "number", "heading", "from_index", "to_index", "lines"}` —
    `status` is "added", "removed", "changed" (its text differs; it may have moved too, then
    `moved` is true), "moved" (same text, another place) or "unchanged"; `number` is its scene
    number in the newer text (the older one for a removed scene), counted as an import counts
    them; `heading` is the slugline as written; `from_index`/`to_index` are 0-based positions in
    each version (null when absent); `lines` is the unified line diff of the scene's Fountain text
    (every line `+` for an added scene, `-` for a removed one, empty when unchanged). The scenes
    come in the newer version's order, removed ones where they used to be. `on_scene(done, total)`
    is called after each scene (progress). Work linear in the texts' length (see
    apps.scripts.sequence).
    """
    old_numbers = matching.scene_numbers([s.parsed for s in old_scenes])
    new_numbers = matching.scene_numbers([s.parsed for s in new_scenes])
    pairs = matching.match_scenes(matching.candidates(old_scenes, numbers=old_numbers),
                                  matching.candidates(new_scenes, default_numbers=new_numbers))
    moved = matching.moved(pairs)
    scenes = []
    order = merged_order(len(old_scenes), len(new_scenes), pairs)
    for i, j in order:
        before = old_scenes[i] if i is not None else None
        after = new_scenes[j] if j is not None else None
        if before is None:
            status, lines = ADDED, [f"+{line}" for line in after.lines]
        elif after is None:
            status, lines = REMOVED, [f"-{line}" for line in before.lines]
        elif before.text != after.text:
            status, lines = CHANGED, scene_line_diff(before.lines, after.lines, context=context)
        else:
            status, lines = (MOVED if j in moved else UNCHANGED), []
        shown = after or before
        scenes.append({
            "status": status,
            "moved": j in moved,
            "number": new_numbers[j] if j is not None else old_numbers[i],
            "heading": shown.parsed.heading,
            "from_index": i,
            "to_index": j,
            "lines": lines,
        })
        if on_scene is not None:
            on_scene(len(scenes), len(order))
    return {"scenes": scenes, "summary": summarize(scenes)}
