/**
 * Fewer files for the pages a crew opens all day (the scene board, a scene, the dashboard, and the scene page's sections
 * loaded after its header): Rolldown code-splitting groups (https://rolldown.rs/in-depth/manual-code-splitting) for the
 * modules those pages share with other chunks.
 *
 * Why: left to itself, Rolldown puts each module shared by a different set of pages in a chunk of its own — the board
 * loaded 30 files of 1–4 KB after the shell (Mantine's Alert, Card, Input…, icons, our own small helpers), the scene
 * page's sections 60. Under `make run` (HTTP/1.1, six connections) each file costs at least a round trip; on a tablet's
 * slow link that was about 0.5 s of the board's largest contentful paint (docs/performance.md, fifth pass). Here every
 * module a daily page reaches and shares with another chunk goes into a chunk named by the daily pages that reach it
 * (`daily-board-scene-sections`, `daily-board`…): a daily page loads only what it uses, in a few files. A set whose
 * modules come to less than MERGE_BELOW_BYTES goes into the chunk of the closest larger set (a few hundred bytes more
 * for some pages rather than a round trip for all). Other pages load those chunks too where they share them (a few KB
 * more for them, within their budget: scripts/check_budget.mjs).
 *
 * Which page reaches which module is worked out from the module graph (Rolldown's ModuleInfo) once it is complete
 * (`buildEnd`), following static imports only (a dynamic import is another chunk's start). Package barrels (a module
 * that only re-exports, like `@mantine/core`'s index) are followed by the names imported through them, as Rolldown's
 * tree-shaking does: a page importing `Alert` from `@mantine/core` reaches `Alert.mjs`, not every component. A barrel
 * whose imports cannot be read that way is followed whole (more in the chunk, never less). Modules the entry reaches
 * are the shell's (its group comes first in vite.config.ts) and are left alone.
 */
import { dirname, resolve } from "node:path";
import type { Plugin } from "vite";

/** The pages named in the chunks' names, by their module path under frontend/ (App.tsx's lazy pages). */
export const DAILY_PAGES: Record<string, string> = {
  "src/pages/Board.tsx": "board",
  "src/pages/ScenePage.tsx": "scene",
  "src/pages/Dashboard.tsx": "dashboard",
  // The scene page's shots, continuity, breakdown and comments: a chunk of their own, loaded after its header.
  "src/pages/scene/SceneSections.tsx": "sections",
};

/** Where each daily page is (App.tsx's routes, React Router's `:param` syntax; src/dailyPages.test.ts checks they agree). */
export const DAILY_PAGE_PATHS: Record<string, string> = {
  "src/pages/Board.tsx": "/productions/:productionId/board",
  "src/pages/ScenePage.tsx": "/productions/:productionId/scenes/:sceneId",
  "src/pages/Dashboard.tsx": "/productions/:productionId",
};

/** A set's shared modules smaller than this (bytes of code before minifying) go to a larger set's chunk. */
const MERGE_BELOW_BYTES = 4096;

/** The file the build writes for the server (apps/core/views.py, `spa`): each daily page's path and its code's URLs. */
export const PAGE_PRELOADS_FILE = "page-preloads.json";

/**
 * Writes PAGE_PRELOADS_FILE: for each daily page, its route, the URLs of its chunk and the chunks that chunk imports
 * (the entry's own left out: index.html names them), and the stylesheets of those chunks (Vite's `importedCss`; the
 * entry's is in index.html: vite.config.ts, inlineEntryCss). The server puts them in the page it sends for that route
 * as `<link rel="modulepreload">` (https://html.spec.whatwg.org/multipage/links.html#link-type-modulepreload) and
 * `<link rel="preload" as="style">`, so the board's code and styles are fetched beside the shell instead of after it
 * has run (Vite's loader then finds the styles already fetched): one round trip less before the board.
 * Shape: `{"pages": [{"path": "/productions/:productionId/board", "modules": ["/static/app/assets/Board-….js", …],
 * "styles": ["/static/app/assets/Board-….css", …]}]}`.
 */
export function pagePreloads(paths: Record<string, string> = DAILY_PAGE_PATHS): Plugin {
  let base = "/";
  return {
    name: "slate:page-preloads",
    apply: "build",
    configResolved(config) { base = config.base; },
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((item) => item.type === "chunk");
      const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
      const closure = (file: string, into = new Set<string>()): Set<string> => {
        if (into.has(file)) return into;
        into.add(file);
        for (const next of byFile.get(file)?.imports ?? []) closure(next, into);
        return into;
      };
      const shell = new Set(chunks.filter((chunk) => chunk.isEntry).flatMap((chunk) => [...closure(chunk.fileName)]));
      const pages = Object.entries(paths).map(([module, path]) => {
        const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(`/${module}`));
        if (!chunk) this.error(`page-preloads: no chunk for ${module} (renamed? update DAILY_PAGE_PATHS)`);
        const files = [...closure(chunk.fileName)].filter((file) => !shell.has(file));
        const styles = [...new Set(files.flatMap((file) => [...(byFile.get(file)?.viteMetadata?.importedCss ?? [])]))];
        return { path, modules: files.map((file) => `${base}${file}`), styles: styles.map((file) => `${base}${file}`) };
      });
      this.emitFile({ type: "asset", fileName: PAGE_PRELOADS_FILE, source: `${JSON.stringify({ pages }, null, 1)}\n` });
    },
  };
}

