// Applies each event to the TanStack Query cache: one typed switch (CONVENTIONS.md, "Events").
import type { Query, QueryClient, QueryKey } from "@tanstack/react-query";
import { keys, type CommentTargetKind } from "../api/keys";
import type { Notification } from "../api/notifications";
import type { CallSheet } from "../api/schedule";
import { lookdevKeys, orderRow, productMatches, storeItem, type GenerationOrder, type GenerationProduct, type ProductFilters } from "../api/lookdev";
import type { BreakdownSuggestion, Comment, Id, Job, MediaAsset, Production } from "../api/types";
import { isNotificationEvent, verbOf, type EntityEvent, type NotificationEvent, type SlateEvent } from "./events";
import { restoredAt } from "../pwa/restored";

type WithId = { id: Id | string };

function upsert<T extends WithId>(list: T[] | undefined, item: T, sortKey?: (t: T) => number | string): T[] | undefined {
  if (!list) return list;
  const index = list.findIndex((x) => x.id === item.id);
  const next = index === -1 ? [...list, item] : list.map((x, i) => (i === index ? item : x));
  if (sortKey) next.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  return next;
}

function remove<T extends WithId>(list: T[] | undefined, id: Id | string): T[] | undefined {
  return list?.filter((x) => x.id !== id);
}

const ENDED = new Set(["succeeded", "failed", "cancelled"]);

/** An ISO 8601 time in microseconds since the epoch: Django sends up to six fractional digits, `Date.parse` keeps three. */
export function isoMicros(iso: string): number {
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? "";
  return Date.parse(iso) * 1000 + Number(fraction.slice(3, 6).padEnd(3, "0"));
}

/**
 * Whether the cached `old` must be kept over `next` for the same object: a lower `version` never replaces a higher one.
 * Jobs have no version: a later save (`updated_at`) wins either way, so a retried job goes from failed back to pending,
 * and at the same `updated_at` a job that ended stays ended (a `job.progress` frame changes the cache, not `updated_at`).
 */
function olderThan(next: Record<string, unknown>, old: Record<string, unknown>): boolean {
  if (typeof old.version === "number" && typeof next.version === "number") return next.version < old.version;
  if (!("attempts" in old)) return false;
  if (typeof old.updated_at === "string" && typeof next.updated_at === "string") {
    const saved = isoMicros(next.updated_at) - isoMicros(old.updated_at);
    if (saved !== 0 && !Number.isNaN(saved)) return saved < 0;
  }
  return ENDED.has(old.status as string) && !ENDED.has(next.status as string);
}

/**
 * The data to cache when `next` (a fetch's result or an update) replaces `old`: `next`, except that an object
 * it holds in an older state than the cache (a REST answer that left before a live event was applied) keeps the
 * cached one. Used as the QueryClient's `structuralSharing`, so no screen ever goes back in time.
 */
export function freshest(old: unknown, next: unknown): unknown {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && "id" in x;
  if (Array.isArray(old) && Array.isArray(next)) {
    const byId = new Map(old.filter(isObject).map((x) => [x.id, x]));
    if (byId.size === 0) return next;
    return next.map((item: unknown) => {
      const cached = isObject(item) ? byId.get(item.id) : undefined;
      return cached && olderThan(item as Record<string, unknown>, cached) ? cached : item;
    });
  }
  if (isObject(old) && isObject(next) && old.id === next.id && olderThan(next, old)) return old;
  return next;
}

/** Put `item` into (or take it out of) the cached list at `key`, if that list is loaded. */
function applyToList<T extends WithId>(qc: QueryClient, key: QueryKey, deleted: boolean, item: T, sortKey?: (t: T) => number | string) {
  qc.setQueryData<T[]>(key, (old) => (deleted ? remove(old, item.id) : upsert(old, item, sortKey)));
}

/** Contact details no live event carries (apps/productions/permissions.py blanks them for every recipient). */
const CONTACT_FIELDS = ["email", "phone", "address", "emergency_contact"] as const;

