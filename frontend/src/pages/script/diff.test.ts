import { describe, expect, it } from "vitest";
import type { ScriptDiffScene } from "../../api/types";
import { changesText, classifyLine, defaultDiffPair, latestVersion, lineCounts, visibleScenes } from "./diff";

const scene = (status: ScriptDiffScene["status"], moved = false): ScriptDiffScene => ({
  status, moved, number: "1", heading: "INT. LIBRARY - NIGHT", scene: 1, from_index: 0, to_index: 0, lines: [],
});

describe("classifyLine", () => {
  it("reads the unified diff's markers", () => {
    expect(classifyLine("+ANA opens the letter.")).toEqual({ kind: "added", text: "ANA opens the letter." });
    expect(classifyLine("-ANA burns the letter.")).toEqual({ kind: "removed", text: "ANA burns the letter." });
    expect(classifyLine(" INT. LIBRARY - NIGHT")).toEqual({ kind: "context", text: "INT. LIBRARY - NIGHT" });
    expect(classifyLine("@@ -1,4 +1,5 @@")).toEqual({ kind: "hunk", text: "@@ -1,4 +1,5 @@" });
  });
  it("treats an empty or unmarked line as context, and keeps a dialogue dash after the marker", () => {
    expect(classifyLine("")).toEqual({ kind: "context", text: "" });
    expect(classifyLine("--- not a marker twice")).toEqual({ kind: "removed", text: "-- not a marker twice" });
  });
});

describe("lineCounts", () => {
  it("counts added and removed lines, not hunks or context", () => {
    expect(lineCounts(["@@ -1 +1 @@", " kept", "+new", "+newer", "-gone"])).toEqual({ added: 2, removed: 1 });
  });
});

describe("visibleScenes", () => {
  it("hides unchanged scenes unless asked, but keeps a moved one", () => {
    const diff = { scenes: [scene("unchanged"), scene("changed"), scene("unchanged", true), scene("added")] };
    expect(visibleScenes(diff, false).map((s) => s.status)).toEqual(["changed", "unchanged", "added"]);
    expect(visibleScenes(diff, true)).toHaveLength(4);
  });
});

describe("changesText", () => {
  it("names the non-zero counts in a fixed order", () => {
    expect(changesText({ added: 2, removed: 0, moved: 1, changed: 3 })).toBe("2 added · 3 changed · 1 moved");
    expect(changesText({})).toBe("");
    expect(changesText(null)).toBe("");
  });
});

describe("defaultDiffPair", () => {
  it("opens on the latest against the one before it", () => {
    expect(defaultDiffPair([1, 2, 3])).toEqual({ from: 2, to: 3 });
  });
  it("compares a first version with an empty script", () => {
    expect(defaultDiffPair([1])).toEqual({ from: 0, to: 1 });
    expect(defaultDiffPair([1, 2, 3], null, 1)).toEqual({ from: 0, to: 1 });
  });
  it("keeps valid choices and replaces unknown ones", () => {
    expect(defaultDiffPair([1, 2, 3], 1, 3)).toEqual({ from: 1, to: 3 });
    expect(defaultDiffPair([1, 2, 3], 9, 7)).toEqual({ from: 2, to: 3 });
    expect(defaultDiffPair([])).toBeNull();
  });
});

describe("latestVersion", () => {
  it("is the highest number, whatever the order", () => {
    expect(latestVersion([{ number: 2 }, { number: 5 }, { number: 3 }])).toEqual({ number: 5 });
    expect(latestVersion([])).toBeNull();
  });
});
