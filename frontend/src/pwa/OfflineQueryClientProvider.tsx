// QueryClientProvider with the cache kept in IndexedDB (persist.ts): restored before the first query runs.
import { useIsRestoring, type QueryClient } from "@tanstack/react-query";
import { PersistQueryClientProvider } from "@tanstack/react-query-persist-client";
import { useEffect, useState, type ReactNode } from "react";
import { keys } from "../api/keys";
import type { Id, User } from "../api/types";
import { forgetOfflineData, offlinePersistOptions, persistNow } from "./persist";

/** How long start-up waits to hear from the server who is signed in before showing restored data anyway (offline-ish Wi-Fi). */
export const WHO_TIMEOUT_MS = 3000;

/** Who the server says is signed in: their id, null for nobody, undefined when it could not be asked (offline, timed out, 5xx). */
export async function askWhoIsSignedIn(timeoutMs: number = WHO_TIMEOUT_MS): Promise<Id | null | undefined> {
  if (typeof navigator !== "undefined" && !navigator.onLine) return undefined;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch("/api/auth/me/", { credentials: "same-origin", headers: { Accept: "application/json" }, signal: abort.signal });
    if (response.status === 401 || response.status === 403) return null;
    if (!response.ok) return undefined;
    return ((await response.json()) as User).id;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After a restore: when the server can be asked and someone other than the restored data's user is signed in (or
 * nobody is), the restored data is dropped before anything renders; `me` is then asked again either way (its
 * staleTime is Infinity, and a session may have ended while the tablet was off).
 */
export async function checkRestoredOwner(client: QueryClient, ask: () => Promise<Id | null | undefined> = askWhoIsSignedIn): Promise<void> {
  const restored = client.getQueryData<User | null>(keys.me);
  if (restored?.id != null) {
    const current = await ask();
    if (current !== undefined && current !== restored.id) {
      client.clear();
      await forgetOfflineData();
      return;
    }
  }
  await client.invalidateQueries({ queryKey: keys.me });
}

/** Once restored, write the kept queries whenever the page is hidden or left (`persistNow`). */
function PersistWhenHidden({ client }: { client: QueryClient }) {
  const restoring = useIsRestoring();
  useEffect(() => {
    if (restoring) return;
    const hidden = () => { if (document.visibilityState === "hidden") void persistNow(client); };
    const left = () => void persistNow(client);
    document.addEventListener("visibilitychange", hidden);
    window.addEventListener("pagehide", left);
    return () => { document.removeEventListener("visibilitychange", hidden); window.removeEventListener("pagehide", left); };
  }, [client, restoring]);
  return null;
}

/** The app's QueryClientProvider: restores the kept queries (queries wait meanwhile), then keeps them as they change. */
export function OfflineQueryClientProvider({ client, children }: { client: QueryClient; children: ReactNode }) {
  const [persistOptions] = useState(offlinePersistOptions);
  return (
    <PersistQueryClientProvider client={client} persistOptions={persistOptions} onSuccess={() => checkRestoredOwner(client)}>
      <PersistWhenHidden client={client} />
      {children}
    </PersistQueryClientProvider>
  );
}
