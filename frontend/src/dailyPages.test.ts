// The daily pages' routes the build writes for the server (config/dailyPagesChunks.ts) are the app's own (App.tsx).
import { describe, expect, it } from "vitest";
import { DAILY_PAGE_PATHS, DAILY_PAGES } from "../config/dailyPagesChunks";
import { PAGES, preloadPageFor } from "./App";

describe("the daily pages' routes", () => {
  it("are routes of the app, each of a daily page", () => {
    const paths = PAGES.map(([path]) => path);
    // every page with a route is a daily page (the scene page's sections are one without a route of their own)
    for (const module of Object.keys(DAILY_PAGE_PATHS)) expect(Object.keys(DAILY_PAGES)).toContain(module);
    expect(Object.keys(DAILY_PAGE_PATHS).sort()).toEqual(["src/pages/Board.tsx", "src/pages/Dashboard.tsx", "src/pages/ScenePage.tsx"]);
    for (const path of Object.values(DAILY_PAGE_PATHS)) expect(paths).toContain(path);
  });

  it("lead to three different pages", () => {
    const pages = ["/productions/1/board", "/productions/1/scenes/2", "/productions/1"].map((path) => preloadPageFor(path));
    expect(new Set(pages).size).toBe(3);
    expect(pages.every(Boolean)).toBe(true);
  });
});
