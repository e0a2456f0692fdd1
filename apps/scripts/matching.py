"""Which scene of one screenplay version is which scene of the next, and what number each gets.

Pure Python over the Fountain parser (no database): the import (`services.script_version_create`)
and the diff (`diff.script_diff`) both call `match_scenes`, so what the diff shows is what the
import does.

Matching, in this order, each scene matched at most once:
1. Scene number: a new scene with a forced number (`#12A#`) matches the old scene of that number.
2. Identical scenes (same slugline, same text), in script order first (difflib's matching blocks
   over the scene sequence), then anywhere (a moved scene).
3. Similar scenes: word-level `difflib.SequenceMatcher.ratio()` of the scenes' text (heading
   excluded) at least `SAME_SLUGLINE_MIN_RATIO` (0.5) for the same slugline, or at least
   `OTHER_SLUGLINE_MIN_RATIO` (0.8) when the slugline was rewritten too (DAY → NIGHT). Best
   ratio first (same slugline counts `SAME_SLUGLINE_BONUS` more); equal scores go to the pair
   closest in position, so repeated identical sluglines pair up in script order. Only each new
   scene's `FUZZY_CANDIDATES` best old scenes by difflib's `quick_ratio` (shared words, an upper
   bound of the ratio) get the full ratio, so a script where every scene changed stays fast.
4. Old scenes known only by number (made by hand, no text) adopt the new scene of that number.
Whatever is left is new (old side: not in the new version).
"""
from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from apps.scripts import fountain

SAME_SLUGLINE_MIN_RATIO = 0.5
OTHER_SLUGLINE_MIN_RATIO = 0.8
SAME_SLUGLINE_BONUS = 0.25
FUZZY_CANDIDATES = 5  # old scenes per new scene given the full (slow) ratio, best word-count overlap first

_NUMBER_MARK = re.compile(r"\s*#[^#\n]*#\s*$")


@dataclass
class ScriptScene:
    """One scene of a screenplay text: the parser's scene, its slugline key and its own Fountain text.

    `text` is the scene's lines as written (heading without its `#12#` number, trailing spaces and
    trailing blank lines dropped); `words` is its body (after the heading) split on whitespace.
    """

    parsed: fountain.ParsedScene
    key: str
    text: str
    words: tuple[str, ...] = field(repr=False, default=())

    @property
    def lines(self) -> list[str]:
        """The scene's text as a list of lines (for line diffs)."""
        return self.text.split("\n") if self.text else []


@dataclass
class Candidate:
    """A scene as matching sees it.

    `number`: on the old side the scene's number; on the new side its forced number, else None.
    `default_number`: the new side's number when counted in order (for step 4), unused on the old side.
    `key`/`text`/`words` as in ScriptScene; `text is None` marks an old scene without known text.
    """

    number: str | None
    key: str
    text: str | None
    words: tuple[str, ...] = ()
    default_number: str | None = None


def slugline_key(heading: fountain.SceneHeading) -> str:
    """A comparable form of a slugline: 'EXT|PARK|DAY' (upper case, spaces collapsed)."""
    parts = (heading.int_ext, heading.location, heading.time_of_day)
    return "|".join(re.sub(r"\s+", " ", part).strip().upper() for part in parts)


def read_scenes(text: str) -> tuple[fountain.Screenplay, list[ScriptScene]]:
    """Parse Fountain `text` and cut it into its scenes' own text.

    Each scene runs from its heading line to the line before the next heading (the parser's
    1-based `line`); text before the first heading belongs to no scene. Raises
    `fountain.FountainError` for text the parser refuses.
    """
    screenplay = fountain.parse(text)
    parsed = fountain.scenes(screenplay)
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = [scene.line for scene in parsed]
    usable = all(1 <= a < b for a, b in zip(starts, starts[1:] + [len(lines) + 1])) and bool(starts)
    result = []
    for index, scene in enumerate(parsed):
        if usable:
            end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
            chunk = lines[scene.line - 1:end]
            chunk[0] = _NUMBER_MARK.sub("", chunk[0])
        else:  # no line numbers from the parser: rebuild the scene from its elements
            chunk = [scene.heading] + [line for element in scene.elements for line in ("", *element.text.split("\n"))]
        chunk = [line.rstrip() for line in chunk]
        while chunk and not chunk[-1]:
            chunk.pop()
        body = " ".join(chunk[1:])
        result.append(ScriptScene(parsed=scene, key=slugline_key(scene.slugline), text="\n".join(chunk), words=tuple(body.split())))
    return screenplay, result


