import { describe, expect, it } from "vitest";
import { editOutcome, renderLabel } from "./jobs";

describe("editOutcome", () => {
  it("reads a saved version from the finished job", () => {
    expect(editOutcome({ status: "succeeded", result: { script_version_id: 12, version: 3 }, error: "" }, 11, 12))
      .toEqual({ kind: "saved", number: 3, versionId: 12 });
  });
  it("waits while the job runs", () => {
    expect(editOutcome({ status: "running", result: {}, error: "" }, 11, 11)).toEqual({ kind: "running" });
  });
  it("is a conflict when a newer version than the base exists after a failed save", () => {
    expect(editOutcome({ status: "failed", result: {}, error: "This script is now at v3" }, 11, 13)).toEqual({ kind: "conflict" });
  });
  it("is the job's error otherwise, and a cancelled save keeps the text", () => {
    expect(editOutcome({ status: "failed", result: {}, error: "Too many scenes (SLATE_SCRIPT_MAX_SCENES)" }, 11, 11))
      .toEqual({ kind: "failed", error: "Too many scenes (SLATE_SCRIPT_MAX_SCENES)" });
    expect(editOutcome({ status: "cancelled", result: {}, error: "" }, 11, 11)).toEqual({ kind: "failed", error: "The save was cancelled; your text is kept as a draft." });
  });
});

describe("renderLabel", () => {
  it("names what a render job makes", () => {
    expect(renderLabel({ params: { render: "pdf" } })).toBe("Preparing the PDF");
    expect(renderLabel({ params: { render: "fdx" } })).toBe("Preparing the Final Draft file");
    expect(renderLabel({ params: { render: "diff" } })).toBe("Comparing the versions");
    expect(renderLabel({ params: {} })).toBe("Preparing");
  });
});