/** `next` with the contact details the cached `cached` had where the event blanked them (also inside its `user`). */
function withCachedContacts<T>(cached: T | undefined, next: T): T {
  if (!cached || typeof next !== "object" || next === null) return next;
  const merged: Record<string, unknown> = { ...(next as Record<string, unknown>) };
  const old = cached as Record<string, unknown>;
  for (const field of CONTACT_FIELDS) if (merged[field] === "" && typeof old[field] === "string") merged[field] = old[field];
  if (typeof merged.user === "object" && merged.user !== null && typeof old.user === "object") merged.user = withCachedContacts(old.user, merged.user);
  return merged as T;
}

/**
 * A live change to a person (a cast member, a crew membership): applied keeping the contact details this screen was
 * allowed to fetch, since the event carries none; the list is then fetched again shortly, so a contact changed or
 * cleared meanwhile shows as the REST API lets this user see it.
 */
function applyPerson<T extends WithId>(qc: QueryClient, key: QueryKey, deleted: boolean, item: T, sortKey?: (t: T) => number | string) {
  const cached = qc.getQueryData<T[]>(key)?.find((x) => x.id === item.id);
  applyToList(qc, key, deleted, deleted ? item : withCachedContacts(cached, item), sortKey);
  if (!deleted && cached) {
    const hash = JSON.stringify(key);
    invalidateSoon(qc, `contacts:${hash}`, (q) => JSON.stringify(q.queryKey) === hash);
  }
}

/**
 * A live change to a call sheet: cached keeping the key contacts' phones this screen was allowed to fetch (an event
 * carries none: apps/callsheets/serializers.py `contacts_for`), so an editor's form does not lose them and a save does
 * not send them blank; where it kept one, the sheet is fetched again shortly, so a phone changed or cleared meanwhile
 * shows as the REST API lets this user see it.
 */
function applyCallSheet(qc: QueryClient, sheet: CallSheet): void {
  const key = keys.callSheet(sheet.id);
  const cached = qc.getQueryData<CallSheet>(key)?.key_contacts ?? [];
  let kept = false;
  const contacts = sheet.key_contacts?.map((row, i) => {
    const old = cached[i];
    if (row.phone || !old?.phone || old.role !== row.role || old.name !== row.name) return row;
    kept = true;
    return { ...row, phone: old.phone };
  });
  qc.setQueryData(key, kept ? { ...sheet, key_contacts: contacts } : sheet);
  if (kept) invalidateSoon(qc, `call-sheet-contacts:${sheet.id}`, sameKey(key));
}

function commentTarget(c: Comment): { kind: CommentTargetKind; id: Id } | null {
  for (const kind of ["scene", "shot", "take", "continuity_note", "media_asset"] as const) {
    const id = c[kind];
    if (id != null) return { kind, id };
  }
  return null;
}

/** Suggestions sorted by category, then name (the panel groups them by category). */
export const suggestionOrder = (s: BreakdownSuggestion) => `${s.category}\u0000${s.name.toLowerCase()}`;

type QueryPredicate = (q: Query) => boolean;
const pendingInvalidations = new WeakMap<QueryClient, { timer: ReturnType<typeof setTimeout>; predicates: Map<string, QueryPredicate> }>();
/** How long invalidations are gathered: a strip move sends one `strip.updated` per renumbered strip, and the DOOD and call sheets should be fetched once, after the last. */
export const INVALIDATE_DELAY_MS = 150;

/** Invalidate (refetch if shown) the queries `predicate` matches, once, shortly after the last request with the same `name`. */
function invalidateSoon(qc: QueryClient, name: string, predicate: QueryPredicate): void {
  let pending = pendingInvalidations.get(qc);
  if (!pending) {
    const predicates = new Map<string, QueryPredicate>();
    pending = {
      predicates,
      timer: setTimeout(() => {
        pendingInvalidations.delete(qc);
        void qc.invalidateQueries({ predicate: (q) => [...predicates.values()].some((match) => match(q)) });
      }, INVALIDATE_DELAY_MS),
    };
    pendingInvalidations.set(qc, pending);
  }
  pending.predicates.set(name, predicate);
}

const sameKey = (key: QueryKey): QueryPredicate => (q) => JSON.stringify(q.queryKey) === JSON.stringify(key);

