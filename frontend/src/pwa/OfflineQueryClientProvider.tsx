// QueryClientProvider with the cache kept in IndexedDB (persist.ts): restored before the first query runs.
import { useIsRestoring, type QueryClient } from "@tanstack/react-query";
import { PersistQueryClientProvider } from "@tanstack/react-query-persist-client";
import { useEffect, useState, type ReactNode } from "react";
import { takeFirstRead } from "../api/firstReads";
import { keys } from "../api/keys";
import type { User } from "../api/types";
import { forgetOfflineData, offlinePersistOptions, persistNow } from "./persist";

/** How long start-up waits to hear from the server who is signed in before showing restored data anyway (offline-ish Wi-Fi). */
export const WHO_TIMEOUT_MS = 3000;

/**
 * Who the server says is signed in (GET /api/auth/me/): the user, null for nobody (401, 403), undefined when it could
 * not be asked (offline, timed out after `timeoutMs` milliseconds, a 5xx). main.tsx asks once at start-up, beside the
 * page's code and before the kept cache has been read from IndexedDB, and the answer serves both the owner check and
 * the `me` query (`checkRestoredOwner`): the sign-in check does not wait for IndexedDB, nor ask twice. A daily page
 * the server sent to a signed-in user carries the answer (api/firstReads.ts): then nothing is asked.
 */
export async function askWhoIsSignedIn(timeoutMs: number = WHO_TIMEOUT_MS): Promise<User | null | undefined> {
  const answered = takeFirstRead("/api/auth/me/"); // the page's own answer, when the server wrote it (api/firstReads.ts)
  if (answered) return answered.body as User;
  if (typeof navigator !== "undefined" && !navigator.onLine) return undefined;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch("/api/auth/me/", { credentials: "same-origin", headers: { Accept: "application/json" }, signal: abort.signal });
    if (response.status === 401 || response.status === 403) return null;
    if (!response.ok) return undefined;
    return (await response.json()) as User;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After a restore: when the server can be asked and someone other than the restored data's user is signed in (or
 * nobody is), the restored data is dropped before anything renders. The server's answer is then the `me` query's
 * data (no second request); when it could not be asked (offline), `me` is asked again by the sign-in check, and the
 * restored user stays meanwhile (its staleTime is Infinity, and a session may have ended while the tablet was off).
 * `ask` is the start-up's question (`askWhoIsSignedIn`), already under way.
 */
export async function checkRestoredOwner(client: QueryClient, ask: () => Promise<User | null | undefined> = askWhoIsSignedIn): Promise<void> {
  const restored = client.getQueryData<User | null>(keys.me);
  const current = await ask();
  if (restored?.id != null && current !== undefined && current?.id !== restored.id) {
    client.clear();
    await forgetOfflineData();
  }
  if (current === undefined) await client.invalidateQueries({ queryKey: keys.me });
  else client.setQueryData(keys.me, current);
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

/**
 * The app's QueryClientProvider: restores the kept queries (queries wait meanwhile), checks them against `who` (the
 * start-up's `askWhoIsSignedIn()`), then keeps them as they change.
 */
export function OfflineQueryClientProvider({ client, who, children }: {
  client: QueryClient; who: Promise<User | null | undefined>; children: ReactNode;
}) {
  const [persistOptions] = useState(offlinePersistOptions);
  return (
    <PersistQueryClientProvider client={client} persistOptions={persistOptions} onSuccess={() => checkRestoredOwner(client, () => who)}>
      <PersistWhenHidden client={client} />
      {children}
    </PersistQueryClientProvider>
  );
}
