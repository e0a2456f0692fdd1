// A box that scrolls (a wide table, a long list) must be reachable by keyboard when nothing inside it takes focus
// (WCAG 2.1.1; axe: scrollable-region-focusable): while its content overflows it is a Tab stop and a named region.
import { useCallback, useRef, useState, type CSSProperties, type HTMLAttributes, type ReactNode } from "react";

/**
 * `[ref, overflows]`: put `ref` on a scrolling element; `overflows` is true while its content is wider or taller than
 * it. Measured again when it or its children change size (ResizeObserver) and when children come and go
 * (MutationObserver); always false where the browser has no ResizeObserver.
 */
export function useOverflows<T extends HTMLElement>(): [(node: T | null) => void, boolean] {
  const [overflows, setOverflows] = useState(false);
  const stop = useRef<(() => void) | null>(null);
  const ref = useCallback((node: T | null) => {
    stop.current?.();
    stop.current = null;
    if (!node || typeof ResizeObserver === "undefined") return;
    const measure = () => setOverflows(node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1);
    const sizes = new ResizeObserver(measure);
    // No measure here: the observer reports every element it starts observing once laid out, so the first reading
    // comes after the browser's own layout instead of forcing one in the middle of React's commit.
    const watch = () => {
      sizes.disconnect();
      sizes.observe(node);
      for (const child of Array.from(node.children)) sizes.observe(child);
    };
    const children = new MutationObserver(watch);
    children.observe(node, { childList: true });
    watch();
    stop.current = () => { sizes.disconnect(); children.disconnect(); };
  }, []);
  return [ref, overflows];
}

/** What makes an overflowing scroller keyboard-reachable: a Tab stop, a region named `label` (nothing while it fits). */
export function scrollRegionProps(overflows: boolean, label: string): HTMLAttributes<HTMLElement> {
  return overflows ? { tabIndex: 0, role: "region", "aria-label": label } : {};
}

/** A div that scrolls (sideways by default) and is a Tab stop named `label` while its content overflows. */
export function ScrollRegion({ label, children, style, ...props }: { label: string; children: ReactNode; style?: CSSProperties } & HTMLAttributes<HTMLDivElement>) {
  const [ref, overflows] = useOverflows<HTMLDivElement>();
  return <div ref={ref} {...props} {...scrollRegionProps(overflows, label)} style={{ overflowX: "auto", ...style }}>{children}</div>;
}