/** Call sheets list their scenes from the schedule: a change to the schedule makes the production's sheets stale. */
function scheduleChanged(qc: QueryClient, p: Id): void {
  invalidateSoon(qc, `call-sheets:${p}`, (q) =>
    sameKey(keys.callSheets(p))(q) || (q.queryKey[0] === "call-sheet" && (q.state.data as CallSheet | undefined)?.production === p));
}

/**
 * A live change to a generated product, in every gallery list of its production: replaced where listed; a new one
 * put first where the list's filters say it belongs; where they cannot tell (a scene or machine filter the product
 * does not carry), the list is fetched again shortly.
 */
function applyProduct(qc: QueryClient, production: Id, deleted: boolean, product: GenerationProduct): void {
  for (const query of qc.getQueryCache().findAll({ queryKey: ["generation-products", production] })) {
    const filters = (query.queryKey[2] ?? {}) as ProductFilters;
    qc.setQueryData<GenerationProduct[]>(query.queryKey, (old) => {
      if (!old) return old;
      const listed = old.some((x) => x.id === product.id);
      if (deleted) return remove(old, product.id);
      const matches = productMatches(product, filters);
      if (matches === null) {
        const hash = JSON.stringify(query.queryKey);
        invalidateSoon(qc, `products:${hash}`, (q) => JSON.stringify(q.queryKey) === hash);
        return listed ? upsert(old, product) : old;
      }
      if (!matches) return listed ? remove(old, product.id) : old;
      return listed ? upsert(old, product) : [product, ...old];
    });
  }
}

/** Listeners told about each new notification as it arrives (the bell shows a toast). */
const notificationListeners = new Set<(n: Notification) => void>();
export function onNewNotification(listener: (n: Notification) => void): () => void {
  notificationListeners.add(listener);
  return () => { notificationListeners.delete(listener); };
}

/** The user's own events: whatever production is open, newest first in every cached list, and the unread count. */
function applyNotificationEvent(qc: QueryClient, event: NotificationEvent): void {
  const n = event.data;
  switch (event.type) {
    case "notification.created": {
      let known = false;
      qc.setQueriesData<Notification[]>({ queryKey: keys.notifications }, (old) => {
        if (!old) return old;
        if (old.some((x) => x.id === n.id)) { known = true; return old.map((x) => (x.id === n.id ? n : x)); }
        return [n, ...old];
      });
      if (!known && n.read_at === null) qc.setQueryData<number>(keys.unreadCount, (old) => (old === undefined ? old : old + 1));
      if (!known) for (const listener of notificationListeners) listener(n);
      return;
    }
    case "notification.updated":
      qc.setQueriesData<Notification[]>({ queryKey: keys.notifications }, (old) => old?.map((x) => (x.id === n.id ? n : x)));
      // "Read all" elsewhere sends one event per row: ask the server for the count rather than counting here.
      invalidateSoon(qc, "notifications-unread", sameKey(keys.unreadCount));
      return;
    default: {
      const never: never = event.type;
      return never;
    }
  }
}

/** Apply one server event to the cache. */
export function applyEvent(qc: QueryClient, event: SlateEvent): void {
  if (isNotificationEvent(event)) {
    applyNotificationEvent(qc, event);
    return;
  }
  if (event.type === "job.progress") {
    // A progress frame overtaken by the job's final `job.updated` must not make a finished job look running again.
    const finished = new Set(["succeeded", "failed", "cancelled"]);
    qc.setQueryData<Job[]>(keys.jobs(event.production), (old) =>
      old?.map((j) => (j.id === event.data.id && !finished.has(j.status)
        ? { ...j, status: "running", progress: event.data.progress, message: event.data.message, text: event.data.text ?? j.text }
        : j)));
    return;
  }
  if (event.type === "generation_item.progress") { storeItem(qc, event.data, true); return; }
  if (event.type === "presence.changed") return; // kept by the RealtimeProvider, not the cache
  applyEntityEvent(qc, event);
  qc.setQueryData<EntityEvent[]>(keys.events(event.production), (old) => (old && !old.some((e) => e.id === event.id) ? [event, ...old] : old));
}

