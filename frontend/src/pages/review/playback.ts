// Frame math and the J/K/L transport of the review player: pure functions, tested in playback.test.ts.
import type { FilmstripMeta } from "../../api/types";
import { formatTimecode } from "../media/timecode";

/** What the player needs to know about an asset's picture: exact rate, frames, and its start timecode. */
export interface FrameClock {
  /** Frames per second (24000/1001 as a float). */
  fps: number;
  /** Frames in the proxy (frame n is shown during [n/fps, (n+1)/fps)). */
  frameCount: number;
  /** The rate as the API wrote it ("24000/1001"), for the timecode labels. */
  rate: string | number;
  /** The first frame's timecode as a frame count, and whether labels are drop-frame. */
  startFrames: number;
  dropFrame: boolean;
}

/** The frame shown at media time `t` seconds: floor(t × fps + 1e-3), within [0, frameCount − 1]. The 1e-3 absorbs float error at frame starts. */
export function frameAt(t: number, clock: Pick<FrameClock, "fps" | "frameCount">): number {
  const frame = Math.floor(t * clock.fps + 1e-3);
  return Math.max(0, Math.min(Math.max(0, clock.frameCount - 1), frame));
}

/** Where to seek to show frame `n`: the middle of its display interval, so rounding in the decoder can never land on a neighbour. */
export function timeOfFrame(n: number, clock: Pick<FrameClock, "fps">): number {
  return (n + 0.5) / clock.fps;
}

/** The SMPTE label of frame `n` of the asset: start timecode + n, at its rate (drop-frame aware). */
export function timecodeOf(n: number, clock: FrameClock): string {
  return formatTimecode(clock.startFrames + Math.max(0, n), clock.rate, { dropFrame: clock.dropFrame });
}

/** Frame `n` clamped to the asset. */
export function clampFrame(n: number, clock: Pick<FrameClock, "frameCount">): number {
  return Math.max(0, Math.min(Math.max(0, clock.frameCount - 1), Math.round(n)));
}

/** The comment to highlight: the last (by frame) whose frame is at or before `frame`, else the first one. */
export function nearestAtOrBefore<T extends { frame: number | null }>(items: readonly T[], frame: number): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    if (item.frame == null) continue;
    if (item.frame <= frame && (!best || item.frame >= (best.frame ?? -1))) best = item;
  }
  return best ?? items.filter((i) => i.frame != null).sort((a, b) => (a.frame ?? 0) - (b.frame ?? 0))[0];
}

/** Where the tile of frame `frame` sits in a filmstrip sprite, at `scale` × its size: CSS background size and position. */
export function filmstripTile(meta: FilmstripMeta, frame: number, fps: number, scale = 1): { index: number; size: string; position: string; width: number; height: number } {
  let index: number;
  if (meta.frames?.length) {
    index = 0;
    for (let i = 0; i < meta.frames.length; i++) if ((meta.frames[i] ?? 0) <= frame) index = i;
  } else {
    index = meta.interval_s > 0 ? Math.floor(frame / fps / meta.interval_s) : 0;
  }
  index = Math.max(0, Math.min(meta.count - 1, index));
  const w = meta.tile_width * scale;
  const h = meta.tile_height * scale;
  const column = index % meta.columns;
  const row = Math.floor(index / meta.columns);
  return { index, width: w, height: h, size: `${meta.columns * w}px ${meta.rows * h}px`, position: `-${column * w}px -${row * h}px` };
}

// --- J/K/L -----------------------------------------------------------------------------------------------------

/** Where the transport is: paused, or playing forward/backward at `rate` (1, 2, 4, 8). `kHeld` while K is down. */
export interface Transport { direction: "paused" | "forward" | "backward"; rate: number; kHeld: boolean }
export type TransportInput = "J" | "K" | "K-up" | "L" | "space";
/** What to do besides setting the new state: step one frame (K held with J/L). */
export interface TransportResult { state: Transport; step: -1 | 0 | 1 }

export const PAUSED: Transport = { direction: "paused", rate: 1, kHeld: false };
export const MAX_SHUTTLE_RATE = 8;

/**
 * The editors' J/K/L shuttle: L plays forward, L again doubles the speed (2×, 4×, 8×); J the same backward;
 * K pauses; K held with J or L steps one frame back or forward; space plays at 1× or pauses.
 */
export function transport(state: Transport, input: TransportInput): TransportResult {
  switch (input) {
    case "K": return { state: { ...PAUSED, kHeld: true }, step: 0 };
    case "K-up": return { state: { ...state, kHeld: false }, step: 0 };
    case "space":
      return { state: state.direction === "paused" ? { direction: "forward", rate: 1, kHeld: state.kHeld } : { ...PAUSED, kHeld: state.kHeld }, step: 0 };
    case "L":
    case "J": {
      const direction = input === "L" ? "forward" : "backward";
      if (state.kHeld) return { state: { ...PAUSED, kHeld: true }, step: input === "L" ? 1 : -1 };
      const rate = state.direction === direction ? Math.min(MAX_SHUTTLE_RATE, state.rate * 2) : 1;
      return { state: { direction, rate, kHeld: false }, step: 0 };
    }
    default: {
      const never: never = input;
      return never;
    }
  }
}

/** The transport in words for the player's status line: "▶ 2×", "◀ 1×", "Paused". */
export function transportLabel(state: Transport): string {
  if (state.direction === "paused") return "Paused";
  return `${state.direction === "forward" ? "▶" : "◀"} ${state.rate}×`;
}

/** Keyboard shortcuts are for the player only when the user is not typing (inputs, text areas, selects, contenteditable). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["button", "checkbox", "radio", "range", "submit", "reset", "file", "color"].includes(type);
}
