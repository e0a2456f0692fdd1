import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./client";
import { downloadOrJob, filenameFrom, getOrJob } from "./renders";

const job = { id: "7b0f", production: 1, kind: "script.render", status: "pending", progress: 0, message: "", params: { render: "pdf" },
  result: {}, error: "", attempts: 0, cancel_requested: false, created_by: 1, created_at: "2026-12-02T10:00:00Z", updated_at: "2026-12-02T10:00:00Z",
  started_at: null, finished_at: null };

function answer(status: number, body: BodyInit, headers: Record<string, string> = {}) {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(body, { status, headers })));
}

afterEach(() => vi.unstubAllGlobals());

describe("filenameFrom", () => {
  it("reads the names Django's content_disposition_header writes", () => {
    expect(filenameFrom('attachment; filename="Brick & Steel v2.pdf"')).toBe("Brick & Steel v2.pdf");
    expect(filenameFrom("attachment; filename*=utf-8''Caf%C3%A9%20%22x%22%20v2.pdf")).toBe('Café "x" v2.pdf');
  });
  it("has no name without the header", () => {
    expect(filenameFrom(null)).toBeNull();
    expect(filenameFrom("inline")).toBeNull();
  });
});

describe("getOrJob", () => {
  it("gives the diff when it is made, the job while it is not", async () => {
    answer(200, JSON.stringify({ from: 1, to: 2, scenes: [], summary: {} }));
    expect(await getOrJob("/api/scripts/1/diff/")).toEqual({ kind: "ready", value: { from: 1, to: 2, scenes: [], summary: {} } });
    answer(202, JSON.stringify(job));
    expect(await getOrJob("/api/scripts/1/diff/")).toEqual({ kind: "job", job });
  });
  it("throws Slate's error for a refusal", async () => {
    answer(400, JSON.stringify({ message: "Too many pages.", code: "too_large", extra: { limit: "SLATE_SCRIPT_MAX_PAGES" } }));
    const error = await getOrJob("/api/scripts/1/diff/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("too_large");
  });
});

describe("downloadOrJob", () => {
  it("gives the file with the server's name, or the job making it", async () => {
    answer(200, "%PDF-1.4", { "Content-Disposition": 'attachment; filename="Ascent v2.pdf"', "Content-Type": "application/pdf" });
    const ready = await downloadOrJob("/api/script-versions/2/export.pdf", "fallback.pdf");
    expect(ready.kind === "ready" && ready.value.filename).toBe("Ascent v2.pdf");
    expect(ready.kind === "ready" && (await ready.value.blob.text())).toBe("%PDF-1.4");
    answer(202, JSON.stringify(job), { "Content-Type": "application/json" });
    expect(await downloadOrJob("/api/script-versions/2/export.pdf", "fallback.pdf")).toEqual({ kind: "job", job });
  });
});
