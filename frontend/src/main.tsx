// Mantine's global styles; each component's own stylesheet comes with the component, in the chunk that shows it
// (vite.config.ts, mantineCssWithComponents), so a page loads only the CSS it uses.
import "@mantine/core/styles/baseline.css";
import "@mantine/core/styles/default-css-variables.css";
import "@mantine/core/styles/global.css";
import { MantineProvider } from "@mantine/core";
import { useNotifications } from "@mantine/notifications";
import { StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { App, preloadPageFor } from "./App";
import { makeQueryClient } from "./api/queryClient";
import { lazyComponent, LoadBoundary, useOnceTrue } from "./lazy";
import { askWhoIsSignedIn, OfflineQueryClientProvider } from "./pwa/OfflineQueryClientProvider";
import { keepOffline } from "./pwa/persist";
import { registerAppServiceWorker } from "./pwa/register";
import { cssVariablesResolver, theme } from "./theme";

const Notifications = lazyComponent(() => import("./toasts"), (m) => m.Notifications);

/** Mantine's toasts (src/toasts.tsx): the container loads with the first toast; until then toasts wait in its store. */
function Toasts() {
  const { notifications, queue } = useNotifications();
  if (!useOnceTrue(notifications.length > 0 || queue.length > 0)) return null;
  return (
    <LoadBoundary fallback={null}>
      <Suspense fallback={null}>
        <Notifications position="top-right" />
      </Suspense>
    </LoadBoundary>
  );
}

const queryClient = makeQueryClient();
// Who is signed in: asked now, beside the page's code, not once the kept cache has been read (OfflineQueryClientProvider).
const whoAtStart = askWhoIsSignedIn();
// Installable and opens offline: the kept queries go to IndexedDB (src/pwa/persist.ts), the shell is precached by the
// service worker (src/pwa/sw.ts), registered for everyone and not only when push is turned on.
keepOffline(queryClient);
registerAppServiceWorker();
// The page's own chunk and its first queries start loading now, beside the sign-in check, not after it (App.tsx).
preloadPageFor(window.location.pathname, queryClient);
// Back/forward cache: the page is served `no-cache`, not `no-store` (apps/core/views.py), so the browser may keep it
// whole when the person leaves it and show it again on Back. What it shows may have changed meanwhile, or the person
// may have signed out in another tab: a page shown again from that cache asks the server again (who is signed in
// and every query on screen; the live stream reconnects by itself and fills its gap).
window.addEventListener("pageshow", (event) => {
  if (event.persisted) void queryClient.invalidateQueries();
});

// The first render is an ordinary one (it shows the sign-in check's "Loading…" at once); what follows the check renders
// in a transition (App.tsx, RequireAuth). A transition here would keep index.html's "Loading Slate…" until the whole
// first page had rendered, and a page that never came would leave no trace on screen.
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="dark">
      <Toasts />
      <OfflineQueryClientProvider client={queryClient} who={whoAtStart}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </OfflineQueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
