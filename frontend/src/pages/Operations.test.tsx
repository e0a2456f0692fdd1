import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Operations as OperationsData, OperationsFailedJob } from "../api/operations";
import { makeQueryClient } from "../api/queryClient";
import { Operations } from "./Operations";

// The bell follows the live socket (RealtimeProvider); this page's own behaviour is what is tested here.
vi.mock("../components/notifications/NotificationBell", () => ({ NotificationBell: () => null }));

const failedJob = (id: string, retryable: boolean): OperationsFailedJob => ({
  id, production: 4, production_title: "Brick & Steel", kind: "media.process", status: "failed", progress: 0.01, message: "Failed", params: { asset_id: 9 },
  result: {}, error: "Unexpected error while running media.process: FileNotFoundError: ffprobe", attempts: 1, cancel_requested: false, retryable,
  created_by: 1, created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-01T10:00:05Z", started_at: "2026-12-01T10:00:01Z", finished_at: "2026-12-01T10:00:05Z",
});

const overview: OperationsData = {
  workers: [{ worker: "render-1:4100", last_seen_s: 2.4, alive: true }, { worker: "render-2:77", last_seen_s: 340, alive: false }],
  worker_stale_s: 30, queue_depth: 3, errors: [],
  productions: [{ id: 4, title: "Brick & Steel", pending: 3, running: 1, failed: 2 }],
  failed: [failedJob("j-1", true), { ...failedJob("j-2", false), kind: "script.import" }],
};

type Handler = (method: string, body: unknown) => [number, unknown];

function serve(routes: Record<string, Handler>) {
  const calls: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (path: string, init: RequestInit) => {
    const method = init.method ?? "GET";
    calls.push(`${method} ${path}`);
    const route = routes[path.split("?")[0] ?? ""];
    const [status, body] = route ? route(method, init.body) : [404, { code: "not_found", message: "Not found.", extra: {} }];
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  }));
  return calls;
}

function show() {
  return render(
    <MantineProvider>
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={["/operations"]}><Operations /></MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

const common = {
  "/api/auth/me/": (): [number, unknown] => [200, { id: 1, username: "ana", email: "", name: "Ana", display_name: "Ana", email_verified: true }],
  "/api/productions/": (): [number, unknown] => [200, { results: [{ id: 4, title: "Brick & Steel", my_role: "owner" }], next: null }],
};

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe("Operations page", () => {
  it("shows workers, the queue, each production's counts and the failed jobs, with a named Retry only where the job can run again", async () => {
    serve({ ...common, "/api/operations/": () => [200, overview] });
    show();
    expect(await screen.findByRole("heading", { level: 1, name: "Operations" })).toBeTruthy();
    const workers = await screen.findAllByTestId("operations-worker");
    expect(workers.map((w) => [w.dataset.alive, within(w).getAllByRole("cell").map((c) => c.textContent)])).toEqual([
      ["true", ["render-1:4100", "Alive", "Last seen 2 s ago"]],
      ["false", ["render-2:77", "Stale", "Last seen 6 min ago"]],
    ]);
    expect(screen.getByTestId("operations-queue-depth").textContent).toBe("3 jobs waiting in the queue");
    const row = screen.getByTestId("operations-production");
    expect(within(row).getAllByRole("cell").map((c) => c.textContent)).toEqual(["Brick & Steel", "3", "1", "2"]);
    expect(within(row).getByRole("link").getAttribute("href")).toBe("/productions/4/jobs");
    expect(screen.getAllByRole("columnheader").every((th) => (th.textContent ?? "").trim() !== "")).toBe(true);
    const retry = screen.getAllByRole("button", { name: /^Retry/ });
    expect(retry.map((b) => b.getAttribute("aria-label"))).toEqual(["Retry Dailies processing in Brick & Steel"]);
    expect(screen.getByText("Start it again where it was made")).toBeTruthy();
    expect(screen.queryByTestId("operations-errors")).toBeNull();
  });

  it("says which Redis reads failed, and that the queue's depth is unknown", async () => {
    const down = { ...overview, workers: [], queue_depth: null, errors: ["The job queue's Redis did not answer: ConnectionError."] };
    serve({ ...common, "/api/operations/": () => [200, down] });
    show();
    expect((await screen.findByTestId("operations-errors")).textContent).toContain("The job queue's Redis did not answer: ConnectionError.");
    expect(screen.getByTestId("operations-queue-depth").textContent).toBe("Jobs waiting in the queue: unknown");
    expect(screen.getByTestId("operations-no-workers")).toBeTruthy();
  });

  it("shows a refused retry's reason in the job's row and keeps the job listed", async () => {
    const refusal = { code: "not_retryable", message: "The clip was deleted: there is nothing to process.", extra: {} };
    const calls = serve({ ...common, "/api/operations/": () => [200, overview], "/api/jobs/j-1/retry/": () => [400, refusal] });
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Retry Dailies processing in Brick & Steel" }));
    expect((await screen.findByRole("alert")).textContent).toBe(refusal.message);
    expect(calls).toContain("POST /api/jobs/j-1/retry/");
    expect(screen.getAllByTestId("operations-failed-job").map((r) => r.dataset.jobId)).toEqual(["j-1", "j-2"]);
  });

  it("takes a retried job off the failed list at once, says so, keeps the keyboard in the list and asks the server again", async () => {
    let retried = false;
    const calls = serve({
      ...common,
      "/api/operations/": () => [200, retried ? { ...overview, failed: overview.failed.slice(1) } : overview],
      "/api/jobs/j-1/retry/": () => { retried = true; return [200, { ...failedJob("j-1", false), status: "pending", error: "", updated_at: "2026-12-01T10:05:00Z" }]; },
    });
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Retry Dailies processing in Brick & Steel" }));
    await waitFor(() => expect(screen.getAllByTestId("operations-failed-job").map((r) => r.dataset.jobId)).toEqual(["j-2"]));
    expect(screen.getByTestId("operations-retry-status").textContent).toBe("Dailies processing in Brick & Steel was sent to run again.");
    expect(document.activeElement?.textContent).toBe("Failed jobs (1)");
    await waitFor(() => expect(calls.filter((c) => c === "GET /api/operations/").length).toBe(2));
  });

  it("tells a member who manages no production that the page is not theirs", async () => {
    const refusal = { code: "permission_denied", message: "The operations page is for the owners and producers of a production.", extra: {} };
    serve({ ...common, "/api/operations/": () => [403, refusal] });
    show();
    expect((await screen.findByTestId("operations-forbidden")).textContent).toContain(refusal.message);
  });
});
