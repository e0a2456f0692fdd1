// Pure helpers of the AI features: "off" messages, finding a feature's job, grouping breakdown suggestions, storyboard logs.
import { ApiError } from "../../api/client";
import type { AiFeatureStatus, BreakdownCategory, BreakdownSuggestion, Job } from "../../api/types";

export const WRITE_SCRIPT_KIND = "ai.write_script";
export const WRITE_SCENE_KIND = "ai.write_scene";
export const BREAKDOWN_KIND = "ai.breakdown";
export const STORYBOARD_KIND = "ai.storyboard";

/** "AI writing is off: set ANTHROPIC_API_KEY on the server." */
export function aiOffText(feature: string, variable: string): string {
  return `${feature} is off: set ${variable} on the server.`;
}

/** The variable to set when a start was answered 503 `not_configured` (the status said on, the server says off); else null. */
export function notConfiguredVariable(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== "not_configured") return null;
  return typeof error.extra.variable === "string" ? error.extra.variable : "";
}

/** Off unless the server says it is configured; `unknown` while the status loads (or could not be read). */
export function featureState(status: AiFeatureStatus | undefined): "on" | "off" | "unknown" {
  if (!status) return "unknown";
  return status.configured ? "on" : "off";
}

/**
 * The job to show: the one this user started (`mine`), else the newest matching one still running (someone else's —
 * the workspace is shared). `jobs` is the cached list, newest first.
 */
export function jobToShow(jobs: readonly Job[] | undefined, mine: string | null, match: (job: Job) => boolean): Job | undefined {
  if (!jobs) return undefined;
  const own = mine ? jobs.find((j) => j.id === mine) : undefined;
  return own ?? jobs.find((j) => match(j) && (j.status === "pending" || j.status === "running"));
}

/** The writing job's result: the new version's id and number, when it has succeeded. */
export function writtenVersion(job: Pick<Job, "status" | "result">): { id: number; number: number } | null {
  if (job.status !== "succeeded") return null;
  const { script_version_id: id, version } = job.result;
  return typeof id === "number" && typeof version === "number" ? { id, number: version } : null;
}

export const CATEGORY_ORDER: BreakdownCategory[] = [
  "cast", "extras", "props", "wardrobe", "makeup_hair", "set_dressing", "vehicles", "animals", "stunts", "special_effects", "sound", "special_equipment",
];
export const categoryLabel: Record<BreakdownCategory, string> = {
  cast: "Cast", extras: "Extras", props: "Props", wardrobe: "Wardrobe", makeup_hair: "Makeup & hair", vehicles: "Vehicles",
  animals: "Animals", stunts: "Stunts", special_effects: "Special effects", sound: "Sound", set_dressing: "Set dressing",
  special_equipment: "Special equipment",
};

/** Suggestions grouped by category in the breakdown sheet's order (unknown categories last), each group by name; empty groups left out. */
export function groupSuggestions(list: readonly BreakdownSuggestion[]): { category: BreakdownCategory; items: BreakdownSuggestion[] }[] {
  const groups = new Map<BreakdownCategory, BreakdownSuggestion[]>();
  for (const s of list) groups.set(s.category, [...(groups.get(s.category) ?? []), s]);
  const rank = (c: BreakdownCategory) => { const i = CATEGORY_ORDER.indexOf(c); return i === -1 ? CATEGORY_ORDER.length : i; };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([category, items]) => ({ category, items: [...items].sort((a, b) => a.name.localeCompare(b.name)) }));
}

/** Counts by status: how many are still to decide. */
export function suggestionCounts(list: readonly BreakdownSuggestion[]): Record<BreakdownSuggestion["status"], number> {
  const out = { pending: 0, accepted: 0, rejected: 0 };
  for (const s of list) out[s.status] += 1;
  return out;
}

/** The default storyboard prompt: the shot's own values and the order's style. */
export const DEFAULT_TEMPLATE = "{shot.type}, {shot.lens_mm}mm lens, {scene.location} at {scene.time_of_day}, {style}";

/** A job's messages as a log: `message` appended unless it repeats the last line; the newest `max` lines kept. */
export function appendLog(log: readonly string[], message: string, max = 8): string[] {
  const line = message.trim();
  if (!line || log[log.length - 1] === line) return log as string[];
  return [...log, line].slice(-max);
}
