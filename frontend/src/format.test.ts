import { describe, expect, it } from "vitest";
import { bytes, eighths } from "./format";

describe("eighths", () => {
  it("writes page lengths as the trade does", () => {
    expect(eighths(0)).toBe("0");
    expect(eighths(3)).toBe("3/8");
    expect(eighths(8)).toBe("1");
    expect(eighths(11)).toBe("1 3/8");
    expect(eighths(50)).toBe("6 2/8");
  });
});

describe("bytes", () => {
  it("uses binary units", () => {
    expect(bytes(512)).toBe("512 bytes");
    expect(bytes(25 * 1024 * 1024)).toBe("25.0 MiB");
  });
});
