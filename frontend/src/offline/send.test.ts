import { describe, expect, it } from "vitest";
import { classify } from "./send";

describe("classify: what an answer means for a queued write", () => {
  it("is through on 2xx, with the body", () => {
    expect(classify(201, { id: 4 })).toEqual({ outcome: "ok", data: { id: 4 } });
  });

  it("is a conflict on a 409 that carries the current object (a stale version, or a take another device logged)", () => {
    const body = { message: "Someone else changed this take.", code: "conflict", extra: { current: { id: 9, version: 5 } } };
    expect(classify(409, body)).toEqual({ outcome: "conflict", theirs: { id: 9, version: 5 },
      error: { status: 409, code: "conflict", message: "Someone else changed this take.", fields: {} } });
    expect(classify(409, { message: "Take 4 exists", code: "take_exists", extra: { current: { id: 3, number: 4 } } }).outcome).toBe("conflict");
  });

  it("tries again later on a key still being processed, 408, 429 and 5xx, after Retry-After when given", () => {
    expect(classify(409, { message: "busy", code: "idempotency_in_progress", extra: {} }, "1")).toEqual(
      { outcome: "retry", message: "The server is still working on it.", retryAfterMs: 1000 });
    expect(classify(503, null).outcome).toBe("retry");
    expect(classify(502, null).outcome).toBe("retry");
    expect(classify(429, null, "30")).toMatchObject({ outcome: "retry", retryAfterMs: 30_000 });
  });

  it("stops a refused write with its reason and field messages, and waits for a sign-in on 401", () => {
    const body = { message: "Invalid input.", code: "invalid", extra: { fields: { timecode_in: ["Frames must be below 24."] } } };
    expect(classify(400, body)).toEqual({ outcome: "rejected",
      error: { status: 400, code: "invalid", message: "Invalid input.", fields: { timecode_in: "Frames must be below 24." } } });
    expect(classify(422, { message: "reused", code: "idempotency_key_reused", extra: {} }).outcome).toBe("rejected");
    expect(classify(404, { detail: "Not found." })).toMatchObject({ outcome: "rejected", error: { message: "Not found.", code: "http_404" } });
    expect(classify(401, { message: "x", code: "not_authenticated", extra: {} }).outcome).toBe("signed-out");
  });
});
