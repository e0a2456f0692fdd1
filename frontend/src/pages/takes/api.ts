// The take log's writes, as plain functions: one request each, no cache, no UI. The page puts what they answer in the
// cache; an offline outbox can call the same functions later (each carries everything it needs, `version` included).
import { api } from "../../api/client";
import type { Id, Take, TakeCamera, TakeSound, TimecodeRate } from "../../api/types";

/** What a take's fields may be set to (POST /api/takes/, PATCH /api/takes/{id}/). */
export interface TakeFields {
  circled: boolean; no_good: boolean; notes: string; cameras: TakeCamera[]; sound_roll: string; sound: TakeSound;
  timecode_in: string; timecode_out: string; timecode_rate: TimecodeRate; recorded_at: string;
}

/** Log a take on `shot` with the fields given; numbered next by the server unless `number` is given. 409 `take_number_taken` for a number the shot has. */
export function createTake(shot: Id, fields: Partial<TakeFields> & { number?: number } = {}): Promise<Take> {
  return api<Take>("/api/takes/", { method: "POST", json: { shot, ...fields } });
}

/**
 * One tap: the shot's next take, rolling now, rolls and lenses carried over by the server. `after` is the number of
 * the last take this device shows (0: none): when another device logged it first the answer is 409 `take_exists`
 * with that take in `extra.current`, and nothing is created.
 */
export function newTake(shot: Id, after: number, sound: TakeSound = "sync"): Promise<Take> {
  return api<Take>(`/api/shots/${shot}/new-take/`, { method: "POST", json: { after, sound } });
}

/** Change a take's fields, based on `version` (409 `conflict` with `extra.current` when someone changed it since). */
export function updateTake(take: Id, changes: Partial<TakeFields>, version: number): Promise<Take> {
  return api<Take>(`/api/takes/${take}/`, { method: "PATCH", json: { ...changes, version } });
}
