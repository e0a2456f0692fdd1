"""Matching blocks, similarity ratios and unified diffs of two sequences, in bounded work.

difflib's SequenceMatcher (Ratcliff/Obershelp) gives the diffs and ratios people expect, but its
worst case is quadratic: a scene of 5,000 identical lines, or two long scenes sharing many
words, keeps it busy for minutes. Here it runs with a work budget proportional to the inputs'
length (`WORK_PER_ITEM` steps per item): within the budget the result is exactly difflib's;
past it (only hostile or absurd input gets there) the blocks come from a patience diff
(https://bramcohen.livejournal.com/73318.html: items unique to both sides anchor the match, a
longest increasing run of anchors keeps their order, equal neighbours extend each anchor),
which takes O(n log n). Sequences longer than any real scene (EXACT_MAX_ITEMS) first lose their
common head and tail, found by bisection at C speed. So every caller does work linear in its
input, up to a log factor.
"""
from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence

WORK_PER_ITEM = 64  # difflib steps allowed per item of both sequences before the patience fallback
_MIN_BUDGET = 4096
# Past this many items (both sides), difflib runs only between the common head and tail (found at C
# speed), as no real scene is that long: a changed line in a 100,000-line scene costs a bisection.
EXACT_MAX_ITEMS = 20_000


class WorkLimitExceeded(Exception):
    """difflib's matcher used up its work budget (see `BoundedMatcher`)."""


class BoundedMatcher(difflib.SequenceMatcher):
    """A SequenceMatcher that counts its steps and raises `WorkLimitExceeded` past `budget`.

    Steps are the items of `a` visited and the positions of `b` looked up for them, plus the
    extensions of a match: all the work of `find_longest_match`, which is where difflib spends
    its time. The code is difflib's (Python 3.11), with the counting added and the positions in
    range found by bisection (same result, less work).
    """

    def __init__(self, a: Sequence = "", b: Sequence = "", *, budget: int, autojunk: bool = True):
        self.budget = budget
        self.work = 0
        super().__init__(None, a, b, autojunk=autojunk)

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):  # noqa: C901 — difflib's own shape
        a, b, b2j, isbjunk = self.a, self.b, self.b2j, self.bjunk.__contains__
        if ahi is None:
            ahi = len(a)
        if bhi is None:
            bhi = len(b)
        besti, bestj, bestsize = alo, blo, 0
        j2len: dict[int, int] = {}
        nothing: list[int] = []
        work = self.work + (ahi - alo)
        for i in range(alo, ahi):
            j2lenget = j2len.get
            newj2len = {}
            positions = b2j.get(a[i], nothing)
            # difflib walks the positions from the first, skipping those before `blo`; the same
            # positions are found by bisection, so a long list costs only its part in range.
            first = bisect_left(positions, blo) if positions and positions[0] < blo else 0
            last = bisect_left(positions, bhi, first) if positions and positions[-1] >= bhi else len(positions)
            work += last - first
            if work > self.budget:
                raise WorkLimitExceeded()
            for j in positions[first:last]:
                k = newj2len[j] = j2lenget(j - 1, 0) + 1
                if k > bestsize:
                    besti, bestj, bestsize = i - k + 1, j - k + 1, k
            j2len = newj2len
        start = bestsize
        while besti > alo and bestj > blo and not isbjunk(b[bestj - 1]) and a[besti - 1] == b[bestj - 1]:
            besti, bestj, bestsize = besti - 1, bestj - 1, bestsize + 1
        while besti + bestsize < ahi and bestj + bestsize < bhi and not isbjunk(b[bestj + bestsize]) and a[besti + bestsize] == b[bestj + bestsize]:
            bestsize += 1
        while besti > alo and bestj > blo and isbjunk(b[bestj - 1]) and a[besti - 1] == b[bestj - 1]:
            besti, bestj, bestsize = besti - 1, bestj - 1, bestsize + 1
        while besti + bestsize < ahi and bestj + bestsize < bhi and isbjunk(b[bestj + bestsize]) and a[besti + bestsize] == b[bestj + bestsize]:
            bestsize = bestsize + 1
        self.work = work + (bestsize - start)
        if self.work > self.budget:
            raise WorkLimitExceeded()
        return difflib.Match(besti, bestj, bestsize)


def budget_for(a: Sequence, b: Sequence) -> int:
    """The work budget for comparing `a` and `b`: WORK_PER_ITEM steps per item (at least 4,096)."""
    return max(_MIN_BUDGET, WORK_PER_ITEM * (len(a) + len(b)))


