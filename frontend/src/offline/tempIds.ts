// Ids of objects made offline. A note or take created without a network gets a temp id at once — a negative integer,
// so it fits every `Id` in the app (lists, React keys, the cache) and can never be a server id — and writes that
// depend on it (its photo, an edit of its fields) carry that temp id until the create is sent and the server's id
// comes back; they are rewritten just before they are sent.
import type { Id } from "../api/types";
import type { OutboxItem, ResolvedItem, SentRecord } from "./types";

/** Temp ids are below this; server ids are positive. */
const TEMP_BELOW = -1e9;
let counter = 0;

/** A new temp id: -(milliseconds since the epoch × 1000 + a counter), unique on this device across reloads. */
export function newTempId(now: number = Date.now()): Id {
  counter = (counter + 1) % 1000;
  return -(now * 1000 + counter);
}

export function isTempId(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value < TEMP_BELOW;
}

/** Every temp id in a value (numbers in nested objects and arrays, and path segments like "/api/takes/-17…/"). */
export function tempIdsIn(value: unknown, out: Set<number> = new Set()): Set<number> {
  if (isTempId(value)) out.add(value);
  else if (typeof value === "string") for (const segment of value.split("/")) { const n = Number(segment); if (segment && isTempId(n)) out.add(n); }
  else if (Array.isArray(value)) for (const v of value) tempIdsIn(v, out);
  else if (value && typeof value === "object" && !(value instanceof Blob)) for (const v of Object.values(value)) tempIdsIn(v, out);
  return out;
}

/** The temp ids an item needs resolved before it can be sent (its own create's temp id does not count). */
export function dependenciesOf(item: Pick<OutboxItem, "path" | "body" | "target" | "tempId">): number[] {
  const found = tempIdsIn(item.body, tempIdsIn(item.path));
  if (isTempId(item.target)) found.add(item.target);
  if (item.tempId != null) found.delete(item.tempId);
  return [...found];
}

/** `value` with each temp id that `ids` maps replaced by the server's id (path segments included). */
export function replaceTempIds<T>(value: T, ids: ReadonlyMap<number, Id | string>): T {
  if (isTempId(value)) return (ids.get(value) ?? value) as T;
  if (typeof value === "string") return value.split("/").map((s) => { const n = Number(s); return s && isTempId(n) && ids.has(n) ? String(ids.get(n)) : s; }).join("/") as T;
  if (Array.isArray(value)) return value.map((v) => replaceTempIds(v, ids)) as T;
  if (value && typeof value === "object" && !(value instanceof Blob)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceTempIds(v, ids)])) as T;
  }
  return value;
}

/**
 * The item as it will be sent, or null while something it needs is missing: a temp id not yet mapped to a server id,
 * or (`base.after`) an earlier item on the same object not yet sent. `sent`: the records of items sent (store `sent`).
 * The version sent is that earlier item's answer's version when there is one, else the version the person saw; a new
 * take is logged after the number the shot's previous new take got.
 */
export function resolveItem(item: OutboxItem, sent: readonly SentRecord[]): ResolvedItem | null {
  const ids = new Map<number, Id | string>();
  for (const record of sent) if (record.tempId != null) ids.set(record.tempId, record.serverId);
  if (dependenciesOf(item).some((temp) => !ids.has(temp))) return null;
  const body = replaceTempIds(item.body, ids);
  const earlier = item.base?.after ? sent.find((r) => r.id === item.base?.after) : undefined;
  if (item.kind === "take.new") {
    if (earlier?.number != null) body.after = earlier.number;
  } else if (item.base) {
    body.version = earlier?.version ?? item.base.version;
  }
  const target = isTempId(item.target) ? (ids.get(item.target) as Id) : item.target;
  return { item, path: replaceTempIds(item.path, ids), body, target };
}
