import { describe, expect, it } from "vitest";
import { ApiError } from "./client";
import { agoLabel, managesAny, retryRefusal, withoutRetried, type Operations, type OperationsFailedJob } from "./operations";

const failed = (id: string, production: number): OperationsFailedJob => ({
  id, production, production_title: `P${production}`, kind: "media.process", status: "failed", progress: 0.1, message: "Failed", params: { asset_id: 3 },
  result: {}, error: "ffprobe could not read the file", attempts: 1, cancel_requested: false, retryable: true, created_by: 1,
  created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-01T10:00:05Z", started_at: "2026-12-01T10:00:01Z", finished_at: "2026-12-01T10:00:05Z",
});

const overview = (): Operations => ({
  workers: [{ worker: "host:12", last_seen_s: 1.2, alive: true }], worker_stale_s: 30, queue_depth: 0, errors: [],
  productions: [{ id: 1, title: "P1", pending: 0, running: 1, failed: 2 }, { id: 2, title: "P2", pending: 0, running: 0, failed: 1 }],
  failed: [failed("a", 1), failed("b", 1), failed("c", 2)],
});

describe("managesAny", () => {
  it("is true for an owner or a producer of some production, and for nobody else", () => {
    expect(managesAny([{ my_role: "director" }, { my_role: "producer" }])).toBe(true);
    expect(managesAny([{ my_role: "owner" }])).toBe(true);
    expect(managesAny([{ my_role: "director" }, { my_role: "viewer" }, { my_role: null }])).toBe(false);
    expect(managesAny([])).toBe(false);
    expect(managesAny(undefined)).toBe(false);
  });
});

describe("agoLabel", () => {
  it("says a heartbeat's age in the unit people read", () => {
    expect([0, 0.4, 1.2, 12.6, 89, 91, 3599, 5400, 7300].map(agoLabel))
      .toEqual(["just now", "just now", "1 s ago", "13 s ago", "89 s ago", "2 min ago", "60 min ago", "2 h ago", "2 h ago"]);
  });
});

describe("withoutRetried", () => {
  it("drops the retried job from the failed list and moves one count of its production from failed to waiting", () => {
    const next = withoutRetried(overview(), { id: "b", production: 1 });
    expect(next?.failed.map((j) => j.id)).toEqual(["a", "c"]);
    expect(next?.productions).toEqual([{ id: 1, title: "P1", pending: 1, running: 1, failed: 1 }, { id: 2, title: "P2", pending: 0, running: 0, failed: 1 }]);
  });

  it("leaves the overview alone for a job it does not list (already fetched again), and nothing when nothing is loaded", () => {
    const data = overview();
    expect(withoutRetried(data, { id: "zz", production: 1 })).toBe(data);
    expect(withoutRetried(undefined, { id: "a", production: 1 })).toBeUndefined();
  });
});

describe("retryRefusal", () => {
  it("shows the server's reason, and a sentence when there is none", () => {
    expect(retryRefusal(new ApiError(400, { code: "not_retryable", message: "The clip was deleted: there is nothing to process.", extra: {} })))
      .toBe("The clip was deleted: there is nothing to process.");
    expect(retryRefusal(new ApiError(403, { code: "permission_denied", message: "", extra: {} }))).toBe("Viewers cannot retry jobs.");
    expect(retryRefusal(new TypeError("Failed to fetch"))).toMatch(/did not answer/);
  });
});
