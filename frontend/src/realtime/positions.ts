// Where a production's stream stood when each REST read began (the server's `Slate-Stream-Seq`, apps/realtime/
// positions.py), so that joining the stream after the first reads resumes from them instead of fetching everything
// again, and a read that began before what the stream has already applied is made again rather than shown stale.
import type { Id } from "../api/types";

/** The request header naming the production a read belongs to, and the answer's header with its stream position. */
export const PRODUCTION_HEADER = "Slate-Production";
export const POSITION_HEADER = "Slate-Stream-Seq";

/** What the tab's stream client tells this module: the seq it has applied up to for a production (undefined: not joined). */
export interface StreamFloor { appliedSeq(production: Id): number | undefined }

let stream: StreamFloor | null = null;
/** The lowest position among reads made before the production's stream was joined, by production. */
const beforeJoining = new Map<Id, number>();

/** The tab's stream client from now on (null when it stops). */
export function setStreamFloor(floor: StreamFloor | null): void {
  stream = floor;
}

/** The production of the page on screen (/productions/:id/...), which the app's reads belong to; undefined elsewhere. */
export function pageProduction(pathname: string = typeof location !== "undefined" ? location.pathname : ""): Id | undefined {
  const match = /^\/productions\/(\d{1,15})(?:\/|$)/.exec(pathname);
  return match ? Number(match[1]) : undefined;
}

/**
 * A read of `production` answered at stream position `seq` (a non-negative integer). Answers true when the read must
 * be made again: the stream has already applied events after `seq` to what is on screen, and this answer, older,
 * would overwrite them. Before the stream is joined the position is kept for `startFor`.
 */
export function readAt(production: Id, seq: number): boolean {
  const applied = stream?.appliedSeq(production);
  if (applied === undefined) {
    beforeJoining.set(production, Math.min(beforeJoining.get(production) ?? seq, seq));
    return false;
  }
  return seq < applied;
}

/**
 * Where joining `production`'s stream for the first time should start: the lowest position among the reads made
 * before (everything up to it is in every answer on screen; the server replays what came after), or undefined when
 * no read said (the client then fetches again once joined). Each position is used once.
 */
export function startFor(production: Id): number | undefined {
  const seq = beforeJoining.get(production);
  beforeJoining.delete(production);
  return seq;
}

/** Forget every kept position (tests; signing out). */
export function forgetPositions(): void {
  beforeJoining.clear();
}
