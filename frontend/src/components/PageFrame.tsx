// What every page has (WCAG 2.4.1, 2.4.2, 1.3.1): a skip link as its first Tab stop, one main landmark it leads to,
// and one <h1> that also names the browser tab.
import { Box, Title, type BoxProps, type TitleProps } from "@mantine/core";
import { useEffect, type MouseEvent, type ReactNode } from "react";

/** The id of the page's main landmark, the skip link's target. */
export const MAIN_ID = "main";

/** Move focus to the page's main landmark (it scrolls into view with it); false when there is none. */
export function focusMain(): boolean {
  const main = document.getElementById(MAIN_ID);
  if (!main) return false;
  main.focus();
  return true;
}

/**
 * "Skip to content": the first thing on the page, out of sight until it has keyboard focus (theme.css), then it moves
 * focus past the header and navigation to the main landmark. Focus is moved by hand: following `#main` would add a
 * history entry, and not every browser moves focus to a fragment's target.
 */
export function SkipLink() {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    if (focusMain()) event.preventDefault();
  };
  return <a href={`#${MAIN_ID}`} className="slate-skip-link" onClick={skip} data-testid="skip-link">Skip to content</a>;
}

/** The main landmark of a page outside a production's frame (ProductionLayout has AppShell.Main): focusable, not a Tab stop. */
export function PageMain({ children, ...props }: BoxProps & { children: ReactNode }) {
  return <Box component="main" id={MAIN_ID} tabIndex={-1} data-skip-target {...props}>{children}</Box>;
}

/** What the browser tab reads on a page that names itself nowhere else. */
const APP_NAME = "Slate";

/**
 * The page's one <h1>, drawn at the h2 size by default; while it is shown the browser tab reads "`title` · Slate"
 * (`title` defaults to the heading when it is plain text), and "Slate" again after.
 */
export function PageTitle({ children, title, ...props }: TitleProps & { title?: string }) {
  const name = title ?? (typeof children === "string" ? children : "");
  useEffect(() => {
    document.title = name ? `${name} · ${APP_NAME}` : APP_NAME;
    return () => { document.title = APP_NAME; };
  }, [name]);
  return <Title order={1} size="h2" {...props}>{children}</Title>;
}
