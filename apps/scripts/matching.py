"""Which scene of one screenplay version is which scene of the next, and what number each gets.

Pure Python over the Fountain parser (no database): the import (`services.script_version_create`)
and the diff (`diff.scenes_diff`) both call `match_scenes`, so what the diff shows is what the
import does.

Matching, in this order, each scene matched at most once:
1. Scene number: a new scene with a forced number (`#12A#`) matches the old scene of that number.
2. Identical scenes (same slugline, same text), in script order first (difflib's matching blocks
   over the scene sequence), then anywhere (a moved scene: the unmatched old twin closest in
   position).
3. Similar scenes: word-level `difflib.SequenceMatcher.ratio()` of the scenes' text (heading
   excluded) at least `SAME_SLUGLINE_MIN_RATIO` (0.5) for the same slugline, or at least
   `OTHER_SLUGLINE_MIN_RATIO` (0.8) when the slugline was rewritten too (DAY → NIGHT). Best
   ratio first (same slugline counts `SAME_SLUGLINE_BONUS` more); equal scores go to the pair
   closest in position, so repeated identical sluglines pair up in script order. Only each new
   scene's `FUZZY_CANDIDATES` best old scenes by difflib's `quick_ratio` (shared words, an upper
   bound of the ratio) get the full ratio, so a script where every scene changed stays fast.
4. Old scenes known only by number (made by hand, no text) adopt the new scene of that number.
Whatever is left is new (old side: not in the new version).

Work stays linear in the scripts' length (up to a log factor), whatever the text: difflib runs
within a work budget (`apps.scripts.sequence`: past it, a patience diff gives the blocks and the
ratio); step 2's "closest twin" is found by bisection among twins not yet taken; and in step 3,
when more than `FUZZY_POOL` old scenes are left, each new scene weighs only a pool of them: the
`FUZZY_NEAREST` closest in position, the `FUZZY_SAME_SLUGLINE` closest with its slugline, and the
`FUZZY_RARE_WORDS` sharing most of its rare words (used by at most `RARE_WORD_SCENES` old
scenes). With that many scenes left, a scene that moved far, changed slugline and had its text
rewritten with no rare word kept can be missed; it then counts as new, its old scene as gone.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from apps.scripts import fountain, sequence

SAME_SLUGLINE_MIN_RATIO = 0.5
OTHER_SLUGLINE_MIN_RATIO = 0.8
SAME_SLUGLINE_BONUS = 0.25
FUZZY_CANDIDATES = 5  # old scenes per new scene given the full (slow) ratio, best word-count overlap first
FUZZY_POOL = 64  # up to this many old scenes left, every one is weighed against each new scene
FUZZY_NEAREST = 24
FUZZY_SAME_SLUGLINE = 16
FUZZY_RARE_WORDS = 24
RARE_WORD_SCENES = 4



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


def read_scenes(text: str, *, max_elements: int | None = None,
                lenient_headings: bool = False) -> tuple[fountain.Screenplay, list[ScriptScene]]:
    """Parse Fountain `text` and cut it into its scenes' own text.

    Each scene runs from its heading line to the line before the next heading (the parser's
    1-based `line`); text before the first heading belongs to no scene. Raises
    `fountain.FountainError` for text the parser refuses (`TooManyElements` past `max_elements`).
    `lenient_headings` is the parser's (re-reading versions stored before issue 17).
    """
    screenplay = fountain.parse(text, max_elements=max_elements, lenient_headings=lenient_headings)
    parsed = fountain.scenes(screenplay)
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = [scene.line for scene in parsed]
    usable = all(1 <= a < b for a, b in zip(starts, starts[1:] + [len(lines) + 1])) and bool(starts)
    result = []
    for index, scene in enumerate(parsed):
        if usable:
            end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
            chunk = lines[scene.line - 1:end]
            chunk[0] = _without_scene_number(chunk[0])
        else:  # no line numbers from the parser: rebuild the scene from its elements
            chunk = [scene.heading] + [line for element in scene.elements for line in ("", *element.text.split("\n"))]
        chunk = [line.rstrip() for line in chunk]
        while chunk and not chunk[-1]:
            chunk.pop()
        body = " ".join(chunk[1:])
        result.append(ScriptScene(parsed=scene, key=slugline_key(scene.slugline), text="\n".join(chunk), words=tuple(body.split())))
    return screenplay, result


def _without_scene_number(line: str) -> str:
    """A heading line without its "#12A#" scene number and the whitespace around it (what
    `re.sub(r"\\s*#[^#\\n]*#\\s*$", "", line)` gives, without that regex's quadratic time on
    a long run of spaces before a "#")."""
    solid = line.rstrip()
    if not solid.endswith("#"):
        return line
    opening = solid.rfind("#", 0, len(solid) - 1)
    return line if opening < 0 else line[:opening].rstrip()


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
    ids: dict[tuple, int] = {}  # each distinct scene as a small integer: cheap to hash and compare
    old_ids = [ids.setdefault(same(old[i]), len(ids)) for i in old_left]
    new_ids = [ids.setdefault(same(new[j]), len(ids)) if same(new[j]) is not None else -1 for j in new_left]
    for block in sequence.matcher(old_ids, new_ids, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            take(new_left[block.b + k], old_left[block.a + k])
    twins: dict[int, list[int]] = {}  # scene id → old indexes not taken yet, in order
    for i, key in zip(old_left, old_ids):
        if i not in used:
            twins.setdefault(key, []).append(i)
    for j, key in zip(new_left, new_ids):
        if j not in pairs and twins.get(key):
            options = twins[key]
            k = bisect_left(options, j)
            # the closest old twin; on a tie the earlier one, as min() over them in order gives
            if k == len(options) or (k > 0 and j - options[k - 1] <= options[k] - j):
                k -= 1
            take(j, options.pop(k))

    # 3. similar scenes: the full ratio only for each new scene's best few by the cheap upper bound
    old_counts = {i: Counter(c.words) for i, c in enumerate(old) if i not in used and c.text is not None}
    pool_of = _fuzzy_pool(old, new, sorted(old_counts), pairs)
    budget = sequence.budget_for([w for c in old for w in c.words], [w for c in new for w in c.words])
    scored = []
    for j, scene in enumerate(new):
        if j in pairs:
            continue
        counts = Counter(scene.words)
        bounds = []
        for i in pool_of(j):
            before = old[i]
            bonus = SAME_SLUGLINE_BONUS if before.key == scene.key else 0.0
            floor = SAME_SLUGLINE_MIN_RATIO if bonus else OTHER_SLUGLINE_MIN_RATIO
            sizes = len(before.words) + len(scene.words)
            if sizes and 2.0 * min(len(before.words), len(scene.words)) / sizes < floor:  # difflib's real_quick_ratio
                continue
            bound = sequence.quick_ratio(old_counts[i], counts, len(before.words), len(scene.words))
            if bound >= floor:
                bounds.append((-(bound + bonus), abs(i - j), i, floor, bonus))
        for _bound, distance, i, floor, bonus in sorted(bounds)[:FUZZY_CANDIDATES]:
            # All the ratios of one import share one budget, linear in the scripts' words.
            ratio, work = sequence.ratio(old[i].words, scene.words, budget=min(budget, sequence.budget_for(old[i].words, scene.words)))
            budget -= work
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


def _fuzzy_pool(old: list[Candidate], new: list[Candidate], left: list[int], pairs: dict[int, int]):
    """`pool(j)`: the old scenes (indexes from `left`, in order) step 3 weighs against new scene j.

    All of them when there are at most FUZZY_POOL; else the FUZZY_NEAREST closest in position,
    the FUZZY_SAME_SLUGLINE closest with the same slugline, and the FUZZY_RARE_WORDS sharing most
    of the new scene's rare words. Building costs the old scenes' words once; each pool costs
    the new scene's words and the pool's size.
    """
    if len(left) <= FUZZY_POOL:
        return lambda j: left
    by_key: dict[str, list[int]] = {}
    scenes_of: dict[str, list[int]] = {}  # word → old scenes using it, while they are few
    for i in left:
        by_key.setdefault(old[i].key, []).append(i)
        for word in set(old[i].words):
            holders = scenes_of.setdefault(word, [])
            if len(holders) <= RARE_WORD_SCENES:
                holders.append(i)

    def closest(options: list[int], j: int, count: int) -> list[int]:
        k = bisect_left(options, j)
        return options[max(0, k - count):k + count]

    def pool(j: int) -> list[int]:
        chosen = set(closest(left, j, FUZZY_NEAREST // 2)) | set(closest(by_key.get(new[j].key, []), j, FUZZY_SAME_SLUGLINE // 2))
        shared: Counter = Counter()
        for word in set(new[j].words):
            holders = scenes_of.get(word, ())
            if len(holders) <= RARE_WORD_SCENES:
                shared.update(holders)
        chosen.update(i for i, _ in shared.most_common(FUZZY_RARE_WORDS))
        return sorted(chosen)

    return pool


def moved(pairs: dict[int, int]) -> set[int]:
    """New indexes of matched scenes that changed place: those off a longest run of pairs in the same order."""
    order = sorted(pairs)
    keep = {j for j, _ in sequence.increasing_run([(j, pairs[j]) for j in order])}
    return {j for j in order if j not in keep}


# --- scene numbers ---------------------------------------------------------------------------

def _clean_number(number: str | None) -> str | None:
    """A forced `#…#` scene number reduced to what a scene number may hold (at most 14 characters), or None."""
    cleaned = re.sub(r"[^A-Za-z0-9.\-]", "", (number or "").strip())[:14]
    return cleaned or None


def unique_number(candidate: str, taken: set[str], _next_suffix: dict[str, int] | None = None) -> str:
    """`candidate`, or with the first free letter after it (12 → 12A → 12B...) when taken.

    `_next_suffix` (candidate → suffixes already known taken) lets a caller that numbers many
    scenes skip the letters it handed out before, so n clashes cost O(n), not O(n²).
    """
    suffix = _next_suffix.get(candidate, 0) if _next_suffix is not None else 0
    result = candidate if suffix == 0 else _suffixed(candidate, suffix - 1)
    while result in taken:
        result = _suffixed(candidate, suffix)
        suffix += 1
    if _next_suffix is not None:
        _next_suffix[candidate] = suffix
    return result


def _suffixed(candidate: str, suffix: int) -> str:
    return f"{candidate}{chr(ord('A') + suffix)}" if suffix < 26 else f"{candidate}-{suffix}"


def scene_numbers(parsed: list[fountain.ParsedScene], *, taken: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Scene numbers for parsed scenes: the script's own `#12A#` numbers, else counting on from the
    last number ('12' or '12A' → '13'; the first scene is '1').

    Unique within the script and against `taken`: a duplicate gets the next free letter (12, 12A, 12B...).
    """
    numbers: list[str] = []
    seen: set[str] = set(taken)
    suffixes: dict[str, int] = {}
    previous = ""
    for scene in parsed:
        number = _clean_number(scene.number)
        if not number:
            match = re.match(r"^(\d+)", previous)
            number = str(int(match.group(1)) + 1) if match else str(len(numbers) + 1)
        number = unique_number(number, seen, suffixes)
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
