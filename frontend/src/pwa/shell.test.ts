// Which navigations the service worker answers with the app shell offline, and the precache URLs it uses.
import { describe, expect, it } from "vitest";
import { isAppNavigation, shellEntries, shellPath } from "./shell";

describe("the service worker's shell", () => {
  it("answers the app's pages and deep links, never the API, the admin, the socket, static or media files", () => {
    for (const page of ["/", "/signin?next=%2F", "/productions/1/board", "/productions/12/scenes/7", "/productions/1/takes/day/3", "/settings/notifications", "/invitations/abc"]) {
      expect(isAppNavigation(page), page).toBe(true);
    }
    for (const other of ["/api/", "/api/docs/", "/api", "/admin/", "/admin/login/?next=/admin/", "/ws/", "/static/app/report.pdf", "/files/media/a.mov", "/_protected/a.mov", "/metrics", "/metrics?x=1", "/sw.js"]) {
      expect(isAppNavigation(other), other).toBe(false);
    }
    // Pages whose names only begin like those prefixes are still the app's.
    expect(isAppNavigation("/apiary")).toBe(true);
    expect(isAppNavigation("/administration")).toBe(true);
  });

  it("precaches each built file at its /static/app/ URL, not next to /sw.js", () => {
    const entries = shellEntries(["favicon-32.png", { url: "index.html", revision: "abc" }, { url: "assets/index-Cw.js", revision: null }], "/static/app/");

    expect(entries).toEqual([
      { url: "/static/app/favicon-32.png", revision: null },
      { url: "/static/app/index.html", revision: "abc" },
      { url: "/static/app/assets/index-Cw.js", revision: null },
    ]);
    expect(shellPath("/static/app/")).toBe("/static/app/index.html");
    expect(shellPath("/static/app")).toBe("/static/app/index.html");
  });
});
