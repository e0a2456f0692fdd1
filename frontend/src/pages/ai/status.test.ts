import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import type { BreakdownSuggestion, Job } from "../../api/types";
import { aiOffText, appendLog, featureState, groupSuggestions, jobToShow, notConfiguredVariable, suggestionCounts, writtenVersion } from "./status";

const job = (id: string, status: Job["status"], kind = "ai.write_script", params: Record<string, unknown> = { script_id: 1 }) =>
  ({ id, status, kind, params, result: {} }) as unknown as Job;
const suggestion = (id: number, category: BreakdownSuggestion["category"], name: string, status: BreakdownSuggestion["status"] = "pending") =>
  ({ id, category, name, status, scene: 1 }) as BreakdownSuggestion;

describe("AI status", () => {
  it("says what to set", () => {
    expect(aiOffText("AI writing", "ANTHROPIC_API_KEY")).toBe("AI writing is off: set ANTHROPIC_API_KEY on the server.");
  });
  it("reads a 503 not_configured answer", () => {
    const err = new ApiError(503, { message: "off", code: "not_configured", extra: { variable: "FAL_KEY" } });
    expect(notConfiguredVariable(err)).toBe("FAL_KEY");
    expect(notConfiguredVariable(new ApiError(400, { message: "bad", code: "invalid", extra: {} }))).toBeNull();
    expect(notConfiguredVariable(new Error("x"))).toBeNull();
  });
  it("is unknown until the status has loaded", () => {
    expect(featureState(undefined)).toBe("unknown");
    expect(featureState({ configured: false, variable: "FAL_KEY", model: "" })).toBe("off");
    expect(featureState({ configured: true, variable: "FAL_KEY", model: "m" })).toBe("on");
  });
});

describe("jobToShow", () => {
  const match = (j: Job) => j.kind === "ai.write_script" && j.params.script_id === 1;
  it("prefers the user's own job, finished or not", () => {
    const jobs = [job("b", "running"), job("a", "succeeded")];
    expect(jobToShow(jobs, "a", match)?.id).toBe("a");
  });
  it("else shows someone else's running job for the same target, never a finished one", () => {
    expect(jobToShow([job("x", "succeeded"), job("y", "running")], null, match)?.id).toBe("y");
    expect(jobToShow([job("x", "succeeded")], null, match)).toBeUndefined();
    expect(jobToShow([job("z", "running", "ai.write_script", { script_id: 2 })], null, match)).toBeUndefined();
    expect(jobToShow(undefined, "a", match)).toBeUndefined();
  });
});

describe("writtenVersion", () => {
  it("is the new version once the job has succeeded", () => {
    expect(writtenVersion({ status: "succeeded", result: { script_version_id: 9, version: 4 } })).toEqual({ id: 9, number: 4 });
    expect(writtenVersion({ status: "running", result: {} })).toBeNull();
    expect(writtenVersion({ status: "succeeded", result: {} })).toBeNull();
  });
});

describe("breakdown suggestions", () => {
  it("groups by category in breakdown-sheet order, names sorted", () => {
    const groups = groupSuggestions([suggestion(1, "props", "Revolver"), suggestion(2, "cast", "GUARD"), suggestion(3, "props", "Letter"), suggestion(4, "sound", "Rain")]);
    expect(groups.map((g) => g.category)).toEqual(["cast", "props", "sound"]);
    expect(groups[1]?.items.map((s) => s.name)).toEqual(["Letter", "Revolver"]);
  });
  it("counts by status", () => {
    expect(suggestionCounts([suggestion(1, "cast", "A"), suggestion(2, "cast", "B", "accepted"), suggestion(3, "props", "C", "rejected"), suggestion(4, "props", "D")]))
      .toEqual({ pending: 2, accepted: 1, rejected: 1 });
  });
});

describe("appendLog", () => {
  it("adds new lines, skips repeats and keeps the newest", () => {
    let log: string[] = [];
    for (const m of ["In queue: position 3", "In queue: position 3", "", "In queue: position 1", "step 1/20", "step 20/20"]) log = appendLog(log, m, 3);
    expect(log).toEqual(["In queue: position 1", "step 1/20", "step 20/20"]);
  });
});
