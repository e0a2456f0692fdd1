// The answers to the page's first API reads, written into the page by the server (apps/core/first_reads.py): the
// scene board, a scene and the dashboard show without waiting a round trip for who is signed in and their data.

/** The element the server writes them in (apps/core/first_reads.py, ELEMENT_ID). */
export const FIRST_READS_ID = "slate-first-reads";

/** One answer: the API's JSON body, and the production's stream position read before it (null: none given). */
export interface FirstRead { body: unknown; position: number | null }

/**
 * How long after the first read the page's answers may serve (ms): the start-up's reads are made by then. A read made
 * later (a refetch, a page opened afterwards, a page shown again from the back/forward cache) asks the API: an answer
 * nobody took at start-up is as old as the page.
 */
export const FIRST_READS_FOR_MS = 10_000;

let reads: Map<string, FirstRead> | undefined;
let firstTakeAt: number | undefined;

/**
 * The page's answers by URL (path and query, exactly as the app asks them), read once from the page's
 * `<script type="application/json" id="slate-first-reads">{"reads": [{"url", "position", "body"}, …]}</script>`.
 * Anything else there (no element, JSON that does not parse, items of another shape) gives no answers: the app then
 * asks the API, as it would without them.
 */
function pageReads(doc: Document | undefined): Map<string, FirstRead> {
  const found = new Map<string, FirstRead>();
  const element = doc?.getElementById(FIRST_READS_ID);
  if (!element) return found;
  element.remove(); // read once; a page kept in the back/forward cache asks again (main.tsx)
  try {
    const parsed: unknown = JSON.parse(element.textContent ?? "");
    const items = (parsed as { reads?: unknown })?.reads;
    if (!Array.isArray(items)) return found;
    for (const item of items as { url?: unknown; position?: unknown; body?: unknown }[]) {
      if (typeof item?.url !== "string" || !item.url.startsWith("/api/") || !("body" in item)) continue;
      const position = Number.isSafeInteger(item.position) && (item.position as number) >= 0 ? (item.position as number) : null;
      found.set(item.url, { body: item.body, position });
    }
  } catch {
    found.clear();
  }
  return found;
}

/**
 * The page's answer to a GET of `url` (path and query, as `api()` is given it), once: the first call takes it, any
 * later call (a refetch, a second component) gets undefined and asks the API. Undefined too when the page has none,
 * and for every call more than FIRST_READS_FOR_MS after the first (`now`: performance.now(), in ms).
 */
export function takeFirstRead(url: string, now: number = performance.now()): FirstRead | undefined {
  reads ??= pageReads(typeof document !== "undefined" ? document : undefined);
  firstTakeAt ??= now;
  if (now - firstTakeAt > FIRST_READS_FOR_MS) reads.clear();
  const read = reads.get(url);
  if (read) reads.delete(url);
  return read;
}

/** Drop what is left of the page's answers: they were for whoever was signed in when the page came (pwa/persist.ts
 * calls it when that changes). */
export function forgetFirstReads(): void {
  reads = new Map();
  if (typeof document !== "undefined") document.getElementById(FIRST_READS_ID)?.remove();
}
