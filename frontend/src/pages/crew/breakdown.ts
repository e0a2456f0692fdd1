// Pure helpers of the breakdown screen: tabs in the URL, list upkeep, change sets, scene numbers, prop status.
import { ApiError } from "../../api/client";
import type { CastMember, Id, Prop, Scene } from "../../api/types";

export const BREAKDOWN_TABS = ["cast", "characters", "props", "locations"] as const;
export type BreakdownTab = (typeof BREAKDOWN_TABS)[number];

/** The tab named by `?tab=` (a pasted link), else the first one (cast). */
export function parseTab(value: string | null | undefined): BreakdownTab {
  const v = (value ?? "").toLowerCase();
  return (BREAKDOWN_TABS as readonly string[]).includes(v) ? (v as BreakdownTab) : "cast";
}

type WithId = { id: Id };

/** `list` with `item` replaced (same id) or appended; undefined stays undefined (list not loaded). */
export function upsertById<T extends WithId>(list: T[] | undefined, item: T): T[] | undefined {
  if (!list) return list;
  const index = list.findIndex((x) => x.id === item.id);
  return index === -1 ? [...list, item] : list.map((x, i) => (i === index ? item : x));
}

export function removeById<T extends WithId>(list: T[] | undefined, id: Id): T[] | undefined {
  return list?.filter((x) => x.id !== id);
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const sa = [...a].map(String).sort();
    const sb = [...b].map(String).sort();
    return sa.every((x, i) => x === sb[i]);
  }
  return (a ?? null) === (b ?? null);
}

/** The fields of `values` that differ from `original` (arrays compared as sets): what a PATCH sends. */
export function changedFields<T extends object>(original: T, values: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    if (!same(original[key], values[key])) out[key] = values[key];
  }
  return out;
}

export interface FormErrors { fields: Record<string, string>; form: string | null }

/**
 * Split an API error into messages next to the form's own fields and one message for the form
 * (`__all__`, `non_field_errors`, fields the form does not show, or an error without fields).
 */
export function formErrors(error: unknown, known: readonly string[]): FormErrors {
  if (!(error instanceof ApiError)) return { fields: {}, form: error instanceof Error ? error.message : "Something went wrong." };
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const [name, message] of Object.entries(error.fields)) {
    if (known.includes(name)) fields[name] = message;
    else other.push(message);
  }
  const form = other.length ? other.join(" ") : Object.keys(fields).length ? null : error.message;
  return { fields, form };
}

/** The scenes of `ids`, in script order (unknown ids are left out). */
export function scenesOf(ids: readonly Id[], byId: ReadonlyMap<Id, Scene>): Scene[] {
  return ids.map((id) => byId.get(id)).filter((s): s is Scene => s !== undefined).sort((a, b) => a.script_order - b.script_order);
}

/** Options for a scene MultiSelect: value = id, label = scene number, in script order. */
export function sceneOptions(scenes: readonly Scene[]): { value: string; label: string }[] {
  return [...scenes].sort((a, b) => a.script_order - b.script_order).map((s) => ({ value: String(s.id), label: s.number || `#${s.id}` }));
}

export const PROP_STATUSES: Prop["status"][] = ["needed", "sourced", "ready"];
export const propStatusLabel: Record<Prop["status"], string> = { needed: "Needed", sourced: "Sourced", ready: "Ready on set" };
export const propStatusColor: Record<Prop["status"], string> = { needed: "red", sourced: "yellow", ready: "green" };

/** Cast in call-sheet order: cast id first (1 = lead), those without one after, then by name. */
export function sortCast(cast: readonly CastMember[]): CastMember[] {
  return [...cast].sort((a, b) => (a.cast_id ?? Infinity) - (b.cast_id ?? Infinity) || a.name.localeCompare(b.name));
}

export function sortByName<T extends { name: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => a.name.localeCompare(b.name));
}

/** "#3 Jane Doe" for a cast member with a cast id, else the name. */
export function castLabel(c: Pick<CastMember, "name" | "cast_id">): string {
  return c.cast_id != null ? `#${c.cast_id} ${c.name}` : c.name;
}

/** Case-insensitive "does any of these texts contain the query" (an empty query matches everything). */
export function matches(query: string, ...texts: (string | null | undefined)[]): boolean {
  const q = query.trim().toLowerCase();
  return !q || texts.some((t) => (t ?? "").toLowerCase().includes(q));
}
