import { DEFAULT_THEME, getContrastColor, type MantineTheme } from "@mantine/core";
import { describe, expect, it } from "vitest";
import { contrast, cssVariablesResolver, readable, theme } from "./theme";

const colors = DEFAULT_THEME.colors;
const resolved = cssVariablesResolver({ ...DEFAULT_THEME, ...theme } as MantineTheme);
const names = Object.keys(colors).filter((name) => name !== "dark");

/** A variable the resolver sets for `scheme` (fails the test when it sets none). */
function variable(scheme: "light" | "dark", name: string): string {
  const value = (resolved[scheme] as Record<string, string | undefined>)[name];
  if (value === undefined) throw new Error(`${scheme} has no ${name}`);
  return value;
}

/** Shade `shade` of theme colour `name`. */
function shadeOf(name: string, shade: number): string {
  const value = colors[name]?.[shade];
  if (value === undefined) throw new Error(`no ${name} ${shade}`);
  return value;
}

describe("the theme's colours read at WCAG AA (issue 16)", () => {
  it("gives each colour's text, outline and light-variant text 4.5:1 on the light scheme's surfaces", () => {
    for (const name of names) {
      for (const surface of ["#ffffff", colors.gray[0], colors.gray[1]]) {
        expect(contrast(variable("light", `--mantine-color-${name}-text`), surface), `${name} text`).toBeGreaterThanOrEqual(4.5);
        expect(contrast(variable("light", `--mantine-color-${name}-outline`), surface), `${name} outline`).toBeGreaterThanOrEqual(4.5);
      }
      for (const shade of [1, 2]) { // the light variant's background and its hover
        expect(contrast(variable("light", `--mantine-color-${name}-light-color`), shadeOf(name, shade)), `${name} light`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it("gives the same on the dark scheme's body, cards and hovered rows", () => {
    for (const name of names) {
      for (const surface of [colors.dark[7], colors.dark[6], colors.dark[5]]) {
        expect(contrast(variable("dark", `--mantine-color-${name}-text`), surface), `${name} text`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it("keeps dimmed text readable and still dimmer than the text", () => {
    expect(contrast(variable("light", "--mantine-color-dimmed"), colors.gray[1])).toBeGreaterThanOrEqual(4.5);
    expect(contrast(variable("dark", "--mantine-color-dimmed"), colors.dark[5])).toBeGreaterThanOrEqual(4.5);
    expect(contrast(variable("light", "--mantine-color-dimmed"), "#ffffff")).toBeLessThan(contrast("#000000", "#ffffff"));
    expect(contrast(variable("dark", "--mantine-color-dimmed"), colors.dark[7])).toBeLessThan(contrast(colors.dark[0], colors.dark[7]));
  });

  it("draws the focus ring at 3:1 or more on every surface (WCAG 1.4.11)", () => {
    for (const surface of ["#ffffff", colors.gray[0], colors.gray[1]]) expect(contrast(variable("light", "--slate-focus-ring"), surface)).toBeGreaterThanOrEqual(3);
    for (const surface of [colors.dark[7], colors.dark[6], colors.dark[5]]) expect(contrast(variable("dark", "--slate-focus-ring"), surface)).toBeGreaterThanOrEqual(3);
  });

  it("puts black or white on every filled colour, whichever reads at 4.5:1", () => {
    const merged = { ...DEFAULT_THEME, ...theme } as MantineTheme;
    for (const name of names) {
      const filled = shadeOf(name, 8); // primaryShade 8 in both schemes
      const text = getContrastColor({ color: filled, theme: merged, autoContrast: true }).includes("black") ? "#000000" : "#ffffff";
      expect(contrast(text, filled), `${name} 8 with ${text}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe("readable", () => {
  it("keeps a colour that already reads and moves one that does not just far enough", () => {
    expect(readable("#000000", ["#ffffff"], "dark")).toBe("#000000");
    const amber = readable(colors.yellow[6], ["#ffffff"], "dark");
    expect(contrast(amber, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrast(amber, "#ffffff")).toBeLessThan(6);
  });
});
