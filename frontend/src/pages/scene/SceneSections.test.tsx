// The scene page's sections come in once their lists are in (nothing jumps down the screen as each list arrives: the
// shots first, the others after it one per frame), not later than WAIT_FOR_LISTS_MS, and at once offline.
import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeQueryClient } from "../../api/queryClient";
import { SceneSections } from "./SceneSections";

afterEach(() => { cleanup(); vi.unstubAllGlobals(); vi.useRealTimers(); vi.restoreAllMocks(); });

const page = (results: unknown[] = []) => [200, { results, next: null }] as const;
const ROUTES: Record<string, readonly [number, unknown]> = {
  "/api/shots/": page([{ id: 12, scene: 3, production: 4, number: "3A", type: "WS", lens_mm: 24, description: "The quay", order: 1, version: 1 }]),
  "/api/takes/": page(),
  "/api/continuity-notes/": page(),
  "/api/breakdown-suggestions/": page(),
  "/api/comments/": page(),
  "/api/productions/4/": [200, { id: 4, title: "Brick & Steel", my_role: "director" }],
  "/api/productions/4/members/": page(),
  "/api/jobs/": page(),
  "/api/auth/me/": [200, { id: 1, email: "ana@example.com", name: "Ana" }],
  "/api/ai/status/": [200, { configured: false }],
};

/** fetch answering ROUTES; the comments only once `release()` is called. */
function serveWithCommentsHeld() {
  let release = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  vi.stubGlobal("fetch", vi.fn(async (path: string) => {
    const url = new URL(path, "http://localhost");
    if (url.pathname === "/api/comments/") await held;
    const [status, body] = ROUTES[url.pathname] ?? [404, { code: "not_found", message: "Not found.", extra: {} }];
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  }));
  return () => act(release);
}

function show() {
  render(
    <MantineProvider>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter><SceneSections productionId={4} sceneId={3} canWrite /></MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe("the scene page's sections", () => {
  it("wait for each other's lists, then show together", async () => {
    const release = serveWithCommentsHeld();
    show();
    await waitFor(() => expect(vi.mocked(fetch).mock.calls.some(([path]) => String(path).startsWith("/api/comments/"))).toBe(true));
    await act(() => new Promise((resolve) => setTimeout(resolve, 100))); // the other lists are in by now
    expect(screen.getByRole("status").textContent).toBe("Loading…");
    expect(screen.queryByTestId("shots")).toBeNull();
    expect(screen.queryByTestId("continuity-notes")).toBeNull();
    await release();
    await waitFor(() => expect(screen.getByTestId("shots")).toBeTruthy());
    expect(screen.getAllByTestId("shot")).toHaveLength(1);
    // the others follow it, one per frame, below it
    await waitFor(() => expect(screen.getByTestId("continuity-notes")).toBeTruthy());
  });

  it("show what they have after two seconds when a list does not come", async () => {
    serveWithCommentsHeld();
    vi.useFakeTimers({ shouldAdvanceTime: true });
    show();
    await act(() => vi.advanceTimersByTimeAsync(500));
    expect(screen.queryByTestId("shots")).toBeNull();
    await act(() => vi.advanceTimersByTimeAsync(1600));
    await waitFor(() => expect(screen.getByTestId("shots")).toBeTruthy());
  });

  it("show at once offline", async () => {
    serveWithCommentsHeld();
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    show();
    expect(screen.getByTestId("shots")).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("continuity-notes")).toBeTruthy());
  });
});
