// Lighthouse runs for `make bench-web` (apps/demo/management/commands/bench_web.py starts Slate and calls this).
//
//   node scripts/bench_web.mjs '<json spec>'
//
// The spec: {"chromium": "/usr/bin/chromium", "cookies": [{"name", "value", "url"}], "pages": [{"name", "url"}],
// "presets": ["mobile", "desktop"], "runs": 3, "out": "/tmp/results.json", "reports": "/tmp/lhr" (optional: each run's
// whole Lighthouse report, <preset>-<page>-<run>.json, to look into)}.
//
// One headless Chromium; every run is a fresh tab with the signed-in cookies set, navigated by Lighthouse's Node API
// with its preset: "mobile" is Lighthouse's default config (a Moto G Power-sized screen, simulated slow 4G and a 4x
// slower CPU), "desktop" its desktop config. Each run is a first visit by a signed-in member: Lighthouse resets the
// origin's service worker, Cache Storage and the HTTP cache (not cookies), and IndexedDB and local storage are emptied
// here before it (Lighthouse 12 keeps them and only warns "There may be stored data affecting loading performance":
// a run then started from the app's kept offline cache, a returning visit, not a first one). Writes one object per run to `out` (figures only; the caller takes medians) and prints progress.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import puppeteer from "puppeteer-core";

const spec = JSON.parse(process.argv[2] ?? "{}");
const CATEGORIES = ["performance", "accessibility"];
const configs = {
  mobile: { extends: "lighthouse:default", settings: { onlyCategories: CATEGORIES } },
  desktop: { ...desktopConfig, settings: { ...desktopConfig.settings, onlyCategories: CATEGORIES } },
};

/** The figures of one Lighthouse result (LHR): scores 0-100, times in ms, sizes in bytes as transferred. */
function figures(lhr) {
  const audit = (id) => lhr.audits[id];
  const items = audit("resource-summary")?.details?.items ?? [];
  const bytes = (type) => items.find((item) => item.resourceType === type)?.transferSize ?? null;
  const bfcache = audit("bf-cache");
  return {
    performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
    fcp_ms: audit("first-contentful-paint")?.numericValue ?? null,
    lcp_ms: audit("largest-contentful-paint")?.numericValue ?? null,
    tbt_ms: audit("total-blocking-time")?.numericValue ?? null,
    cls: audit("cumulative-layout-shift")?.numericValue ?? null,
    si_ms: audit("speed-index")?.numericValue ?? null,
    js_bytes: bytes("script"),
    css_bytes: bytes("stylesheet"),
    total_bytes: bytes("total"),
    requests: items.find((item) => item.resourceType === "total")?.requestCount ?? null,
    // null when the audit did not run; otherwise whether the page was restored from the back/forward cache.
    bfcache: bfcache && bfcache.score !== null ? bfcache.score === 1 : null,
    bfcache_reasons: (bfcache?.details?.items ?? []).map((item) => String(item.reason?.formattedDefault ?? item.reason ?? "")),
    benchmark_index: lhr.environment?.benchmarkIndex ?? null,
    final_url: lhr.finalDisplayedUrl ?? lhr.finalUrl ?? null,
    runtime_error: lhr.runtimeError?.message ?? null,
  };
}

const chrome = await chromeLauncher.launch({
  chromePath: spec.chromium ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check"],
});
const results = [];
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
  for (const preset of spec.presets ?? ["mobile"]) {
    for (const page of spec.pages ?? []) {
      for (let run = 1; run <= (spec.runs ?? 1); run++) {
        const tab = await browser.newPage();
        await tab.setCookie(...(spec.cookies ?? []));
        const session = await tab.createCDPSession();
        await session.send("Storage.clearDataForOrigin", { origin: new URL(page.url).origin, storageTypes: "indexeddb,local_storage,service_workers,cache_storage" });
        await session.detach();
        const answer = await lighthouse(page.url, { port: chrome.port, output: "json", logLevel: "error" }, configs[preset], tab);
        await tab.close();
        if (spec.reports) writeFileSync(join(spec.reports, `${preset}-${page.name}-${run}.json`), answer.report);
        const row = { preset, page: page.name, run, ...figures(answer.lhr) };
        results.push(row);
        console.log(`${preset} ${page.name} #${run}: performance ${row.performance}, accessibility ${row.accessibility}, ` +
          `LCP ${Math.round(row.lcp_ms)} ms, TBT ${Math.round(row.tbt_ms)} ms, JS ${Math.round((row.js_bytes ?? 0) / 1024)} KiB` +
          (row.runtime_error ? ` (error: ${row.runtime_error})` : ""));
      }
    }
  }
  await browser.disconnect();
} finally {
  await chrome.kill();
  if (spec.out) writeFileSync(spec.out, JSON.stringify(results, null, 1));
}
