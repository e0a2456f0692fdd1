// Pure helpers of the take log: timecode entry on a tablet, durations as a script supervisor writes them, cameras,
// and the shot that stays chosen.
import type { Id, Take, TakeCamera, TimecodeRate } from "../../api/types";
import { isDropFrameRate, parseTimecode } from "../media/timecode";

/**
 * A timecode as typed on a tablet's number pad, written the SMPTE way: "01000000" or "1:0:0:0" → "01:00:00:00".
 * Eight digits (or four groups) are read as HH MM SS FF; `dropFrame` puts ";" before the frames. Anything else comes
 * back trimmed, for the check to explain. "" stays "".
 */
export function typedTimecode(text: string, dropFrame = false): string {
  const value = text.trim();
  const digits = /^\d{8}$/.test(value) ? [value.slice(0, 2), value.slice(2, 4), value.slice(4, 6), value.slice(6, 8)] : null;
  const groups = digits ?? (/^\d{1,2}([:;.])\d{1,2}[:;.]\d{1,2}[:;.]\d{1,2}$/.test(value) ? value.split(/[:;.]/) : null);
  if (!groups) return value;
  const drop = digits ? dropFrame : /[;.]\d{1,2}$/.test(value);
  const [hh, mm, ss, ff] = groups.map((g) => g.padStart(2, "0"));
  return `${hh}:${mm}:${ss}${drop ? ";" : ":"}${ff}`;
}

/** Why `label` is not a timecode at `rate` (SMPTE ST 12-1, as the server checks it), or null when it is (or is blank). */
export function timecodeProblem(label: string, rate: TimecodeRate): string | null {
  if (!label) return null;
  try {
    parseTimecode(label, rate);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.replace(/^'[^']*'(: )?/, "") || e.message : String(e);
  }
}

/** Whether a digits-only timecode typed for this take should be drop-frame: its other label is, at a rate that has it. */
export function dropFrameOf(take: Pick<Take, "timecode_in" | "timecode_out" | "timecode_rate">): boolean {
  return isDropFrameRate(take.timecode_rate) && [take.timecode_in, take.timecode_out].some((tc) => /[;.]\d{2}$/.test(tc));
}

/** A take's length as written on the log: 74.07 → "1:14", 9.5 → "0:10"; "—" without one. */
export function durationText(seconds: number | null | undefined): string {
  if (seconds == null) return "—";
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** Minutes of screen time as a report says them: 685.7 → "11:26". */
export const minutesText = durationText;

/** The next camera letter not on the take (A, B, C…), or null when all 26 are. */
export function nextCamera(cameras: readonly TakeCamera[]): string | null {
  const used = new Set(cameras.map((c) => c.camera));
  for (let code = 65; code <= 90; code++) {
    const letter = String.fromCharCode(code);
    if (!used.has(letter)) return letter;
  }
  return null;
}

/** The shot's takes, newest (highest number) first. */
export function newestFirst(takes: readonly Take[], shot: Id): Take[] {
  return takes.filter((t) => t.shot === shot).sort((a, b) => b.number - a.number);
}

const STORAGE = (production: Id) => `slate.take-log.${production}`;

/** The scene and shot last chosen on this device for the production (the current shot stays chosen across visits). */
export function rememberedShot(production: Id, storage: Pick<Storage, "getItem"> = localStorage): { scene: Id; shot: Id } | null {
  try {
    const value: unknown = JSON.parse(storage.getItem(STORAGE(production)) ?? "null");
    if (value && typeof value === "object" && "scene" in value && "shot" in value && typeof value.scene === "number" && typeof value.shot === "number") {
      return { scene: value.scene, shot: value.shot };
    }
  } catch { /* a damaged value is no choice */ }
  return null;
}

export function rememberShot(production: Id, choice: { scene: Id; shot: Id }, storage: Pick<Storage, "setItem"> = localStorage): void {
  try { storage.setItem(STORAGE(production), JSON.stringify(choice)); } catch { /* storage full or off: the choice lasts this visit */ }
}
