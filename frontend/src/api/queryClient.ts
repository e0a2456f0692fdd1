// The app's one QueryClient configuration (main.tsx), also used by the tests that check cache behaviour.
import { QueryClient, replaceEqualDeep, type InvalidateOptions, type InvalidateQueryFilters, type QueryFilters, type RefetchOptions } from "@tanstack/react-query";
import { freshest } from "../realtime/dispatch";
import { busyRetryDelayMs, retryWhenBusy } from "./client";

/**
 * TanStack Query's client, except that invalidating or refetching a query whose *first* fetch is still in flight
 * starts that fetch again.
 *
 * TanStack Query joins an invalidation to a fetch in flight when the query has no data yet (`cancelRefetch` only
 * cancels a query that already has data: query-core `Query.fetch`, v5). A live event that arrives while a list is
 * first being read — a script's versions asked for as its card appears, while the import job saves v1 — would then
 * be answered by a read that began before the change, and the list would stay without it until the next change.
 * Here such a fetch is cancelled (reverted, silently) and the invalidation's refetch makes a new one.
 */
export class LiveQueryClient extends QueryClient {
  override invalidateQueries(filters?: InvalidateQueryFilters, options?: InvalidateOptions): Promise<void> {
    this.restartFirstFetches(filters);
    return super.invalidateQueries(filters, options);
  }

  override refetchQueries(filters?: QueryFilters, options?: RefetchOptions): Promise<void> {
    if (options?.cancelRefetch !== false) this.restartFirstFetches(filters);
    return super.refetchQueries(filters, options);
  }

  private restartFirstFetches(filters?: QueryFilters): void {
    for (const query of this.getQueryCache().findAll(filters)) {
      if (query.state.data === undefined && query.state.fetchStatus === "fetching") void query.cancel({ revert: true, silent: true });
    }
  }
}

/** A QueryClient as the app runs it: data stays fresh 30 s, no refetch on focus, and no fetch ever takes the cache back in time. */
export function makeQueryClient(): QueryClient {
  return new LiveQueryClient({
    defaultOptions: {
      // A fetch that left before a live event arrived never replaces the newer cached object (realtime/dispatch.ts, `freshest`).
      queries: { staleTime: 30_000, refetchOnWindowFocus: false, structuralSharing: (old, next) => replaceEqualDeep(old, freshest(old, next)) },
      mutations: { retry: retryWhenBusy, retryDelay: busyRetryDelayMs },
    },
  });
}
