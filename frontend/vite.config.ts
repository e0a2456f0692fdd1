/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA, type ManifestOptions } from "vite-plugin-pwa";

/** This build's id: the persisted query cache of another build is discarded (src/pwa/persist.ts, `buster`). */
const BUILD_ID = new Date().toISOString();

/** The dark theme's body colour (Mantine dark-7): the title bar and splash screen of the installed app match it. */
const THEME_COLOUR = "#242424";

/**
 * The web app manifest (W3C Web App Manifest), written to static/app/manifest.webmanifest and linked from index.html.
 * Icon URLs are relative to the manifest's URL, /static/app/: frontend/public/*.png, drawn by
 * frontend/scripts/app_icons.py. tests/project/test_web_app_manifest.py checks the built one.
 */
const webAppManifest: Partial<ManifestOptions> = {
  id: "/",
  name: "Slate",
  short_name: "Slate",
  description: "The film production workspace: script, scene board, schedule, call sheets, take log and dailies, on set too.",
  lang: "en",
  dir: "ltr",
  start_url: "/",
  scope: "/",
  display: "standalone",
  orientation: "any",
  theme_color: THEME_COLOUR,
  background_color: THEME_COLOUR,
  categories: ["productivity", "entertainment"],
  icons: [
    { src: "icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
    { src: "icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
    { src: "icon-maskable-192.png", sizes: "192x192", type: "image/png", purpose: "maskable" },
    { src: "icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    { src: "apple-touch-icon.png", sizes: "180x180", type: "image/png", purpose: "any" },
  ],
};

// Built into ../static/app/, served by Django (WhiteNoise) under /static/app/.
export default defineConfig({
  plugins: [
    react(),
    // The service worker (src/pwa/sw.ts, with the push handlers of src/push/sw-push.js) is built into
    // static/app/sw.js with the precache list injected, and served by Django at /sw.js (scope "/");
    // the app registers it itself (src/pwa/register.ts). The manifest is written and linked from index.html.
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src/pwa",
      filename: "sw.ts",
      injectRegister: false,
      manifest: webAppManifest,
      includeManifestIcons: false, // the glob below has them (listing them twice would be a precache conflict)
      injectManifest: {
        rollupFormat: "iife", // a classic script: registered without `type: "module"`
        globPatterns: ["**/*.{js,css,html,png,svg,ico,woff2}"],
        globIgnores: ["sw.js"],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024, // the app is one bundle of about 1.5 MB
      },
      devOptions: { enabled: false },
    }),
  ],
  define: { __SLATE_BUILD__: JSON.stringify(BUILD_ID) },
  base: "/static/app/",
  build: { outDir: "../static/app", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { "/api": "http://127.0.0.1:8000", "/ws": { target: "ws://127.0.0.1:8000", ws: true } } },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"], setupFiles: ["src/test/setup.ts"] },
});
