// Registers Slate's service worker (/sw.js, src/pwa/sw.ts) for everyone who opens the app, signed in or not, so the
// shell is precached before the Wi-Fi drops, whether or not push notifications were turned on.
import { SW_URL } from "../push/push";

/** How often an open app asks for a newer worker (a tablet may stay open all day without a reload). */
export const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * Register /sw.js at scope "/" once the page has loaded, then check for a newer one every UPDATE_CHECK_MS.
 * `updateViaCache: "none"`: the browser never answers the update check from its HTTP cache (Django sends the worker
 * with `no-cache` anyway). A new worker takes over by itself (sw.ts); nothing here reloads the page, so nothing typed
 * is lost. Does nothing where there are no service workers (an insecure origin, jsdom) or in Vite's dev server
 * (which does not serve /sw.js). Returns the function that stops the update checks.
 */
export function registerAppServiceWorker(): () => void {
  if (!import.meta.env.PROD || typeof navigator === "undefined" || !("serviceWorker" in navigator)) return () => {};
  let timer: ReturnType<typeof setInterval> | undefined;
  const register = () => {
    navigator.serviceWorker.register(SW_URL, { scope: "/", updateViaCache: "none" }).then((registration) => {
      timer = setInterval(() => { if (navigator.onLine) void registration.update().catch(() => {}); }, UPDATE_CHECK_MS);
    }).catch((error: unknown) => console.warn("Slate: the service worker could not be registered; the app will not open offline.", error));
  };
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
  return () => { window.removeEventListener("load", register); if (timer) clearInterval(timer); };
}
