// Putting a saved object into the query cache at once (the realtime event will agree when it comes).
import type { QueryClient, QueryKey } from "@tanstack/react-query";

/** Insert or replace `item` in the cached list at `key` (if loaded); never replaces a newer version with an older one. */
export function putInList<T extends { id: number | string; version?: number }>(qc: QueryClient, key: QueryKey, item: T, sortKey?: (t: T) => number | string): void {
  qc.setQueryData<T[]>(key, (old) => {
    if (!old) return old;
    const index = old.findIndex((x) => x.id === item.id);
    const current = index === -1 ? undefined : old[index];
    if (current?.version !== undefined && item.version !== undefined && current.version > item.version) return old;
    const next = index === -1 ? [...old, item] : old.map((x, i) => (i === index ? item : x));
    if (sortKey) next.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    return next;
  });
}