/** What the plugin needs of Rolldown's ModuleInfo. */
interface ModuleFacts {
  code: string | null;
  importedIds: readonly string[];
  dynamicImporters: readonly string[];
  isEntry: boolean;
}

/** `import { a, b as c } from "spec"` (Rolldown's transformed code keeps each import on one statement). */
const NAMED_IMPORT = /\bimport\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g;
/** Any import or re-export statement with a source, and `export { … }` lists: what a barrel is made of. */
const BARREL_STATEMENT = /\b(?:import|export)\s*(?:[\w*$\s,]*\{[^}]*\}|\*(?:\s*as\s+[\w$]+)?|[\w$]+)?\s*(?:from\s*)?["'][^"']+["'];?|\bexport\s*\{[^}]*\};?/g;

/** The names in an import list: `a, b as c` → a, b (the exported names). */
function importedNames(list: string): string[] {
  return list.split(",").map((part) => part.trim().split(/\s+as\s+/)[0]!.replace(/^type\s+/, "")).filter(Boolean);
}

/** A module made only of imports and exports (comments aside): a package's index that re-exports its parts. */
function isBarrel(code: string | null): boolean {
  if (!code) return false;
  const rest = code.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "").replace(BARREL_STATEMENT, "");
  return rest.trim() === "" && /\bexport\b/.test(code);
}

/**
 * The module an import written `spec` in `importer` names, among the importer's `importedIds`: a relative path
 * (with or without its extension) or a package name. Undefined when none matches.
 */
function resolveSpec(importer: string, spec: string, importedIds: readonly string[]): string | undefined {
  const bare = (path: string) => path.replace(/\.[mc]?[jt]sx?$/, "").replace(/\/index$/, "");
  if (spec.startsWith(".")) {
    const wanted = bare(resolve(dirname(importer), spec));
    return importedIds.find((id) => bare(id) === wanted);
  }
  // A package (`@mantine/core`) or a path in one (`react-dom/client`); a stylesheet imported from the same package
  // (`@mantine/core/styles/global.css`) is not the package's modules.
  const stylesheet = /\.css$/;
  return importedIds.find((id) => {
    const at = id.indexOf(`/node_modules/${spec}`);
    if (at < 0 || stylesheet.test(id) !== stylesheet.test(spec)) return false;
    const next = id.charAt(at + `/node_modules/${spec}`.length);
    return next === "/" || next === "." || next === "";
  });
}

