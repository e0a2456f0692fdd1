// Merging two edits of one text (a note, a synopsis, a comment) made from the same original, as diff3 does: what
// neither side changed stays, a part only one side changed is taken from it, and where both changed the same part
// both versions are kept (mine first) for the person to tidy — a merge never drops what either side wrote.

/** Lines when the texts have several, else words, spaces and punctuation (a one-line field). */
function tokens(text: string, byLine: boolean): string[] {
  if (text === "") return [];
  return byLine ? text.split(/(?<=\n)/) : text.split(/(\s+|[,.;:!?()])/).filter((t) => t !== "");
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** base index → other index of a longest common subsequence of the two token lists. */
function lcs(base: readonly string[], other: readonly string[]): Map<number, number> {
  const n = base.length, m = other.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = base[i] === other[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const pairs = new Map<number, number>();
  for (let i = 0, j = 0; i < n && j < m;) {
    if (base[i] === other[j]) { pairs.set(i, j); i++; j++; }
    else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/** Texts past this many tokens (on each side) are not aligned: both versions are kept whole. */
const MAX_TOKENS = 3000;

/**
 * A three-way merge of `mine` and `theirs`, both edited from `base` (undefined when unknown: nothing is known to be
 * unchanged). The texts are aligned on what all three share; between those points a part only one side changed is
 * taken from that side, and a part both changed differently keeps both, mine then theirs.
 */
export function mergeText(base: string | undefined, mine: string, theirs: string): string {
  if (mine === theirs || theirs === base) return mine;
  if (mine === base) return theirs;
  const byLine = [base ?? "", mine, theirs].some((t) => t.includes("\n"));
  const [b, m, t] = [tokens(base ?? "", byLine), tokens(mine, byLine), tokens(theirs, byLine)];
  const joiner = byLine ? "\n" : " ";
  // Two versions of one part, mine then theirs: a line break between lines, a space between words (none before punctuation).
  const both = (x: string, y: string) => (x === "" ? y : y === "" ? x : /\s$/.test(x) || (!byLine && /^[\s,.;:!?)]/.test(y)) ? x + y : x + joiner + y);
  if (Math.max(b.length, m.length, t.length) > MAX_TOKENS) return both(mine, theirs);
  const [toMine, toTheirs] = [lcs(b, m), lcs(b, t)];
  const out: string[] = [];
  let [i, j, k] = [0, 0, 0];
  const chunk = (bEnd: number, mEnd: number, tEnd: number) => {
    const [bc, mc, tc] = [b.slice(i, bEnd), m.slice(j, mEnd), t.slice(k, tEnd)];
    if (same(mc, tc) || same(bc, tc)) out.push(...mc);
    else if (same(bc, mc)) out.push(...tc);
    else out.push(both(mc.join(""), tc.join("")));
  };
  for (let at = 0; at < b.length; at++) {
    const [jm, kt] = [toMine.get(at), toTheirs.get(at)];
    if (jm === undefined || kt === undefined || jm < j || kt < k) continue; // not a point both sides kept
    chunk(at, jm, kt);
    out.push(b[at]!);
    [i, j, k] = [at + 1, jm + 1, kt + 1];
  }
  chunk(b.length, m.length, t.length);
  return out.join("");
}
