// What the screens show while writes wait in the outbox: the server's objects (the query cache) with the pending
// changes on top and the pending creates added, each marked with its items' state. The cache itself keeps only what
// the server said, so a refetch or a reload never loses a pending change, and an answer never shows twice.
import type { Id } from "../api/types";
import type { ItemState, OutboxEntity, OutboxItem } from "./types";

/** How an object shown is pending: the worst state of its items (conflict > failed > sending > waiting). */
export interface PendingMark { state: ItemState; items: string[]; creating: boolean }
export type Shown<T> = T & { _outbox?: PendingMark };

const RANK: Record<ItemState, number> = { waiting: 0, sending: 1, failed: 2, conflict: 3 };

function mark(old: PendingMark | undefined, item: OutboxItem, creating = false): PendingMark {
  if (!old) return { state: item.state, items: [item.id], creating };
  return { state: RANK[item.state] > RANK[old.state] ? item.state : old.state, items: [...old.items, item.id], creating: old.creating || creating };
}

/**
 * The server's object this pending create became, found in the list before its answer is back (the live event can
 * arrive first): same parent and content, by the same person. Checked only while the item is being sent.
 */
export function sameObject(item: OutboxItem, candidate: Record<string, unknown>): boolean {
  const body = item.body;
  switch (item.kind) {
    case "note.create":
      return candidate.scene === body.scene && candidate.body === body.body && candidate.category === body.category && candidate.author === item.user;
    case "take.new":
    case "take.create":
      return candidate.shot === item.optimistic?.shot && candidate.number === item.optimistic?.number;
    case "comment.create":
      return candidate.body === body.body && candidate.author === item.user && (candidate.parent ?? null) === (body.parent ?? null);
    default:
      return false;
  }
}

const sameKey = (a: readonly unknown[] | undefined, b: readonly unknown[]) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * `list` (the cached list at `listKey`) as it should show: each pending update of an `entity` in it applied (its body
 * without `version`), each pending create for that list appended as its optimistic object. `ids` maps temp ids to the
 * server's (an edit of an offline take made before the take was sent). Sorted by `sortKey` when given. `list` itself
 * (the same array) when nothing waiting touches it and there is no `sortKey`: what is memoised on it stays.
 */
export function overlayList<T extends { id: Id }>(
  list: readonly T[] | undefined, items: readonly OutboxItem[], entity: OutboxEntity, listKey: readonly unknown[],
  ids: ReadonlyMap<number, Id | string>, sortKey?: (t: T) => number | string,
): Shown<T>[] | undefined {
  if (!list) return undefined;
  const out: Shown<T>[] = [...list];
  let changed = false;
  const index = new Map(out.map((x, i) => [x.id, i]));
  for (const item of items) {
    if (item.entity !== entity) continue;
    if (item.optimistic && sameKey(item.listKey, listKey)) {
      if (item.state === "sending" && out.some((x) => !x._outbox && sameObject(item, x as Record<string, unknown>))) continue;
      const mapped = item.tempId != null ? ids.get(item.tempId) : undefined;
      if (mapped !== undefined && index.has(mapped as Id)) continue;
      index.set(item.tempId as Id, out.length);
      out.push({ ...(item.optimistic as unknown as T), _outbox: mark(undefined, item, true) });
      changed = true;
      continue;
    }
    if (item.target == null || item.optimistic) continue;
    const id = (item.target < 0 ? ids.get(item.target) ?? item.target : item.target) as Id;
    const at = index.get(id);
    if (at === undefined) continue;
    const changes = { ...item.body };
    delete changes.version;
    const current = out[at] as Shown<T>;
    out[at] = { ...current, ...changes, _outbox: mark(current._outbox, item) };
    changed = true;
  }
  // Nothing waiting touches this list: the list itself, so what is memoised on it stays (the board's columns and cards).
  if (!changed && !sortKey) return list as Shown<T>[];
  if (sortKey) out.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  return out;
}

/** One object (a scene page's scene) with its pending updates applied. */
export function overlayOne<T extends { id: Id }>(object: T | undefined, items: readonly OutboxItem[], entity: OutboxEntity): Shown<T> | undefined {
  return object ? overlayList([object], items, entity, ["__one__"], new Map())?.[0] : undefined;
}

/** Photos waiting for a note (its id, or its temp id), in the order taken. */
export function pendingPhotos(items: readonly OutboxItem[], note: Id, ids: ReadonlyMap<number, Id | string>): OutboxItem[] {
  return items.filter((i) => i.kind === "note.photo" && i.photo && (i.target === note || (i.target != null && ids.get(i.target) === note)));
}
