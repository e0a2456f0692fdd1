// The Mantine theme: colours that read at WCAG AA in both schemes, and a focus ring anyone can see (issue 16).
import { DEFAULT_THEME, createTheme, darken, lighten, luminance, type CSSVariablesResolver } from "@mantine/core";
import "./theme.css";

/** WCAG 2.2 AA: 4.5:1 for text (1.4.3); a focus ring needs 3:1 against what is around it (1.4.11). */
const TEXT_CONTRAST = 4.5;

/** The WCAG contrast ratio of two colours (hex or rgb[a] strings), 1 to 21. */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * `color`, darkened (towards "dark") or lightened in steps of 4% until it reads at `ratio` on each of `backgrounds`;
 * `color` itself when it already does. Answers an `rgba(…)` string (Mantine's darken/lighten) or `color`.
 */
export function readable(color: string, backgrounds: string[], towards: "dark" | "light", ratio = TEXT_CONTRAST): string {
  const shift = towards === "dark" ? darken : lighten;
  for (let step = 0; step <= 25; step += 1) {
    const candidate = step === 0 ? color : shift(color, step * 0.04);
    if (backgrounds.every((background) => contrast(candidate, background) >= ratio)) return candidate;
  }
  return towards === "dark" ? "#000000" : "#ffffff";
}

const colors = DEFAULT_THEME.colors;
const WHITE = DEFAULT_THEME.white;
// The surfaces text sits on: light: the body, a hovered row or item (gray 0-1); dark: the body (dark 7), cards and
// inputs (dark 6), a hovered row or item (dark 5).
const LIGHT_SURFACES = [WHITE, colors.gray[0], colors.gray[1]];
const DARK_SURFACES = [colors.dark[7], colors.dark[6], colors.dark[5]];

/**
 * Per theme colour and scheme, the variables Mantine draws text with (MantineCssVariables/get-css-color-variables):
 * `-text` (c="red", subtle and default variants), `-outline` (outline variant) and `-light-color` (light variant, on
 * shade 1 or its hover shade 2 in the light scheme). Mantine's own shades are 1.9-4.3:1 there for yellow, orange,
 * green, teal, cyan, lime, gray, red and blue on white, and violet and indigo fall under 4.5:1 on a dark card: each is
 * moved just far enough to read at 4.5:1, so the colours stay the theme's.
 */
function colourVariables(scheme: "light" | "dark"): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, shades] of Object.entries(colors)) {
    if (name === "dark") continue;
    if (scheme === "light") {
      const text = readable(shades[8], LIGHT_SURFACES, "dark");
      variables[`--mantine-color-${name}-text`] = text;
      variables[`--mantine-color-${name}-outline`] = text;
      variables[`--mantine-color-${name}-light-color`] = readable(shades[9], [shades[1], shades[2]], "dark");
    } else {
      const text = readable(shades[4], DARK_SURFACES, "light");
      variables[`--mantine-color-${name}-text`] = text;
      variables[`--mantine-color-${name}-outline`] = text;
      variables[`--mantine-color-${name}-light-color`] = readable(shades[0], [darken(shades[9], 0.5), darken(shades[9], 0.3)], "light");
    }
  }
  return variables;
}

// Dimmed text (and placeholders, which Mantine draws lighter still): the lightest grey that reads at 4.5:1 on every
// surface, so it stays visibly dimmer than the text (Mantine's gray 6 is 3.3:1 on white, dark 2 is 3.5-4.0:1 on dark 6-7).
const LIGHT_DIMMED = readable(colors.gray[6], LIGHT_SURFACES, "dark");
const DARK_DIMMED = readable(colors.dark[2], DARK_SURFACES, "light");

/** The focus ring: yellow on the dark scheme (the brand), a dark amber on the light one (no yellow reaches 3:1 on white). */
const FOCUS_RING = { light: readable(colors.yellow[9], LIGHT_SURFACES, "dark"), dark: colors.yellow[4] };

export const theme = createTheme({
  primaryColor: "yellow",
  // Filled colours (buttons, badges, the LIVE badge) at shade 8 in both schemes; their text is black or white by
  // luminance (autoContrast). White is chosen only where it reads at 4.5:1 (luminance at most 1.05 / 4.5 - 0.05):
  // Mantine's default threshold (0.3) put white on yellow 8 (2.5:1), green 8 (3.4:1), orange 8 (3.6:1).
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  luminanceThreshold: 1.05 / TEXT_CONTRAST - 0.05,
  fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
  defaultRadius: "md",
  focusRing: "auto", // keyboard focus only; the ring's colour is --slate-focus-ring (theme.css)
  components: {
    // On set: touch targets of at least 44 px.
    Button: { defaultProps: { size: "md" } },
    ActionIcon: { defaultProps: { size: 44 } },
    // A dialog's close button says what it does (axe: button-name, critical; Mantine gives it no name).
    Modal: { defaultProps: { closeButtonProps: { "aria-label": "Close" } } },
    Drawer: { defaultProps: { closeButtonProps: { "aria-label": "Close" } } },
  },
});

/**
 * The scheme-dependent variables: the readable colours above, dimmed text, links, errors and the focus ring. Worked out
 * once: Mantine asks on every render of its provider, and the contrast search (`readable`, 14 colours × 2 schemes) is
 * a few milliseconds a time on a tablet (docs/performance.md, "Third pass").
 */
export const cssVariablesResolver: CSSVariablesResolver = () => schemeVariables;

const schemeVariables: ReturnType<CSSVariablesResolver> = {
  variables: {},
  light: {
    ...colourVariables("light"),
    "--mantine-color-anchor": FOCUS_RING.light,
    "--mantine-color-dimmed": LIGHT_DIMMED,
    "--mantine-color-placeholder": LIGHT_DIMMED,
    "--mantine-color-error": "var(--mantine-color-red-text)",
    "--mantine-color-success": "var(--mantine-color-teal-text)",
    "--slate-focus-ring": FOCUS_RING.light,
  },
  dark: {
    ...colourVariables("dark"),
    "--mantine-color-dimmed": DARK_DIMMED,
    "--mantine-color-placeholder": DARK_DIMMED,
    "--mantine-color-error": "var(--mantine-color-red-text)",
    "--mantine-color-success": "var(--mantine-color-teal-text)",
    "--slate-focus-ring": FOCUS_RING.dark,
  },
};
