// SMPTE timecode (SMPTE ST 12-1): parse and format "HH:MM:SS:FF" labels as frame counts.
// Mirrors apps/media/timecode.py rule for rule (same cases in timecode.test.ts as tests/media/test_timecode.py), so the
// player shows exactly the label the API gives for a frame. Drop-frame ("HH:MM:SS;FF") exists only at 29.97 and 59.94:
// it skips frame numbers 0–1 (0–3 at 59.94) at the start of every minute except minutes 00, 10, 20, 30, 40, 50.

/** A frame rate: frames per second as a number (23.976, 25) or an ffprobe rational ("24000/1001", "25/1", "25"). */
export type Rate = number | string;

const TIMECODE = /^(\d{2})([:;])(\d{2})\2(\d{2})([:;.])(\d{2})$/;
const HOURS_PER_DAY = 24;

/** The rate as frames per second; throws for zero, negative or non-numeric rates. */
export function fpsOf(rate: Rate): number {
  let value: number;
  if (typeof rate === "number") value = rate;
  else {
    const [num, den = "1"] = rate.trim().split("/");
    value = Number(num) / Number(den);
    if (!/^-?\d+(\.\d+)?(\/\d+(\.\d+)?)?$/.test(rate.trim())) value = Number.NaN;
  }
  if (!Number.isFinite(value)) throw new Error(`frame rate ${JSON.stringify(rate)} is not a number`);
  if (value <= 0) throw new Error(`frame rate must be positive, got ${JSON.stringify(rate)}`);
  return value;
}

/** Whole timecode frames per second for a rate (23.976 → 24, 29.97 → 30). */
export function nominalFps(rate: Rate): number {
  return Math.max(1, Math.round(fpsOf(rate)));
}

/** True when drop-frame timecode is defined for the rate (29.97 or 59.94, i.e. N×1000/1001, within 0.01 fps). */
export function isDropFrameRate(rate: Rate): boolean {
  const nominal = nominalFps(rate);
  return (nominal === 30 || nominal === 60) && Math.abs(fpsOf(rate) - (nominal * 1000) / 1001) < 0.01;
}

const droppedPerMinute = (nominal: number) => Math.floor((2 * nominal) / 30);
const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Frames since 00:00:00:00 of a SMPTE label at a rate. "HH:MM:SS:FF" is non-drop; "HH:MM:SS;FF", "HH:MM:SS.FF" and
 * "HH;MM;SS;FF" are drop-frame. Throws an Error with a readable message for malformed labels, out-of-range fields,
 * drop-frame at a rate other than 29.97/59.94, and labels that drop-frame skips (00:01:00;00).
 */
export function parseTimecode(tc: string, rate: Rate): number {
  if (typeof tc !== "string") throw new Error(`timecode must be a string like 01:00:00:00, not ${JSON.stringify(tc)}`);
  const match = TIMECODE.exec(tc.trim());
  if (!match) throw new Error(`'${tc}' is not a timecode: expected HH:MM:SS:FF, or HH:MM:SS;FF for drop-frame`);
  const [, h, s1, m, s, s3, f] = match;
  if (s1 === ";" && s3 !== ";") throw new Error(`'${tc}' mixes separators: use HH:MM:SS;FF or HH;MM;SS;FF`);
  const [hh, mm, ss, ff] = [h, m, s, f].map(Number) as [number, number, number, number];
  const dropFrame = s3 === ";" || s3 === ".";
  const nominal = nominalFps(rate);
  if (hh >= HOURS_PER_DAY) throw new Error(`'${tc}': hours must be 00-23`);
  if (mm >= 60 || ss >= 60) throw new Error(`'${tc}': minutes and seconds must be 00-59`);
  if (ff >= nominal) throw new Error(`'${tc}': frames must be 00-${pad(nominal - 1)} at ${nominal} fps`);
  const frames = (hh * 3600 + mm * 60 + ss) * nominal + ff;
  if (!dropFrame) return frames;
  if (!isDropFrameRate(rate)) throw new Error(`'${tc}' is drop-frame timecode, which exists only at 29.97 and 59.94 fps (got ${rate})`);
  const drop = droppedPerMinute(nominal);
  if (ss === 0 && ff < drop && mm % 10 !== 0) {
    throw new Error(`'${tc}' does not exist in drop-frame timecode: frames 00-${pad(drop - 1)} are skipped at the start of every minute not divisible by 10`);
  }
  const totalMinutes = hh * 60 + mm;
  return frames - drop * (totalMinutes - Math.floor(totalMinutes / 10));
}

/**
 * The SMPTE label of a frame count at a rate; counts of 24 hours or more wrap around. `dropFrame` writes
 * "HH:MM:SS;FF" (only at 29.97/59.94). Throws for negative or fractional frames, or drop-frame at another rate.
 */
export function formatTimecode(frames: number, rate: Rate, { dropFrame }: { dropFrame: boolean }): string {
  if (!Number.isInteger(frames)) throw new Error(`frames must be a whole number, not ${frames}`);
  if (frames < 0) throw new Error(`frames must not be negative, got ${frames}`);
  const nominal = nominalFps(rate);
  let n = frames;
  if (dropFrame) {
    if (!isDropFrameRate(rate)) throw new Error(`drop-frame timecode exists only at 29.97 and 59.94 fps (got ${rate})`);
    const drop = droppedPerMinute(nominal);
    const perMinute = 60 * nominal - drop;
    const perTenMinutes = 10 * 60 * nominal - 9 * drop;
    n %= perTenMinutes * 6 * HOURS_PER_DAY;
    const tens = Math.floor(n / perTenMinutes);
    const rest = n % perTenMinutes;
    // Put the skipped labels back: 9 minutes' worth per full 10 minutes, plus one per minute begun within the ten.
    let skipped = 9 * drop * tens;
    if (rest >= drop) skipped += drop * Math.floor((rest - drop) / perMinute);
    n += skipped;
  } else {
    n %= nominal * 3600 * HOURS_PER_DAY;
  }
  const ff = n % nominal;
  const seconds = Math.floor(n / nominal);
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${dropFrame ? ";" : ":"}${pad(ff)}`;
}
