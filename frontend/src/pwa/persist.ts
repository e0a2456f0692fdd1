// The last-seen production data, kept in IndexedDB so the app opens offline with the board, the scene pages, the take
// log and the call sheets as they were (TanStack Query's persister: @tanstack/react-query-persist-client with
// @tanstack/query-async-storage-persister over `idb`).
//
// Whose data: one slot, holding the cache of the user signed in when it was written. A cache with no signed-in user
// (signed out, or not yet signed in) is never written: writing it empties the slot. When the signed-in user changes
// under a running app (sign-out, a session that expired, another account), the slot is emptied at once and the
// in-memory queries are reset (`keepOffline`); at start-up, restored data is shown only once the server agrees who is
// signed in, when it can be asked (OfflineQueryClientProvider.tsx). So a second person on the same tablet never
// sees the first one's data.
import { createAsyncStoragePersister } from "@tanstack/query-async-storage-persister";
import { dehydrate, type DehydrateOptions, type Query, type QueryClient, type QueryKey } from "@tanstack/react-query";
import type { PersistedClient, PersistQueryClientOptions } from "@tanstack/react-query-persist-client";
import { openDB, type IDBPDatabase } from "idb";
import { forgetFirstReads } from "../api/firstReads";
import { keys } from "../api/keys";
import type { Id, User } from "../api/types";

/** How long kept data may be restored: a week covers a shooting week on a tablet that is seldom online. */
export const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** The build's id: data kept by another build (other shapes, other keys) is dropped, not restored. */
export const BUSTER = __SLATE_BUILD__;

/** Writes to IndexedDB at most once a second: the cache changes with every live event. */
export const THROTTLE_MS = 1000;

export const DATABASE = "slate-query-cache";
const STORE = "persisted";
export const STORAGE_KEY = "queries";

const head = (key: QueryKey | readonly unknown[]) => key[0] as string;

/**
 * The queries kept, by the first element of their key (api/keys.ts): what the board, the scene pages, the take log
 * and the call sheets need to render, and who is signed in. Not kept: media (lists of dailies, versions, clips),
 * scripts and their versions (a screenplay's text is large, and read online), jobs, operations, events, notifications,
 * AI and storyboard data, the day-out-of-days and call-sheet revisions.
 */
export const KEPT_QUERIES: ReadonlySet<string> = new Set([
  head(keys.me),
  // The production list, the production (its layout, role, timecode rate) and its crew.
  head(keys.productions), head(keys.production(0)), head(keys.members(0)),
  // The board and the scene pages: scenes, shots, takes, continuity notes, comments and the breakdown's elements.
  head(keys.scenes(0)), head(keys.scene(0)), head(keys.shots(0)), head(keys.takes(0)), head(keys.notes(0)),
  head(keys.comments({ kind: "scene", id: 0 })),
  head(keys.characters(0)), head(keys.castMembers(0)), head(keys.props(0)), head(keys.locations(0)),
  // The schedule and call sheets, and the take log's report of the day (pages/takes/report.ts, reportKey).
  head(keys.shootDays(0)), head(keys.strips(0)), head(keys.callSheets(0)), head(keys.callSheet(0)),
  head(keys.callSheetRecipients(0)), "day-report",
]);

/** Whether `query` goes into IndexedDB: a kept kind that has data (kept through a failed refetch, which keeps its data). */
export function shouldPersistQuery(query: Pick<Query, "queryKey" | "state">): boolean {
  return KEPT_QUERIES.has(String(query.queryKey[0])) && query.state.data !== undefined;
}

/** The id of the user a persisted cache belongs to: its `me` query's user, or null when nobody is signed in in it. */
export function signedInUser(client: PersistedClient): Id | null {
  const me = client.clientState.queries.find((query) => query.queryKey[0] === head(keys.me));
  const user = me?.state.data as User | null | undefined;
  return typeof user?.id === "number" ? user.id : null;
}

/** The persisted cache as stored: JSON, or "" when it has no signed-in user ("" empties the slot: see `idbStorage`). */
export function serializeClient(client: PersistedClient): string {
  return signedInUser(client) === null ? "" : JSON.stringify(client);
}

