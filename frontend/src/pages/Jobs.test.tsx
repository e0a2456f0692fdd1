import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { keys } from "../api/keys";
import { makeQueryClient } from "../api/queryClient";
import type { Job, Role } from "../api/types";
import { Jobs } from "./Jobs";

const job = (id: string, status: Job["status"], retryable: boolean, updated_at = "2026-12-01T10:00:05Z"): Job => ({
  id, production: 4, kind: "media.process", status, progress: status === "failed" ? 0.01 : 0, message: "", params: {}, result: {},
  error: status === "failed" ? "ffprobe could not read the file: Invalid data found when processing input" : "", attempts: 1, cancel_requested: false,
  retryable, created_by: 1, created_at: "2026-12-01T10:00:00Z", updated_at, started_at: null, finished_at: null,
});

function serve(role: Role, jobs: Job[], retry?: () => [number, unknown]) {
  vi.stubGlobal("fetch", vi.fn(async (path: string, init: RequestInit) => {
    const route = `${init.method ?? "GET"} ${path.split("?")[0]}`;
    const [status, body]: [number, unknown] =
      route === "GET /api/productions/4/" ? [200, { id: 4, title: "Brick & Steel", my_role: role }]
      : route === "GET /api/jobs/" ? [200, { results: jobs, next: null }]
      : route === "POST /api/jobs/j-1/retry/" && retry ? retry()
      : [404, { code: "not_found", message: "Not found.", extra: {} }];
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  }));
}

function show() {
  const qc = makeQueryClient();
  render(
    <MantineProvider>
      <QueryClientProvider client={qc}>
        <MemoryRouter initialEntries={["/productions/4/jobs"]}><Routes><Route path="/productions/:productionId/jobs" element={<Jobs />} /></Routes></MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return qc;
}

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe("Jobs page: retry", () => {
  it("offers Retry, named for the job and the production, on failed jobs that can run again, to members who can write", async () => {
    serve("director", [job("j-1", "failed", true), job("j-2", "failed", false), job("j-3", "succeeded", false)]);
    show();
    await waitFor(() => expect(screen.getAllByTestId("job-retry")).toHaveLength(1));
    expect(screen.getByTestId("job-retry").getAttribute("aria-label")).toBe("Retry Dailies processing in Brick & Steel");
    expect(screen.getByTestId("job-retry").closest("tr")?.dataset.jobId).toBe("j-1");
  });

  it("offers no Retry to a viewer", async () => {
    serve("viewer", [job("j-1", "failed", true)]);
    const qc = show();
    await screen.findByTestId("job-error");
    await waitFor(() => expect(qc.getQueryData(keys.production(4))).toBeTruthy()); // the role is known
    expect(screen.queryByTestId("job-retry")).toBeNull();
  });

  it("puts the retried job, pending again, in the list, and shows a refusal's reason in its row", async () => {
    serve("producer", [job("j-1", "failed", true)], () => [200, job("j-1", "pending", false, "2026-12-01T10:09:00Z")]);
    const qc = show();
    fireEvent.click(await screen.findByRole("button", { name: "Retry Dailies processing in Brick & Steel" }));
    await waitFor(() => expect(screen.getByTestId("job-row").dataset.status).toBe("pending"));
    expect(qc.getQueryData<Job[]>(keys.jobs(4))?.map((j) => j.status)).toEqual(["pending"]);
    expect(screen.queryByTestId("job-retry")).toBeNull();
    cleanup();

    const refusal = { code: "not_retryable", message: "The clip was deleted: there is nothing to process.", extra: {} };
    serve("producer", [job("j-1", "failed", true)], () => [400, refusal]);
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Retry Dailies processing in Brick & Steel" }));
    expect((await screen.findByTestId("job-retry-error")).textContent).toBe(refusal.message);
    expect(screen.getByTestId("job-row").dataset.status).toBe("failed");
  });
});
