// "Is what the screen shows from the kept cache?" for the offline banner (src/offline/), without knowing how the
// cache is kept. Restored data keeps the time it was fetched (`dataUpdatedAt`), which is before this page loaded;
// anything fetched or changed by a live event since has a later one.
import { useIsRestoring, useQueryClient, type QueryClient, type QueryKey, type QueryState } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";

/** When this page was loaded (ms since the epoch): data older than this came from IndexedDB. */
const PAGE_LOADED_AT = typeof performance !== "undefined" ? performance.timeOrigin : Date.now();

/** When the data in `state` was fetched, if it was restored from the kept cache and not refreshed since; else null. */
export function restoredAt(state: Pick<QueryState, "data" | "dataUpdatedAt"> | undefined, loadedAt: number = PAGE_LOADED_AT): number | null {
  return state && state.data !== undefined && state.dataUpdatedAt > 0 && state.dataUpdatedAt < loadedAt ? state.dataUpdatedAt : null;
}

/**
 * The oldest fetch time (ms since the epoch) among restored, not yet refreshed data: of the query `queryKey` if given,
 * else of every query a mounted component uses. Null when what is shown is live (or nothing was restored).
 */
export function cachedSince(client: QueryClient, queryKey?: QueryKey, loadedAt: number = PAGE_LOADED_AT): number | null {
  if (queryKey) return restoredAt(client.getQueryState(queryKey), loadedAt);
  let oldest: number | null = null;
  for (const query of client.getQueryCache().getAll()) {
    if (query.getObserversCount() === 0) continue;
    const at = restoredAt(query.state, loadedAt);
    if (at !== null && (oldest === null || at < oldest)) oldest = at;
  }
  return oldest;
}

/** `cachedSince` as a hook, updated as queries change; null while the cache is being restored. */
export function useCachedSince(queryKey?: QueryKey): number | null {
  const client = useQueryClient();
  const restoring = useIsRestoring();
  const hash = queryKey ? JSON.stringify(queryKey) : "";
  const subscribe = useCallback((changed: () => void) => client.getQueryCache().subscribe(changed), [client]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `hash` stands for `queryKey` (a new array every render)
  const snapshot = useCallback(() => (restoring ? null : cachedSince(client, queryKey)), [client, restoring, hash]);
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** Whether the screen shows data restored from the kept cache and not refreshed since (the query `queryKey`, or any shown). */
export function useIsRestoredFromCache(queryKey?: QueryKey): boolean {
  return useCachedSince(queryKey) !== null;
}