def candidates(scenes: list[ScriptScene], *, numbers: list[str] | None = None, default_numbers: list[str] | None = None) -> list[Candidate]:
    """Matching candidates for scenes of a text: old side with `numbers`, new side with `default_numbers`."""
    return [
        Candidate(
            number=numbers[i] if numbers is not None else _clean_number(scene.parsed.number),
            key=scene.key, text=scene.text, words=scene.words,
            default_number=default_numbers[i] if default_numbers is not None else None,
        )
        for i, scene in enumerate(scenes)
    ]


def similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Word-level difflib ratio of two scene bodies (1.0 when both are empty)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_scenes(old: list[Candidate], new: list[Candidate]) -> dict[int, int]:
    """Pair new scenes with old ones (rules in the module docstring). Returns {new index: old index}."""
    pairs: dict[int, int] = {}
    used: set[int] = set()

    def take(j: int, i: int) -> None:
        pairs[j] = i
        used.add(i)

    # 1. forced scene numbers
    by_number = {c.number: i for i, c in enumerate(old) if c.number}
    for j, scene in enumerate(new):
        i = by_number.get(scene.number) if scene.number else None
        if i is not None and i not in used:
            take(j, i)

    # 2. identical scenes: in order first, then anywhere (closest position first)
    def same(c: Candidate) -> tuple | None:
        return (c.key, c.text) if c.text is not None else None

    old_left = [i for i in range(len(old)) if i not in used and same(old[i]) is not None]
    new_left = [j for j in range(len(new)) if j not in pairs]
    matcher = difflib.SequenceMatcher(None, [same(old[i]) for i in old_left], [same(new[j]) for j in new_left], autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            take(new_left[block.b + k], old_left[block.a + k])
    for j in range(len(new)):
        if j in pairs:
            continue
        options = [i for i in range(len(old)) if i not in used and same(old[i]) == same(new[j])]
        if options:
            take(j, min(options, key=lambda i: abs(i - j)))

    # 3. similar scenes: the full ratio only for each new scene's best few by the cheap upper bound
    scored = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, scene in enumerate(new):
        if j in pairs:
            continue
        matcher.set_seq2(scene.words)  # difflib caches what it learns about seq2
        bounds = []
        for i, before in enumerate(old):
            if i in used or before.text is None:
                continue
            bonus = SAME_SLUGLINE_BONUS if before.key == scene.key else 0.0
            floor = SAME_SLUGLINE_MIN_RATIO if bonus else OTHER_SLUGLINE_MIN_RATIO
            matcher.set_seq1(before.words)
            if matcher.real_quick_ratio() >= floor and (bound := matcher.quick_ratio()) >= floor:
                bounds.append((-(bound + bonus), abs(i - j), i, floor, bonus))
        for _bound, distance, i, floor, bonus in sorted(bounds)[:FUZZY_CANDIDATES]:
            matcher.set_seq1(old[i].words)
            ratio = matcher.ratio()
            if ratio >= floor:
                scored.append((-(ratio + bonus), distance, j, i))
    for _score, _distance, j, i in sorted(scored):
        if j not in pairs and i not in used:
            take(j, i)

    # 4. scenes without text (made by hand) adopt the new scene of their number
    textless = {c.number: i for i, c in enumerate(old) if c.text is None and c.number and i not in used}
    for j, scene in enumerate(new):
        number = scene.number or scene.default_number
        i = textless.get(number) if number else None
        if j not in pairs and i is not None and i not in used:
            take(j, i)
    return pairs


def moved(pairs: dict[int, int]) -> set[int]:
    """New indexes of matched scenes that changed place: those off a longest run of pairs in the same order."""
    order = sorted(pairs)
    tails: list[int] = []  # smallest old index ending an increasing run of each length
    tail_at: list[int] = []  # position (in `order`) of that tail
    previous: list[int] = [-1] * len(order)
    for position, j in enumerate(order):
        i = pairs[j]
        k = bisect_left(tails, i)
        if k == len(tails):
            tails.append(i)
            tail_at.append(position)
        else:
            tails[k] = i
            tail_at[k] = position
        previous[position] = tail_at[k - 1] if k else -1
    keep: set[int] = set()
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        keep.add(order[position])
        position = previous[position]
    return {j for j in order if j not in keep}


# --- scene numbers ---------------------------------------------------------------------------

def _clean_number(number: str | None) -> str | None:
    """A forced `#…#` scene number reduced to what a scene number may hold (at most 14 characters), or None."""
    cleaned = re.sub(r"[^A-Za-z0-9.\-]", "", (number or "").strip())[:14]
    return cleaned or None


def unique_number(candidate: str, taken: set[str]) -> str:
    """`candidate`, or with the first free letter after it (12 → 12A → 12B...) when taken."""
    result, suffix = candidate, 0
    while result in taken:
        result = f"{candidate}{chr(ord('A') + suffix)}" if suffix < 26 else f"{candidate}-{suffix}"
        suffix += 1
    return result


def scene_numbers(parsed: list[fountain.ParsedScene], *, taken: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Scene numbers for parsed scenes: the script's own `#12A#` numbers, else counting on from the
    last number ('12' or '12A' → '13'; the first scene is '1').

    Unique within the script and against `taken`: a duplicate gets the next free letter (12, 12A, 12B...).
    """
    numbers: list[str] = []
    seen: set[str] = set(taken)
    previous = ""
    for scene in parsed:
        number = _clean_number(scene.number)
        if not number:
            match = re.match(r"^(\d+)", previous)
            number = str(int(match.group(1)) + 1) if match else str(len(numbers) + 1)
        number = unique_number(number, seen)
        numbers.append(number)
        seen.add(number)
        previous = number
    return numbers


def number_after(previous: str, taken: set[str]) -> str:
    """The number of a scene inserted after scene `previous` in a locked script: 3 → 3A, 3A → 3B.

    Letters go A…Z (then 3Z → 3ZA); a taken number moves on to the next letter. Never in `taken`.
    """
    candidate = previous + "A" if not previous[-1:].isalpha() else previous
    while True:
        if candidate != previous and candidate not in taken:
            return candidate
        last = candidate[-1]
        candidate = candidate + "A" if last == "Z" or not last.isalpha() else candidate[:-1] + chr(ord(last) + 1)


def number_before(following: str, taken: set[str]) -> str:
    """The number of a scene inserted before the first scene `following` of a locked script: 1 → A1, then B1..."""
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if f"{letter}{following}" not in taken:
            return f"{letter}{following}"
    return unique_number(f"A{following}", taken)


def plan_numbers(*, parsed: list[fountain.ParsedScene], pairs: dict[int, int], old_numbers: list[str], locked: bool,
                 fixed: set[str], dropped: list[int]) -> tuple[list[str], dict[int, str]]:
    """The scene number of each new scene, and the new number of dropped old scenes that must make way.

    `pairs` is `match_scenes`' {new index: old index}; `old_numbers` the old scenes' numbers;
    `fixed` the numbers of the production's other scenes (other scripts, scenes made by hand),
    which never move; `dropped` the old indexes of the script's scenes the new text no longer has.
    - Locked (`numbering_locked`, once anything matched): every old scene keeps its number; a new
      scene takes its forced `#n#` number when free, else the number after the scene before it
      (`number_after`: 3 → 3A → 3B), or before the first scene (`number_before`: A1, B1).
    - Unlocked: numbered in order as `scene_numbers` does (forced numbers kept, letters on a clash
      with `fixed`); a dropped scene whose number is now wanted moves aside to "X<number>" (X3).
    Returns `(numbers, {old index: new number})`.
    """
    if locked and pairs:
        taken = set(fixed) | set(old_numbers)
        numbers: list[str | None] = [old_numbers[pairs[j]] if j in pairs else None for j in range(len(parsed))]
        first = min(pairs)
        for j, scene in enumerate(parsed):
            if numbers[j] is not None:
                continue
            forced = _clean_number(scene.number)
            if forced and forced not in taken:
                number = forced
            elif j < first:
                number = number_before(numbers[first], taken)
            else:
                number = number_after(numbers[j - 1], taken)
            numbers[j] = number
            taken.add(number)
        return numbers, {}
    numbers = scene_numbers(parsed, taken=fixed)
    wanted = set(numbers)
    taken = set(fixed) | wanted | set(old_numbers)
    moves: dict[int, str] = {}
    for i in dropped:
        if old_numbers[i] in wanted:
            moves[i] = unique_number(f"X{old_numbers[i]}"[:14], taken)
            taken.add(moves[i])
    return numbers, moves
