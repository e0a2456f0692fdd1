import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "@mantine/charts/styles.css";
import { MantineProvider, createTheme, type CSSVariablesResolver } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { App } from "./App";
import { makeQueryClient } from "./api/queryClient";
import { OfflineQueryClientProvider } from "./pwa/OfflineQueryClientProvider";
import { keepOffline } from "./pwa/persist";
import { registerAppServiceWorker } from "./pwa/register";

const theme = createTheme({
  primaryColor: "yellow",
  fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
  defaultRadius: "md",
  // Text on a filled colour is dark or white by the colour's luminance: white on the yellow primary is 2.5:1 (WCAG AA asks 4.5:1).
  autoContrast: true,
  components: {
    // On set: touch targets of at least 44 px.
    Button: { defaultProps: { size: "md" } },
    ActionIcon: { defaultProps: { size: 44 } },
  },
});

// WCAG AA (4.5:1 for text). Links are the primary colour, and no Mantine yellow reaches it on white: a dark amber in the
// light theme (5.5:1). Mantine's dimmed text (gray 6 on white, dark 2 on dark 7 and on a hovered row) is 3.3-3.9:1: one shade further.
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-anchor": "#8f5f00", "--mantine-color-dimmed": "var(--mantine-color-gray-7)" },
  dark: { "--mantine-color-dimmed": "var(--mantine-color-dark-1)" },
});

const queryClient = makeQueryClient();
// Installable and opens offline: the kept queries go to IndexedDB (src/pwa/persist.ts), the shell is precached by the
// service worker (src/pwa/sw.ts), registered for everyone and not only when push is turned on.
keepOffline(queryClient);
registerAppServiceWorker();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="dark">
      <Notifications position="top-right" />
      <OfflineQueryClientProvider client={queryClient}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </OfflineQueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
