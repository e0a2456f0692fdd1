// The app's one QueryClient configuration (main.tsx), also used by the tests that check cache behaviour.
import { QueryClient, replaceEqualDeep } from "@tanstack/react-query";
import { freshest } from "../realtime/dispatch";
import { busyRetryDelayMs, retryWhenBusy } from "./client";

/** A QueryClient as the app runs it: data stays fresh 30 s, no refetch on focus, and no fetch ever takes the cache back in time. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // A fetch that left before a live event arrived never replaces the newer cached object (realtime/dispatch.ts, `freshest`).
      queries: { staleTime: 30_000, refetchOnWindowFocus: false, structuralSharing: (old, next) => replaceEqualDeep(old, freshest(old, next)) },
      mutations: { retry: retryWhenBusy, retryDelay: busyRetryDelayMs },
    },
  });
}
