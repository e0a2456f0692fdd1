import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeQueryClient } from "../../api/queryClient";
import type { Role } from "../../api/types";
import { auditWhat, auditWho, shortUserAgent, type AuditEntry } from "./audit";
import { AuditLog } from "./AuditLog";

const SLOW = { timeout: 5000 };  // a shared two-core machine: the first render can take seconds
const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const ana = { id: 7, username: "ana", display_name: "Ana Ruiz" };
const ben = { id: 8, username: "ben", display_name: "Ben Ito" };
const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  id: 1, at: "2026-12-01T10:00:00Z", action: "export", action_label: "Export downloaded", actor: ana, target_user: null, login: "",
  production: 4, detail: {}, ip_address: "203.0.113.9", user_agent: FIREFOX, ...over,
});
const ROWS = [
  entry({ id: 2, action: "role_changed", action_label: "Role changed", target_user: ben, detail: { from: "viewer", to: "producer" } }),
  entry({ id: 1, action: "export", detail: { export: "contacts_csv" } }),
];

function serve(role: Role) {
  const fetch = vi.fn(async (path: string, init: RequestInit) => {
    const route = `${init.method ?? "GET"} ${path.split("?")[0]}`;
    const [status, body]: [number, unknown] =
      route === "GET /api/productions/4/" ? [200, { id: 4, title: "Brick & Steel", my_role: role }]
      : route === "GET /api/productions/4/audit/" ? [200, { count: 2, next: null, previous: null, results: path.includes("action=export") ? ROWS.slice(1) : ROWS }]
      : [404, { code: "not_found", message: "Not found.", extra: {} }];
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

function show() {
  render(
    <MantineProvider>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={["/productions/4/audit"]}><Routes><Route path="/productions/:productionId/audit" element={<AuditLog />} /></Routes></MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe("Audit log page", { timeout: 20_000 }, () => {
  it("shows an owner when, who, what and from where, newest first", async () => {
    serve("owner");
    show();
    const rows = await screen.findAllByTestId("audit-row", {}, SLOW);
    expect(rows.map((row) => row.dataset.action)).toEqual(["role_changed", "export"]);
    const first = within(rows[0] as HTMLElement);
    expect(first.getByText("Ana Ruiz")).toBeTruthy();
    expect(first.getByText("Role changed: Ben Ito, viewer → producer")).toBeTruthy();
    expect(first.getByText("203.0.113.9 · Firefox on Windows")).toBeTruthy();
    expect(rows[0]?.querySelector("time")?.getAttribute("datetime")).toBe("2026-12-01T10:00:00Z");
  });

  it("asks the API for one action when the filter picks it", async () => {
    const fetch = serve("owner");
    show();
    await screen.findAllByTestId("audit-row", {}, SLOW);
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "export" } });
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(1), SLOW);
    expect(fetch.mock.calls.some(([path]) => String(path).includes("/audit/?page=1&page_size=25&action=export"))).toBe(true);
  });

  it("tells another member only owners read it, and does not ask", async () => {
    const fetch = serve("producer");
    show();
    await screen.findByTestId("audit-owners-only", {}, SLOW);
    expect(fetch.mock.calls.some(([path]) => String(path).includes("/audit/"))).toBe(false);
    expect(screen.queryByTestId("audit-table")).toBeNull();
  });
});

describe("audit rows in words", () => {
  it("names a failed sign-in by the login typed", () => {
    expect(auditWho(entry({ actor: null, login: "ana@example.com", action: "sign_in_failed" }))).toBe("“ana@example.com” (not signed in)");
  });

  it("says what an export and a removal were", () => {
    expect(auditWhat(entry({ detail: { export: "call_sheet_pdf" } }))).toBe("Downloaded the call sheet (PDF)");
    expect(auditWhat(entry({ action: "member_removed", target_user: ben, detail: { role: "assistant_director", left: false } })))
      .toBe("Removed Ben Ito (assistant director)");
  });

  it("shortens user agents to a browser and a system", () => {
    expect(shortUserAgent(FIREFOX)).toBe("Firefox on Windows");
    expect(shortUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"))
      .toBe("Safari on iPhone");
    expect(shortUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0")).toBe("Edge on Linux");
    expect(shortUserAgent("python-requests/2.32.3")).toBe("python-requests/2.32.3");
    expect(shortUserAgent("")).toBe("");
  });
});