/** `import { a, b as c } from "spec"`, `import * as ns from "spec"`, `export { a as b } from "spec"`. */
const BARREL_IMPORT = /\bimport\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']|\bimport\s*\*\s*as\s+([\w$]+)\s*from\s*["']([^"']+)["']/g;
const BARREL_REEXPORT = /\bexport\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g;
const BARREL_EXPORT_LIST = /\bexport\s*\{([^}]*)\}\s*(?!\s*from)(?=;|\s|$)/g;

/**
 * For a barrel: each exported name → the module it comes from. Undefined (the caller then follows the barrel whole)
 * when it re-exports everything of a module (`export *`) or names a module not among its imports.
 */
function barrelSources(id: string, code: string, importedIds: readonly string[]): Map<string, string> | undefined {
  if (/\bexport\s*\*/.test(code)) return undefined;
  const local = new Map<string, string>();
  const sources = new Map<string, string>();
  for (const [, list, spec, namespace, namespaceSpec] of code.matchAll(BARREL_IMPORT)) {
    const from = resolveSpec(id, (spec ?? namespaceSpec)!, importedIds);
    if (!from) return undefined;
    if (namespace) local.set(namespace, from);
    for (const part of list?.split(",") ?? []) {
      const [imported, as] = part.trim().split(/\s+as\s+/);
      if (imported) local.set((as ?? imported).trim(), from);
    }
  }
  for (const [, list, spec] of code.matchAll(BARREL_REEXPORT)) {
    const from = resolveSpec(id, spec!, importedIds);
    if (!from) return undefined;
    for (const part of list!.split(",")) {
      const [name, as] = part.trim().split(/\s+as\s+/);
      if (name) sources.set((as ?? name).trim(), from);
    }
  }
  for (const [, list] of code.matchAll(BARREL_EXPORT_LIST)) {
    for (const part of list!.split(",")) {
      const [name, as] = part.trim().split(/\s+as\s+/);
      const from = name && local.get(name.trim());
      if (from) sources.set((as ?? name!).trim(), from);
    }
  }
  return sources;
}

/**
 * The plugin that reads the module graph, and the code-splitting groups (priorities 1 to the number of pages) whose
 * `name` functions (Rolldown's CodeSplittingNameFunction) give a module's chunk, or null to leave it to another group or
 * to Rolldown's own splitting.
 */
export function dailyPagesChunks(pages: Record<string, string> = DAILY_PAGES): {
  plugin: Plugin;
  groups: { name: (moduleId: string) => string | null; debugName: string; priority: number }[];
} {
  /** Module id → the chunk starts (the entry, each dynamically imported module) that reach it. */
  const reachedBy = new Map<string, Set<string>>();
  /** A small set's chunk name → the larger set's whose chunk takes its modules. */
  const target = new Map<string, string>();
  let entries = new Set<string>();
  const pageName = (id: string): string | undefined =>
    Object.entries(pages).find(([path]) => id.endsWith(`/${path}`))?.[1];

  const plugin: Plugin = {
    name: "slate:daily-pages-chunks",
    apply: "build",
    buildEnd(error) {
      if (error) return;
      reachedBy.clear();
      const facts = new Map<string, ModuleFacts>();
      for (const id of this.getModuleIds()) {
        const info = this.getModuleInfo(id);
        if (info) facts.set(id, info);
      }
      const barrels = new Map<string, Map<string, string> | undefined>();
      for (const [id, info] of facts) if (isBarrel(info.code)) barrels.set(id, barrelSources(id, info.code!, info.importedIds));
      const starts = [...facts].filter(([, info]) => info.isEntry || info.dynamicImporters.length > 0).map(([id]) => id);
      entries = new Set(starts.filter((id) => facts.get(id)!.isEntry));

      /** The modules `id` needs: its static imports, a barrel replaced by the parts whose names it imports. */
      const needs = (id: string): string[] => {
        const info = facts.get(id);
        if (!info) return [];
        const through = info.importedIds.filter((to) => barrels.has(to));
        if (through.length === 0) return [...info.importedIds];
        const direct = info.importedIds.filter((to) => !barrels.has(to));
        const named = [...(info.code ?? "").matchAll(NAMED_IMPORT)];
        for (const barrel of through) {
          const sources = barrels.get(barrel);
          const statements = named.filter(([, , spec]) => resolveSpec(id, spec!, info.importedIds) === barrel);
          if (!sources || statements.length === 0) { direct.push(barrel); continue; } // followed whole
          for (const [, list] of statements) {
            for (const name of importedNames(list!)) direct.push(sources.get(name) ?? barrel);
          }
        }
        return direct;
      };

      for (const start of starts) {
        const stack = [start];
        const seen = new Set<string>();
        while (stack.length > 0) {
          const id = stack.pop()!;
          if (seen.has(id)) continue;
          seen.add(id);
          let by = reachedBy.get(id);
          if (!by) reachedBy.set(id, (by = new Set()));
          by.add(start);
          stack.push(...needs(id));
        }
      }

      // A set's chunk of a few hundred bytes costs a round trip for almost nothing: its modules go to the chunk of the
      // closest larger set (fewest pages more) that is not small itself, loaded by those pages anyway.
      const bytes = new Map<string, number>();
      for (const [id, info] of facts) {
        const key = dailyReach(id).join("-");
        if (key) bytes.set(key, (bytes.get(key) ?? 0) + (info.code?.length ?? 0));
      }
      target.clear();
      for (const [key, size] of bytes) {
        if (size >= MERGE_BELOW_BYTES) continue;
        const members = key.split("-");
        const into = [...bytes].filter(([other, otherSize]) => otherSize >= MERGE_BELOW_BYTES
          && members.every((page) => other.split("-").includes(page)))
          .sort(([a, aSize], [b, bSize]) => a.split("-").length - b.split("-").length || bSize - aSize)[0];
        if (into) target.set(key, into[0]);
      }
    },
  };

  /** The daily pages (their short names, in `pages`' order) that reach `moduleId` and share it with another chunk. */
  const dailyReach = (moduleId: string): string[] => {
    const by = reachedBy.get(moduleId);
    if (!by || by.size < 2 || [...by].some((start) => entries.has(start)) || pageName(moduleId)) return [];
    const reaching = new Set([...by].map(pageName));
    return Object.values(pages).filter((page) => reaching.has(page));
  };

  // One group per set of daily pages, larger sets first (higher priority): Rolldown brings a captured module's
  // dependencies into its chunk (`includeDependenciesRecursively`), and a module's dependencies are reached by every
  // page that reaches it, so they are captured by their own, larger set's group before that can happen.
  const names = Object.values(pages);
  const subsets = Array.from({ length: 2 ** names.length - 1 }, (_, bits) =>
    names.filter((_, at) => ((bits + 1) >> at) & 1));
  const groups = subsets.map((subset) => {
    const chunk = `daily-${subset.join("-")}`;
    return {
      name: (moduleId: string) => {
        const key = dailyReach(moduleId).join("-");
        return key && (target.get(key) ?? key) === subset.join("-") ? chunk : null;
      },
      debugName: chunk,
      priority: subset.length,
    };
  });
  return { plugin, groups };
}
