import { describe, expect, it } from "vitest";
import { bytes, eighths, pagesLabel, scenesLabel } from "./format";

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

describe("pagesLabel and scenesLabel", () => {
  it("says pg up to one page and pgs past it, in eighths", () => {
    expect(pagesLabel(3)).toBe("3/8 pg");
    expect(pagesLabel(8)).toBe("1 pg");
    expect(pagesLabel(11)).toBe("1 3/8 pgs");
    expect(pagesLabel(0)).toBe("0 pg");
  });
  it("counts scenes with the right plural", () => {
    expect(scenesLabel(1)).toBe("1 scene");
    expect(scenesLabel(0)).toBe("0 scenes");
    expect(scenesLabel(4)).toBe("4 scenes");
  });
});
