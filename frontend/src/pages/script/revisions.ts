// Revision colours once a script's pages are locked (apps/scripts/revision_pages.py: the WGA order after white).
const COLOURS = ["Blue", "Pink", "Yellow", "Green", "Goldenrod", "Buff", "Salmon", "Cherry"];
const ORDINALS = ["", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth"];

/** The colour of revision `level`: 0 "White" (the locked script), 1 "Blue" … 8 "Cherry", 9 "Second Blue". */
export function revisionColour(level: number): string {
  if (level <= 0) return "White";
  const round = Math.floor((level - 1) / COLOURS.length);
  const colour = COLOURS[(level - 1) % COLOURS.length] ?? "";
  return round === 0 ? colour : `${round < ORDINALS.length ? ORDINALS[round] : `${round + 1}th`} ${colour}`;
}
