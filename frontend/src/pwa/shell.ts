// What the service worker (sw.ts) precaches and which navigations it answers with the app shell. Plain functions and
// constants, no worker globals, so the unit tests check them (shell.test.ts).
import type { PrecacheEntry } from "workbox-precaching";

/**
 * Paths a navigation may go to that are not the app's pages (project/urls.py), as NavigationRoute's `denylist`
 * (matched against path + query): the API (its docs included), Django's admin, the WebSocket, static and media
 * files (MEDIA_URL /files/, nginx's internal /_protected/), Prometheus' /metrics and the worker itself.
 */
export const NAVIGATION_DENYLIST: RegExp[] = [
  /^\/api(?:\/|$)/, /^\/admin(?:\/|$)/, /^\/ws(?:\/|$)/, /^\/static(?:\/|$)/, /^\/files(?:\/|$)/, /^\/_protected(?:\/|$)/,
  /^\/metrics(?:[/?]|$)/, /^\/sw\.js(?:\?|$)/,
];

/** Seconds a navigation waits for the network before the shell is shown instead (a Wi-Fi with no way through). */
export const NAVIGATION_TIMEOUT_S = 5;

/** Whether a navigation to `pathAndQuery` ("/productions/1/board?x=1") is one of the app's pages, answered with the shell offline. */
export function isAppNavigation(pathAndQuery: string): boolean {
  return !NAVIGATION_DENYLIST.some((pattern) => pattern.test(pathAndQuery));
}

/** The app shell's own URL: the build's index.html under Vite's `base` ("/static/app/" → "/static/app/index.html"). */
export function shellPath(base: string): string {
  return `${base.endsWith("/") ? base : `${base}/`}index.html`;
}

/**
 * The precache list with every URL made absolute under Vite's `base`. Workbox lists the build's files relative to
 * static/app/ ("assets/index-abc.js"), and would resolve them against the worker's own URL, /sw.js, which Django
 * serves from the site root for its scope: "/assets/index-abc.js" does not exist.
 */
export function shellEntries(entries: (string | PrecacheEntry)[], base: string): PrecacheEntry[] {
  const root = new URL(base.endsWith("/") ? base : `${base}/`, "https://slate.invalid");
  return entries.map((entry) => {
    const { url, ...rest } = typeof entry === "string" ? { url: entry, revision: null } : entry;
    const absolute = new URL(url, root);
    return { ...rest, url: absolute.pathname + absolute.search };
  });
}
