import { describe, expect, it } from "vitest";
import { ApiError, retryWhenBusy } from "./client";

const error = (status: number, code: string) => new ApiError(status, { message: "m", code, extra: {} });

describe("retryWhenBusy", () => {
  it("sends a write again when the server was busy (503 busy: nothing was saved), twice at most", () => {
    expect(retryWhenBusy(0, error(503, "busy"))).toBe(true);
    expect(retryWhenBusy(1, error(503, "busy"))).toBe(true);
    expect(retryWhenBusy(2, error(503, "busy"))).toBe(false);
  });

  it("never repeats a write the server refused or may have saved", () => {
    expect(retryWhenBusy(0, error(409, "conflict"))).toBe(false);
    expect(retryWhenBusy(0, error(503, "not_configured"))).toBe(false);
    expect(retryWhenBusy(0, error(500, "http_500"))).toBe(false);
    expect(retryWhenBusy(0, new TypeError("Failed to fetch"))).toBe(false);
  });
});