let database: Promise<IDBPDatabase> | null = null;

function open(): Promise<IDBPDatabase> {
  database ??= openDB(DATABASE, 1, { upgrade: (db) => { db.createObjectStore(STORE); } });
  return database;
}

/** The slot in IndexedDB (database "slate-query-cache", store "persisted"), as the persister's storage: "" deletes. */
export const idbStorage = {
  getItem: async (key: string): Promise<string | undefined> => (await open()).get(STORE, key) as Promise<string | undefined>,
  setItem: async (key: string, value: string): Promise<void> => {
    const db = await open();
    if (value) await db.put(STORE, value, key);
    else await db.delete(STORE, key);
  },
  removeItem: async (key: string): Promise<void> => { await (await open()).delete(STORE, key); },
};

/** Empty the slot now (not throttled): on sign-out, or when someone else is signed in. */
export function forgetOfflineData(): Promise<void> {
  return idbStorage.removeItem(STORAGE_KEY).catch(() => {});
}

const DEHYDRATE: DehydrateOptions = {
  shouldDehydrateQuery: shouldPersistQuery,
  // Writes made offline are the outbox's (src/offline/), kept in its own store; a paused mutation has no function to resume with.
  shouldDehydrateMutation: () => false,
};

/** The options of PersistQueryClientProvider: this build's kept queries, for a week, in IndexedDB. */
export function offlinePersistOptions(): Omit<PersistQueryClientOptions, "queryClient"> {
  return {
    persister: createAsyncStoragePersister({ storage: idbStorage, key: STORAGE_KEY, throttleTime: THROTTLE_MS, serialize: serializeClient }),
    maxAge: MAX_AGE_MS,
    buster: BUSTER,
    dehydrateOptions: DEHYDRATE,
  };
}

/**
 * Write the kept queries now, not at the throttled write's next turn: when the page is hidden or left (the tablet
 * switches apps or sleeps, a link leaves the page), which may be the last moment this page runs. Only once the
 * restore is done: before it, the cache has nobody signed in and writing it would empty the slot.
 */
export function persistNow(queryClient: QueryClient): Promise<void> {
  const client: PersistedClient = { buster: BUSTER, timestamp: Date.now(), clientState: dehydrate(queryClient, DEHYDRATE) };
  return idbStorage.setItem(STORAGE_KEY, serializeClient(client)).catch(() => {});
}

/** The signed-in user's id as the `me` query holds it: a number, null (signed out), or undefined (not known yet). */
function userIn(query: Query | undefined): Id | null | undefined {
  if (!query) return null;
  const user = query.state.data as User | null | undefined;
  return user === undefined ? undefined : (user?.id ?? null);
}

/**
 * Prepare `queryClient` for offline use; call once, before the first render. Kept queries stay in memory as long as
 * they may be restored (gcTime MAX_AGE_MS: an inactive query garbage-collected after the default 5 min would also
 * leave IndexedDB), `me` is never collected, and when the signed-in user changes from someone to anyone else the
 * slot is emptied and every other query reset (`forget`, by default `forgetOfflineData`). Returns the unsubscribe.
 */
export function keepOffline(queryClient: QueryClient, forget: () => Promise<void> = forgetOfflineData): () => void {
  for (const kept of KEPT_QUERIES) queryClient.setQueryDefaults([kept], { gcTime: MAX_AGE_MS });
  queryClient.setQueryDefaults(keys.me, { gcTime: Infinity });
  let owner = userIn(queryClient.getQueryCache().find({ queryKey: keys.me, exact: true })) ?? null;
  return queryClient.getQueryCache().subscribe((event) => {
    if (event.query.queryKey[0] !== head(keys.me)) return;
    const user = event.type === "removed" ? null : userIn(event.query);
    if (user === undefined || user === owner) return;
    const previous = owner;
    owner = user;
    if (previous === null) return; // signing in after nobody: nothing of anyone else's is left
    forgetFirstReads(); // the page's answers were the previous user's
    void forget();
    void queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== head(keys.me) });
  });
}
