// Focus after something closes (WCAG 2.4.3, focus order): back on the control that opened it, not fallen to <body>.
import { useEffect, useRef, useState, type RefObject } from "react";

/**
 * Focus `target`'s element when `open` turns from true to false: the control that opened an inline editor (Edit,
 * Reply, Add shot…), which shows again in its place once the editor closes, saved, cancelled or escaped.
 */
export function useFocusWhenClosed(open: boolean, target: RefObject<HTMLElement | null>): void {
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open) target.current?.focus();
    wasOpen.current = open;
  }, [open, target]);
}

/**
 * For what is mounted only while it is open (a form dialog a list renders for the item being edited, where Mantine's
 * own return of focus, on `opened` turning false, never runs): when it goes, focus goes back to what had it when it
 * came (the Add or Edit button), if that is still on the page.
 */
export function useFocusBackOnUnmount(): void {
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => () => {
    if (opener?.isConnected) opener.focus();
  }, [opener]);
}