function applyEntityEvent(qc: QueryClient, event: EntityEvent): void {
  const deleted = verbOf(event.type) === "deleted";
  const p = event.production;
  switch (event.entity) {
    case "production": {
      const keep = (old?: Production) => (old ? { ...event.data, my_role: old.my_role } : undefined);
      if (deleted) qc.removeQueries({ queryKey: keys.production(p) });
      else qc.setQueryData<Production>(keys.production(p), keep);
      qc.setQueryData<Production[]>(keys.productions, (old) =>
        deleted ? remove(old, p) : old?.map((x) => (x.id === p ? { ...event.data, my_role: x.my_role } : x)));
      return;
    }
    case "membership": applyPerson(qc, keys.members(p), deleted, event.data); return;
    case "invitation": void qc.invalidateQueries({ queryKey: keys.invitations(p) }); return;
    case "scene":
      applyToList(qc, keys.scenes(p), deleted, event.data, (s) => s.script_order);
      if (deleted) qc.removeQueries({ queryKey: keys.scene(event.data.id) });
      else qc.setQueryData(keys.scene(event.data.id), event.data);
      return;
    case "shot": applyToList(qc, keys.shots(event.data.scene), deleted, event.data, (s) => s.order); return;
    case "take":
      applyToList(qc, keys.takes(event.data.scene), deleted, event.data, (t) => t.number);
      invalidateSoon(qc, `shot-board:${event.data.shot}`, sameKey(lookdevKeys.board(event.data.shot))); // circled: the filmed take
      return;
    case "continuity_note": applyToList(qc, keys.notes(event.data.scene), deleted, event.data, (n) => -Date.parse(n.created_at)); return;
    case "continuity_photo": return; // the note's own `continuity_note.updated` carries its photos
    case "comment": {
      const target = commentTarget(event.data);
      if (target) applyToList(qc, keys.comments(target), deleted, event.data, (c) => c.created_at);
      return;
    }
    case "character": applyToList(qc, keys.characters(p), deleted, event.data, (c) => c.name); return;
    case "cast_member": applyPerson(qc, keys.castMembers(p), deleted, event.data, (c) => c.cast_id ?? 9999); return;
    case "prop": applyToList(qc, keys.props(p), deleted, event.data, (x) => x.name); return;
    case "location": applyToList(qc, keys.locations(p), deleted, event.data, (x) => x.name); return;
    case "script": applyToList(qc, keys.scripts(p), deleted, event.data); return;
    case "script_version": void qc.invalidateQueries({ queryKey: keys.scriptVersions(event.data.script) }); return;
    case "media_asset":
      // A shot's board: its frames (stills of the shot) and the poster of a take's clip (a clip names its take, not its shot).
      if (event.data.shot != null) invalidateSoon(qc, `shot-board:${event.data.shot}`, sameKey(lookdevKeys.board(event.data.shot)));
      else if (event.data.take != null) invalidateSoon(qc, "shot-boards", (q) => q.queryKey[0] === lookdevKeys.board(0)[0]);
      if (event.data.kind === "image") {
        // A still (storyboard frame) belongs to its shot's list, not the dailies.
        if (event.data.shot != null) applyToList(qc, keys.shotImages(event.data.shot), deleted || event.data.status === "failed", event.data, (m) => m.created_at);
      } else applyToList(qc, keys.media(p), deleted, event.data, (m) => -Date.parse(m.created_at));
      if (!deleted) qc.setQueryData(keys.mediaAsset(event.data.id), event.data);
      // Its lineage's version lists: replace it where listed; a new version (v2...) makes them fetch again.
      qc.setQueriesData<MediaAsset[]>({ queryKey: ["media-versions"] }, (old) =>
        old?.some((m) => m.id === event.data.id) ? (deleted ? remove(old, event.data.id) : upsert(old, event.data)) : old);
      if (event.data.first_version != null && verbOf(event.type) === "created") void qc.invalidateQueries({ queryKey: ["media-versions"] });
      return;
    case "clip": applyToList(qc, keys.clips(event.data.asset), deleted, event.data, (c) => -Date.parse(c.created_at)); return;
    case "job": {
      // The streamed text lives only in the cache (the REST job has none): a status change must not lose it.
      const text = qc.getQueryData<Job[]>(keys.jobs(p))?.find((j) => j.id === event.data.id)?.text;
      applyToList(qc, keys.jobs(p), deleted, text !== undefined && event.data.text === undefined ? { ...event.data, text } : event.data, (j) => -Date.parse(j.created_at));
      return;
    }
    case "breakdown_suggestion":
      applyToList(qc, keys.breakdownSuggestions(event.data.scene), deleted, event.data, suggestionOrder);
      return;
    case "storyboard_template": applyToList(qc, keys.storyboardTemplates(p), deleted, event.data, (t) => t.name.toLowerCase()); return;
    case "storyboard_favourite": applyToList(qc, keys.storyboardFavourites(p), deleted, event.data); return;
    case "shoot_day":
      applyToList(qc, keys.shootDays(p), deleted, event.data, (d) => d.number);
      invalidateSoon(qc, `dood:${p}`, sameKey(keys.dood(p))); // the DOOD's columns are the shoot days
      scheduleChanged(qc, p);
      return;
    case "strip":
      // Sorted by position; stable, so each day's strips stay in order within the list.
      applyToList(qc, keys.strips(p), deleted, event.data, (s) => s.position);
      invalidateSoon(qc, `dood:${p}`, sameKey(keys.dood(p)));
      scheduleChanged(qc, p);
      return;
    case "callsheet": // created / updated / deleted, and callsheet.published (a new revision)
      applyToList(qc, keys.callSheets(p), deleted, event.data, (c) => c.shoot_day_number);
      if (deleted) qc.removeQueries({ queryKey: keys.callSheet(event.data.id) });
      else applyCallSheet(qc, event.data);
      void qc.invalidateQueries({ queryKey: keys.callSheetRevisions(event.data.id) });
      return;
    case "callsheet_recipient": applyToList(qc, keys.callSheetRecipients(event.data.call_sheet), deleted, event.data); return;
    case "generation_order": {
      const order = event.data;
      applyToList<GenerationOrder>(qc, lookdevKeys.orders(p), deleted, orderRow(order), (o) => -Date.parse(o.created_at));
      if (deleted) qc.removeQueries({ queryKey: lookdevKeys.order(order.id) });
      else qc.setQueryData<GenerationOrder>(lookdevKeys.order(order.id), (old) => (old ? { ...order, items: order.items ?? old.items } : old));
      return;
    }
    case "generation_item": storeItem(qc, event.data); return;
    case "generation_product": applyProduct(qc, p, deleted, event.data); return;
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** The user's own notifications' queries. */
const NOTIFICATION_KEYS = new Set(["notifications", "notifications-unread"]);

/** Queries keyed by something other than the production id that a production's events keep fresh. */
const BY_OTHER_ID = new Set([
  "scene", "shots", "takes", "continuity-notes", "comments", "media-asset", "script-versions", "breakdown-suggestions", "shot-images",
  "clips", "media-versions", "call-sheet", "call-sheet-revisions", "call-sheet-recipients", "generation-order", "shot-board",
  // The user's own notifications: their events are never replayed, so whatever came while away is fetched.
  "notifications", "notifications-unread",
]);

/** Whether the query of `queryKey` holds data a production's stream keeps fresh (or the user's notifications). */
function ofProduction(queryKey: readonly unknown[], production: Id): boolean {
  const [kind, id] = queryKey as [string, unknown];
  return id === production || BY_OTHER_ID.has(kind);
}

/** After a resync (or a first subscribe), refetch everything of the production, and the user's notifications. */
export function refetchProduction(qc: QueryClient, production: Id): void {
  void qc.invalidateQueries({ predicate: (q) => ofProduction(q.queryKey, production) });
}

/**
 * After joining a production's stream from the first reads' position (src/realtime/positions.ts): what those reads
 * do not cover is fetched again — the production's data restored from the kept cache and not read since this page
 * loaded (src/pwa/restored.ts), and the user's notifications (never replayed).
 */
export function refetchNotCoveredByReads(qc: QueryClient, production: Id): void {
  void qc.invalidateQueries({
    predicate: (q) => NOTIFICATION_KEYS.has(String(q.queryKey[0])) || (ofProduction(q.queryKey, production) && restoredAt(q.state) !== null),
  });
}