def matcher(a: Sequence[Hashable], b: Sequence[Hashable], *, autojunk: bool = True,
            budget: int | None = None) -> BoundedMatcher:
    """A SequenceMatcher over `a` and `b` whose matching blocks are already found, in bounded work.

    Its `get_matching_blocks`, `get_opcodes`, `get_grouped_opcodes` and `ratio` are difflib's
    (with `autojunk` as given) when difflib finishes within `budget` steps (default
    `budget_for(a, b)`), else those of the patience diff (see the module docstring); `work` says
    how many steps difflib took. Costs O(budget + (len(a) + len(b)) log) at most.
    """
    found = BoundedMatcher(a, b, budget=budget_for(a, b) if budget is None else budget, autojunk=autojunk)
    if len(a) + len(b) > EXACT_MAX_ITEMS:
        head, tail = common_head(a, b), 0
        tail = common_head(a[head:][::-1], b[head:][::-1])
        middle = matcher(a[head:len(a) - tail], b[head:len(b) - tail], autojunk=autojunk,
                         budget=found.budget) if head or tail else None
        if middle is not None:
            found.work = middle.work
            blocks = [(0, 0, head)] if head else []
            blocks += [(i + head, j + head, size) for i, j, size in middle.get_matching_blocks()[:-1]]
            blocks += [(len(a) - tail, len(b) - tail, tail)] if tail else []
            found.matching_blocks = [difflib.Match(*block) for block in _merged(blocks)] + [difflib.Match(len(a), len(b), 0)]
            return found
    try:
        found.get_matching_blocks()
    except WorkLimitExceeded:
        found.matching_blocks = [difflib.Match(*block) for block in patience_blocks(a, b)]
    return found


def common_head(a: Sequence, b: Sequence) -> int:
    """How many leading items `a` and `b` share, by bisection over slice comparisons (C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _merged(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Blocks in order with adjacent ones joined, as difflib leaves them."""
    out: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if not size:
            continue
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + size)
        else:
            out.append((i, j, size))
    return out


def ratio(a: Sequence[Hashable], b: Sequence[Hashable], *, budget: int | None = None) -> tuple[float, int]:
    """difflib's `SequenceMatcher(None, a, b, autojunk=False).ratio()` (1.0 when both are empty),
    or, past the work budget (see `matcher`), the same measure over the patience diff's blocks
    (never higher). Returns `(ratio, steps of work spent)`."""
    found = matcher(a, b, autojunk=False, budget=budget)
    return found.ratio(), found.work


def quick_ratio(a: Counter, b: Counter, size_a: int, size_b: int) -> float:
    """difflib's `quick_ratio` from the two sides' item counts: 2 × shared items / total items.

    An upper bound of `ratio`. Costs O(the smaller side's distinct items).
    """
    if not size_a + size_b:
        return 1.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    shared = sum(min(count, large.get(item, 0)) for item, count in small.items())
    return 2.0 * shared / (size_a + size_b)


def unified_diff(a: Sequence[str], b: Sequence[str], *, context: int = 3) -> list[str]:
    """`difflib.unified_diff(a, b, lineterm="", n=context)` without its ---/+++ header, in bounded work.

    Lines: "@@ -1,3 +1,4 @@" hunk headers, " kept", "-gone", "+new".
    """
    out: list[str] = []
    for group in matcher(a, b).get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                out.extend("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                out.extend("+" + line for line in b[j1:j2])
    return out


def _range(start: int, stop: int) -> str:
    """A unified diff range, as difflib writes it ("3", "3,4", "2,0")."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def patience_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """Matching blocks `(i, j, size)` of a patience diff, in order, ending with difflib's `(len(a), len(b), 0)`.

    The common head and tail match; in between, the items that occur exactly once in each side
    and in the same order (a longest increasing run, found by patience sorting) match, and each
    such match grows over equal neighbours. O((len(a) + len(b)) log).
    """
    la, lb = len(a), len(b)
    head = common_head(a, b)
    tail = common_head(a[head:][::-1], b[head:][::-1])
    count_a = Counter(a[head:la - tail])
    count_b = Counter(b[head:lb - tail])
    where_b = {item: j for j, item in enumerate(b[head:lb - tail], start=head) if count_b[item] == 1}
    anchors = [(i, where_b[item]) for i, item in enumerate(a[head:la - tail], start=head)
               if count_a[item] == 1 and item in where_b]
    matched = [False] * la
    pairs = [(i, i, 1) for i in range(head)]
    for i, j in increasing_run(anchors):
        pairs.append((i, j, 1))
    # Grow every anchor over equal neighbours (forward, then backward), never across another match.
    pairs.sort()
    taken_b = [False] * lb
    for i, j, _ in pairs:
        matched[i] = taken_b[j] = True
    for offset in range(tail):
        matched[la - 1 - offset] = taken_b[lb - 1 - offset] = True
    grown = list(pairs)
    for i, j, _ in pairs:
        x, y = i + 1, j + 1
        while x < la and y < lb and not matched[x] and not taken_b[y] and a[x] == b[y]:
            matched[x] = taken_b[y] = True
            grown.append((x, y, 1))
            x, y = x + 1, y + 1
        x, y = i - 1, j - 1
        while x >= 0 and y >= 0 and not matched[x] and not taken_b[y] and a[x] == b[y]:
            matched[x] = taken_b[y] = True
            grown.append((x, y, 1))
            x, y = x - 1, y - 1
    grown += [(la - tail + k, lb - tail + k, 1) for k in range(tail)]
    grown.sort()
    return _merged(grown) + [(la, lb, 0)]


def increasing_run(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of `pairs` (sorted by first item) whose second items increase, found by
    patience sorting in O(n log n); of equally long runs, the one patience sorting finds."""
    tails: list[int] = []  # smallest second item ending a run of each length
    tail_at: list[int] = []
    previous = [-1] * len(pairs)
    for position, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(position)
        else:
            tails[k] = j
            tail_at[k] = position
        previous[position] = tail_at[k - 1] if k else -1
    run = []
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        run.append(pairs[position])
        position = previous[position]
    return run[::-1]
