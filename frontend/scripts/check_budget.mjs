// The performance budget of the built app (`make test`, after `make frontend`): each page's first load, in KiB gzipped.
//
//   node scripts/check_budget.mjs [path/to/.vite/manifest.json]
//
// A page's first load is what a browser fetches before the page can show: the entry chunk (index.html's script) and
// its stylesheets, the page's own chunk (App.tsx loads each page with React.lazy) and every chunk and stylesheet
// either imports statically, each file counted once. Sizes are of each file gzipped at level 9 (the .gz beside it that
// the server sends; Brotli's .br is smaller still). Every page of the build is checked: the pages below have their own
// budget (the daily pages also a number of files), any other the default. Prints a table; exits 1 when a page is over its budget (or the build is missing).
// docs/performance.md says where the figures come from and what the budgets leave room for.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** The shell's row in the table: what every page loads first (the entry chunk, its imports and stylesheets). */
export const SHELL = "(shell: every page's first load)";

/**
 * KiB gzipped, JavaScript and CSS, of the first load of the shell and of the pages named by their source file (App.tsx's
 * imports). Set from this build's figures (docs/performance.md) with about 5-10% of room: a change that adds more
 * than that to a page's first load fails `make test` and is either made lazy or given a reasoned new budget here.
 */
export const BUDGETS = {
  [SHELL]: { js: 165, css: 12 },
  // Issue 16's target: at most 200 KiB of JavaScript for the board's first load (186 at 81a8a5e: the shell in one chunk,
  // menus, popovers and tooltips loaded on first use; docs/performance.md, "Third pass"). The daily pages' `files`:
  // each file is at least a round trip on HTTP/1.1 (`make run`), so what they share comes in a few chunks
  // (config/dailyPagesChunks.ts; 9-10 files where there were 15-33: docs/performance.md, "Fifth pass").
  "src/pages/Board.tsx": { js: 200, css: 18, files: 12 },
  // The charts (recharts, d3: about 100 KiB) load after the dashboard has shown (src/charts.ts), not with it.
  "src/pages/Dashboard.tsx": { js: 175, css: 14, files: 12 },
  // The header only (slugline, status, synopsis): shots, continuity, breakdown and comments come after it, in their own
  // chunk (pages/scene/SceneSections.tsx; 261 KiB in 91 files when they were part of the first load).
  "src/pages/ScenePage.tsx": { js: 185, css: 16, files: 12 },
};

/** Any other page, and each part loaded on demand (the outbox panel, the uploads' tus client). */
export const DEFAULT_BUDGET = { js: 290, css: 32 };

const here = dirname(fileURLToPath(import.meta.url));
const manifestPath = resolve(process.argv[2] ?? join(here, "..", "..", "static", "app", ".vite", "manifest.json"));

/** The keys of `key` and of every chunk it imports statically, transitively. */
function closure(manifest, key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) closure(manifest, imported, seen);
  return seen;
}

/** {js, css} KiB gzipped of the chunks `keys` and their stylesheets, each file once. */
function weigh(manifest, keys, gzipped) {
  const files = new Set();
  for (const key of keys) {
    files.add(manifest[key].file);
    for (const css of manifest[key].css ?? []) files.add(css);
  }
  const sum = (ext) => [...files].filter((file) => file.endsWith(ext)).reduce((total, file) => total + gzipped(file), 0) / 1024;
  return { js: sum(".js"), css: sum(".css"), files: files.size };
}

/** Each page's first load and its budget: [{page, js, css, files, budget, over}], the shell first. */
export function firstLoads(manifest, gzipped) {
  const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
  if (!entryKey) throw new Error("the manifest has no entry chunk");
  const shell = closure(manifest, entryKey);
  const rows = [{ page: SHELL, ...weigh(manifest, shell, gzipped), budget: BUDGETS[SHELL] }];
  for (const key of manifest[entryKey].dynamicImports ?? []) {
    const page = manifest[key].src ?? manifest[key].name ?? key;
    rows.push({ page, ...weigh(manifest, closure(manifest, key, new Set(shell)), gzipped), budget: BUDGETS[page] ?? DEFAULT_BUDGET });
  }
  for (const row of rows) row.over = row.js > row.budget.js || row.css > row.budget.css || row.files > (row.budget.files ?? Infinity);
  return rows;
}

function main() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (error) {
    console.error(`No build to check at ${manifestPath} (make frontend): ${error.message}`);
    process.exit(1);
  }
  const root = dirname(dirname(manifestPath)); // static/app/
  const cache = new Map();
  const gzipped = (file) => {
    if (!cache.has(file)) cache.set(file, gzipSync(readFileSync(join(root, file)), { level: 9 }).length);
    return cache.get(file);
  };
  const rows = firstLoads(manifest, gzipped);
  const unknown = Object.keys(BUDGETS).filter((page) => !rows.some((row) => row.page === page));
  const width = Math.max(...rows.map((row) => row.page.length));
  console.log(`${"page".padEnd(width)}  JS KiB gz (budget)  CSS KiB gz (budget)  files (budget)`);
  for (const row of rows) {
    console.log(`${row.page.padEnd(width)}  ${row.js.toFixed(1).padStart(8)} (${String(row.budget.js).padStart(4)})  ` +
      `${row.css.toFixed(1).padStart(9)} (${String(row.budget.css).padStart(4)})  ${String(row.files).padStart(5)} (${row.budget.files === undefined ? "   -" : String(row.budget.files).padStart(4)})${row.over ? "  OVER BUDGET" : ""}`);
  }
  const over = rows.filter((row) => row.over);
  if (unknown.length) console.error(`Budgets for pages the build has no chunk for (renamed? update BUDGETS): ${unknown.join(", ")}`);
  if (over.length || unknown.length) {
    if (over.length) console.error(`\nOver the performance budget: ${over.map((row) => row.page).join(", ")} (scripts/check_budget.mjs, docs/performance.md)`);
    process.exit(1);
  }
  console.log(`Performance budget: ${rows.length} first loads within budget.`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
