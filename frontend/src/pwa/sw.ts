/// <reference lib="webworker" />
// Slate's service worker, built by vite-plugin-pwa (injectManifest: Vite bundles this file with Workbox into
// static/app/sw.js and writes the precache list into `self.__WB_MANIFEST`). Django serves it at /sw.js, scope "/".
//
// - Precache: the app shell (index.html, the JS and CSS, the icons, the web app manifest), each at its
//   /static/app/ URL, so the app starts with no network: every chunk, the pages' (each loaded on first use, App.tsx)
//   and the seldom-opened parts' too, so any page opens offline, not only those opened while online.
// - Navigations to the app's pages: the network first (Django's page sets the CSRF cookie, and is always the newest
//   build), the precached index.html when the network fails, times out or answers 5xx; the app's router then
//   shows the page, from the data TanStack Query kept in IndexedDB (src/pwa/persist.ts). Never for /api/, /admin/,
//   /ws/, /static/, media, /metrics or the worker itself: those answer for themselves, or fail offline.
// - Nothing else is cached here: API data is the persister's (per signed-in user), media is not kept.
// - Updates: a new build's worker precaches the new shell, then takes over at once (skipWaiting + clientsClaim) and
//   deletes the old precache. A page already open keeps running the code it loaded; a chunk of its old build that it
//   loads later may be gone (src/lazy.tsx then reloads the page once, into the new build), and its next load is the
//   new build.
// - Push notifications: ../push/sw-push.js, in this same worker.
import { clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute, type PrecacheEntry } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { NetworkOnly } from "workbox-strategies";
import "../push/sw-push.js";
import { NAVIGATION_DENYLIST, NAVIGATION_TIMEOUT_S, shellEntries, shellPath } from "./shell";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

self.skipWaiting();
clientsClaim();

const BASE = import.meta.env.BASE_URL; // "/static/app/" (vite.config.ts)

precacheAndRoute(shellEntries(self.__WB_MANIFEST, BASE));
cleanupOutdatedCaches();

/** A navigation answered 5xx counts as failed: the shell (and the cached data) is more use on set than an error page. */
const serverErrorIsFailure = {
  fetchDidSucceed: async ({ response }: { response: Response }) => {
    if (response.status >= 500) throw new Error(`navigation answered ${response.status}`);
    return response;
  },
  handlerDidError: async () => (await matchPrecache(shellPath(BASE))) ?? Response.error(),
};

registerRoute(new NavigationRoute(
  new NetworkOnly({ networkTimeoutSeconds: NAVIGATION_TIMEOUT_S, plugins: [serverErrorIsFailure] }),
  { denylist: NAVIGATION_DENYLIST },
));
