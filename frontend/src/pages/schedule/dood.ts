// Pure helpers of the day-out-of-days table.
import type { DoodCast } from "../../api/schedule";

/** Mantine colour of a DOOD code: starts and work green, finishes orange, holds yellow, pickups blue, drops grey. */
export function codeColor(code: string): string {
  switch (code) {
    case "SW": case "SWF": return "green";
    case "W": return "teal";
    case "WF": case "WD": return "orange";
    case "H": return "yellow";
    case "PW": return "blue";
    case "D": return "gray";
    default: return "gray";
  }
}

/** Work, hold and drop days summed over the cast. */
export function doodTotals(cast: readonly Pick<DoodCast, "work_days" | "hold_days" | "drop_days">[]): { work: number; hold: number; drop: number } {
  return cast.reduce((t, c) => ({ work: t.work + c.work_days, hold: t.hold + c.hold_days, drop: t.drop + c.drop_days }), { work: 0, hold: 0, drop: 0 });
}
