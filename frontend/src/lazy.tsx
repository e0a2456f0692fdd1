// Code loaded the first time it is shown (React.lazy), for the pages (App.tsx) and the parts of the shell that are
// seldom opened: each in a chunk of its own, which the service worker precaches like the rest (src/pwa/sw.ts).
import { Component, lazy, startTransition, useEffect, useState, type ComponentType, type ReactNode } from "react";

/** A component in a chunk of its own: `preload()` starts loading it without showing it (the same load `lazy` awaits). */
export type LazyComponent<P = object> = ComponentType<P> & { preload: () => Promise<unknown> };

/** Session key of the last reload for a missing chunk: one reload at most a minute, so offline it cannot loop. */
const RELOADED_KEY = "slate.chunkReloadAt";

/**
 * A chunk that does not load is most often one of a previous build (a new one was installed while this page stayed
 * open, and the files it names are gone): reload once to get the new build's page. Answers whether it reloads.
 */
function reloadForNewBuild(): boolean {
  try {
    const last = Number(sessionStorage.getItem(RELOADED_KEY) ?? 0);
    if (Date.now() - last < 60_000 || !navigator.onLine) return false;
    sessionStorage.setItem(RELOADED_KEY, String(Date.now()));
  } catch {
    return false;
  }
  window.location.reload();
  return true;
}

/**
 * A component loaded on first use from `load()` (a dynamic import), `pick` naming it among the module's exports.
 * A failed load is tried again the next time; when it failed because the build changed, the page reloads once.
 */
export function lazyComponent<M, P = object>(load: () => Promise<M>, pick: (module: M) => ComponentType<P>): LazyComponent<P> {
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const preload = () => (loading ??= load().then(
    (module) => ({ default: pick(module) }),
    (error: unknown) => {
      loading = undefined;
      if (reloadForNewBuild()) return new Promise<never>(() => {}); // the page is going away
      throw error;
    },
  ));
  return Object.assign(lazy(preload), { preload });
}

/**
 * Load `component`'s chunk once the page has settled: a second after the document's load event, when the browser is
 * next idle (at most 5 s on), or after 2 s where there is no requestIdleCallback (Safari). For parts that mount on
 * first use (a menu, the notifications): the first press then finds the code here. Not sooner: between the page's
 * first requests the browser is idle too, and a menu's code fetched then shares a tablet's slow link with the page's
 * own data and code (docs/performance.md, "Fifth pass"). Once per component; a failed load is tried again on first use.
 */
export function preloadWhenIdle(component: { preload: () => Promise<unknown> }): void {
  if (idlePreloads.has(component)) return;
  idlePreloads.add(component);
  afterLoad(SETTLE_MS, () => whenIdle(() => void component.preload().catch(() => idlePreloads.delete(component)), 5000, 2000));
}

/** How long after the document's load event the page counts as settled for `preloadWhenIdle`. */
const SETTLE_MS = 1000;

/** Call `run` `delayMs` after the document's load event (at once plus `delayMs` when it has fired already). */
function afterLoad(delayMs: number, run: () => void): void {
  if (document.readyState === "complete") {
    window.setTimeout(run, delayMs);
    return;
  }
  window.addEventListener("load", () => window.setTimeout(run, delayMs), { once: true });
}

/**
 * Call `run` when the browser is next idle (requestIdleCallback, at most `timeoutMs` milliseconds on), or after
 * `fallbackMs` where there is no requestIdleCallback (Safari). Answers a function that cancels the call.
 */
function whenIdle(run: () => void, timeoutMs: number, fallbackMs: number): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(run, { timeout: timeoutMs });
    return () => window.cancelIdleCallback(handle);
  }
  const timer = window.setTimeout(run, fallbackMs);
  return () => window.clearTimeout(timer);
}

const idlePreloads = new Set<{ preload: () => Promise<unknown> }>();

/** Shows `fallback` instead of its children once one of them failed to render (a chunk that could not be loaded). */
export class LoadBoundary extends Component<{ children: ReactNode; fallback: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/** False until `needed` has been true once, then true: a lazy part mounts when first needed, then stays. */
export function useOnceTrue(needed: boolean): boolean {
  const [once, setOnce] = useState(needed);
  if (needed && !once) setOnce(true);
  return once || needed;
}

/**
 * False until the browser has been idle once after `ready` became true, then true for good: for the parts of a page
 * below its first paint (a chart, a feed) whose code or data should not compete with that paint on a slow link.
 * requestIdleCallback with a `timeoutMs` cap (default 2,000 ms); 500 ms where there is none (Safari).
 */
export function useWhenIdle(ready = true, timeoutMs = 2000): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (idle || !ready) return;
    return whenIdle(() => setIdle(true), timeoutMs, 500);
  }, [idle, ready, timeoutMs]);
  return idle;
}

/**
 * 0 on a component's first render, then 1, 2 … up to `steps`: one more each time the browser has painted what the
 * last render committed (a frame's requestAnimationFrame callback runs before its paint; a task queued from it runs
 * after), each set in a transition. For a page's bulk in pieces after its frame and title (the board's cards, the scene
 * page's sections one by one), so a tablet shows the page's heading first and no single commit holds it for long. A
 * nested useDeferredValue cannot do this: inside a render that is itself deferred (a page shown once its production is
 * in) React gives the final value at once. Counting starts again from where it is when `steps` grows.
 */
export function usePaintedSteps(steps: number): number {
  const [shown, setShown] = useState(0);
  useEffect(() => {
    if (shown >= steps) return;
    let timer = 0;
    const frame = window.requestAnimationFrame(() => {
      timer = window.setTimeout(() => startTransition(() => setShown((n) => Math.min(n + 1, steps))), 0);
    });
    return () => {
      window.cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [shown, steps]);
  return Math.min(shown, steps);
}

/** False on a component's first render, then true once the browser has painted it (`usePaintedSteps` of one). */
export function useAfterPaint(): boolean {
  return usePaintedSteps(1) >= 1;
}
