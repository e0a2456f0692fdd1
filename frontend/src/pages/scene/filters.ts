// Board filters: parsed from / written to the URL query string, applied to the scene list.
import type { Scene, SceneStatus } from "../../api/types";

export interface BoardFilters {
  /** Slugline location, exact (case-insensitive). */
  location: string;
  /** INT / EXT / INT/EXT / EST, exact. */
  intExt: string;
  /** Time of day (DAY, NIGHT…), exact (case-insensitive). */
  timeOfDay: string;
  /** Free text: every word must appear in the number, location, slugline or synopsis. */
  q: string;
}

export const EMPTY_FILTERS: BoardFilters = { location: "", intExt: "", timeOfDay: "", q: "" };

/** Query-string names, short so a pasted link stays readable: ?loc=LIBRARY&ie=INT&tod=NIGHT&q=gun */
const PARAM: Record<keyof BoardFilters, string> = { location: "loc", intExt: "ie", timeOfDay: "tod", q: "q" };

export function parseFilters(params: URLSearchParams): BoardFilters {
  return {
    location: params.get(PARAM.location) ?? "",
    intExt: params.get(PARAM.intExt) ?? "",
    timeOfDay: params.get(PARAM.timeOfDay) ?? "",
    q: params.get(PARAM.q) ?? "",
  };
}

/** The filters written into `params` (a copy): empty ones are left out; other query parameters are kept. */
export function writeFilters(params: URLSearchParams, filters: BoardFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const name of Object.keys(PARAM) as (keyof BoardFilters)[]) {
    const value = filters[name];
    if (value) next.set(PARAM[name], value); else next.delete(PARAM[name]);
  }
  return next;
}

export function hasFilters(filters: BoardFilters): boolean {
  return Boolean(filters.location || filters.intExt || filters.timeOfDay || filters.q.trim());
}

const norm = (s: string) => s.trim().toLocaleLowerCase();

export function matchesFilters(scene: Scene, filters: BoardFilters): boolean {
  if (filters.location && norm(scene.location) !== norm(filters.location)) return false;
  if (filters.intExt && scene.int_ext !== filters.intExt) return false;
  if (filters.timeOfDay && norm(scene.time_of_day) !== norm(filters.timeOfDay)) return false;
  const words = norm(filters.q).split(/\s+/).filter(Boolean);
  if (words.length) {
    const haystack = norm([scene.number, scene.location, scene.slugline, scene.synopsis].join("\n"));
    if (!words.every((w) => haystack.includes(w))) return false;
  }
  return true;
}

export function filterScenes(scenes: Scene[], filters: BoardFilters): Scene[] {
  return hasFilters(filters) ? scenes.filter((s) => matchesFilters(s, filters)) : scenes;
}

/** Distinct non-empty values of one scene field, sorted, for a filter's options (the chosen one is kept even when no scene has it now). */
export function distinctValues(scenes: Scene[], field: "location" | "time_of_day" | "int_ext", keep = ""): string[] {
  const seen = new Map<string, string>();
  for (const s of scenes) {
    const v = s[field].trim();
    if (v && !seen.has(v.toLocaleLowerCase())) seen.set(v.toLocaleLowerCase(), v);
  }
  if (keep && !seen.has(keep.toLocaleLowerCase())) seen.set(keep.toLocaleLowerCase(), keep);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/** INT/EXT options in the trade's order, only those present (plus the chosen one). */
export function intExtOptions(scenes: Scene[], keep = ""): string[] {
  const order = ["INT", "EXT", "INT/EXT", "EST"];
  const present = new Set(scenes.map((s) => s.int_ext).filter(Boolean) as string[]);
  if (keep) present.add(keep);
  return [...present].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
}

/** Scenes grouped by status, in script order within each column. */
export function groupByStatus(scenes: Scene[], statuses: readonly SceneStatus[]): Record<SceneStatus, Scene[]> {
  const out = Object.fromEntries(statuses.map((s) => [s, [] as Scene[]])) as Record<SceneStatus, Scene[]>;
  for (const scene of [...scenes].sort((a, b) => a.script_order - b.script_order)) out[scene.status]?.push(scene);
  return out;
}
