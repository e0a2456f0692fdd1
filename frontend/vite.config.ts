/// <reference types="vitest/config" />
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA, type ManifestOptions } from "vite-plugin-pwa";
import { dailyPagesChunks, pagePreloads } from "./config/dailyPagesChunks.ts";

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

/**
 * Mantine's CSS with the components that use it, so each route's chunk brings only the styles of the components it
 * shows (https://mantine.dev/styles/css-files-list: a component's own file, after those of the components it is made
 * of). Every Mantine component imports its class names from a `<Name>.module.mjs`; this adds, at the top of that
 * module, the import of the matching stylesheet: @mantine/core's `styles/<Name>.css`, or another Mantine package's
 * one `styles.css`. The import order of the modules (a component's parts first) is then the order of its CSS, and
 * Vite's CSS code splitting puts each stylesheet in the chunk of the JavaScript that needs it. main.tsx imports
 * @mantine/core's global styles. Only for the build: the dev server pre-bundles Mantine whole (no module is seen),
 * so there main.tsx gets the whole of @mantine/core's styles.css. Fails the build when a module has no stylesheet.
 */
function mantineCssWithComponents(): Plugin {
  const MODULE = /\/node_modules\/@mantine\/([a-z-]+)\/esm\/(?:.*\/)?([A-Za-z-]+)\.module\.mjs$/;
  let serving = false;
  return {
    name: "slate:mantine-css-with-components",
    configResolved(config) { serving = config.command === "serve"; },
    transform(code, id) {
      const path = id.split("?")[0] ?? id;
      if (serving) {
        return path.endsWith("/src/main.tsx") ? { code: `import "@mantine/core/styles.css";\n${code}`, map: null } : null;
      }
      const match = MODULE.exec(path);
      if (!match) return null;
      const [, pkg, name] = match;
      const root = path.slice(0, path.indexOf(`/@mantine/${pkg}/`) + `/@mantine/${pkg}/`.length);
      const sheet = pkg === "core" ? `styles/${name}.css` : "styles.css";
      if (!existsSync(join(root, sheet))) this.error(`@mantine/${pkg}: no ${sheet} for ${name}.module.mjs`);
      return { code: `import ${JSON.stringify(join(root, sheet))};\n${code}`, map: null };
    },
  };
}

/**
 * The entry's stylesheet (Mantine's global styles and the shell's: about 60 KB, 9 KB compressed) written into
 * index.html as a `<style>` instead of linked: the first paint then waits for the page alone, not for a second request
 * that shares a slow link with the shell's script (web.dev, "Extract critical CSS"; Lighthouse's render-blocking
 * requests). The file stays in the build and the service worker's precache. The page is served compressed
 * (apps/core/views.py). The CSP allows inline styles already (Mantine writes its own).
 */
function inlineEntryCss(): Plugin {
  return {
    name: "slate:inline-entry-css",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(html, context) {
        return html.replace(/<link rel="stylesheet"(?: crossorigin)? href="([^"]+\.css)">/g, (tag, href: string) => {
          const asset = Object.values(context.bundle ?? {}).find((item) => item.type === "asset" && href.endsWith(`/${item.fileName}`));
          if (!asset || asset.type !== "asset") return tag;
          const css = typeof asset.source === "string" ? asset.source : new TextDecoder().decode(asset.source);
          return `<style data-from="${href}">${css.replaceAll("</style", "<\\/style")}</style>`;
        });
      },
    },
  };
}

/** Files served compressed: text that compresses (images and fonts are compressed already). */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|json|webmanifest|svg|txt|map)$/;

/**
 * Gzip and Brotli copies of the built text assets (`x.js.gz`, `x.js.br`) beside them, at the best levels, once at build
 * time: WhiteNoise sends the copy the browser accepts (Accept-Encoding, `Vary: Accept-Encoding`) under `make run`,
 * where it serves static/app/ as it is, and nginx's `gzip_static` sends the .gz. Files under 1 KiB are left alone
 * (a compressed answer would hardly be smaller). The service worker precaches the originals only (its glob below).
 */
function precompress(): Plugin {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (name.startsWith(".")) return []; // .vite/manifest.json: read by the budget check, not served to browsers
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  let outDir = "";
  return {
    name: "slate:precompress",
    apply: "build",
    configResolved(config) { outDir = resolve(config.root, config.build.outDir); },
    closeBundle: {
      order: "post",
      handler() {
        for (const path of walk(outDir)) {
          if (!COMPRESSIBLE.test(path)) continue;
          const data = readFileSync(path);
          if (data.length < 1024) continue;
          writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
          writeFileSync(`${path}.br`, brotliCompressSync(data, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length },
          }));
        }
      },
    },
  };
}

/** The scene board's, a scene's and the dashboard's shared modules in a few chunks, not thirty (config/dailyPagesChunks.ts). */
const dailyPages = dailyPagesChunks();

// Built into ../static/app/, served by Django (WhiteNoise) under /static/app/.
export default defineConfig({
  plugins: [
    react(),
    mantineCssWithComponents(),
    inlineEntryCss(),
    precompress(),
    dailyPages.plugin,
    pagePreloads(),
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
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024, // no file is near this: it only keeps a large chunk from being skipped
      },
      devOptions: { enabled: false },
    }),
  ],
  define: { __SLATE_BUILD__: JSON.stringify(BUILD_ID) },
  base: "/static/app/",
  // The manifest (static/app/.vite/manifest.json) names each route's chunks and their imports: the performance budget
  // (scripts/check_budget.mjs, `make test`) adds up each route's first load from it.
  build: {
    outDir: "../static/app", emptyOutDir: true, manifest: true,
    // Everything the entry imports statically is in every page's first load anyway: one chunk of it ("shell") instead
    // of thirty small ones, which on HTTP/1.1 (`make run`) each cost a round trip over six connections. Same bytes.
    // Then what the daily pages share, by the daily pages that use it (config/dailyPagesChunks.ts).
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: "shell", tags: ["$initial"], priority: 100 }, ...dailyPages.groups] } } },
  },
  server: { proxy: { "/api": "http://127.0.0.1:8000", "/ws": { target: "ws://127.0.0.1:8000", ws: true } } },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}", "config/**/*.test.ts"], setupFiles: ["src/test/setup.ts"] },
});
