// Which item goes next, and when to try again: pure functions over the queue.
import { dependenciesOf, isTempId } from "./tempIds";
import type { OutboxItem, SentRecord } from "./types";

/** The object an item writes, for keeping one object's writes in order: "take:42" (a temp id mapped when it can be). */
export function objectOf(item: Pick<OutboxItem, "entity" | "target" | "tempId" | "id" | "kind" | "optimistic">, ids: ReadonlyMap<number, unknown>): string {
  if (item.entity === "continuity_photo") return `photo:${item.id}`; // a photo waits only for its note to exist
  if (item.kind === "take.new") return `shot:${String(item.optimistic?.shot)}`; // one-tap takes of a shot go one after the other
  const id = item.tempId ?? item.target;
  const mapped = isTempId(id) && ids.has(id) ? ids.get(id) : id;
  return `${item.entity}:${String(mapped)}`;
}

/** temp id → server id, from the sent records. */
export function idMap(sent: readonly SentRecord[]): Map<number, SentRecord["serverId"]> {
  return new Map(sent.filter((r) => r.tempId != null).map((r) => [r.tempId as number, r.serverId]));
}

/**
 * For each waiting item that cannot go yet, the item it waits for: the create of an object it refers to, an earlier
 * item on the same object that is not sent (or failed, or conflicts: its outcome decides what this one is based on).
 * Items not in the map may be sent, in `seq` order.
 */
export function blockers(items: readonly OutboxItem[], sent: readonly SentRecord[]): Map<string, OutboxItem> {
  const ids = idMap(sent);
  const byTemp = new Map(items.filter((i) => i.tempId != null).map((i) => [i.tempId as number, i]));
  const lastOn = new Map<string, OutboxItem>(); // the latest earlier unsent item on each object
  const out = new Map<string, OutboxItem>();
  for (const item of items) {
    const object = objectOf(item, ids);
    const earlier = lastOn.get(object);
    if (item.state === "waiting" || item.state === "sending") {
      const missing = dependenciesOf(item).find((temp) => !ids.has(temp));
      const creator = missing !== undefined ? byTemp.get(missing) : undefined;
      if (creator) out.set(item.id, creator);
      else if (earlier) out.set(item.id, earlier);
      else if (item.base?.after && items.some((i) => i.id === item.base?.after)) out.set(item.id, items.find((i) => i.id === item.base?.after) as OutboxItem);
    }
    lastOn.set(object, item);
  }
  return out;
}

/** The next item to send: the first waiting one (in the order made) that waits for nothing. */
export function nextToSend(items: readonly OutboxItem[], sent: readonly SentRecord[]): OutboxItem | null {
  const blocked = blockers(items, sent);
  return items.find((i) => i.state === "waiting" && !blocked.has(i.id)) ?? null;
}

/**
 * The items discarded with `item`: itself, and every later item that needs what it creates (a note's photos, edits of
 * an offline take), and so on.
 */
export function withDependents(items: readonly OutboxItem[], item: OutboxItem): OutboxItem[] {
  const out = [item];
  const temps = new Set<number>(item.tempId != null ? [item.tempId] : []);
  for (const later of items) {
    if (later.id === item.id || (later.seq ?? 0) < (item.seq ?? 0)) continue;
    if (dependenciesOf(later).some((t) => temps.has(t))) {
      out.push(later);
      if (later.tempId != null) temps.add(later.tempId);
    }
  }
  return out;
}

/** Delays of the exponential back-off, before jitter: 1 s, 2 s, 4 s … at most a minute. */
export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;

/** How long to wait after `failures` tries in a row did not get through: 2^(n-1) s, capped at a minute, ±25% jitter. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
