import { describe, expect, it } from "vitest";
import type { Scene } from "../../api/types";
import { distinctValues, EMPTY_FILTERS, filterScenes, groupByStatus, hasFilters, intExtOptions, parseFilters, writeFilters } from "./filters";

const scene = (over: Partial<Scene>): Scene => ({
  id: 1, production: 1, number: "1", int_ext: "INT", location: "LIBRARY", time_of_day: "DAY", slugline: "INT. LIBRARY - DAY",
  synopsis: "", page_eighths: 8, script_order: 0, status: "not_started", script_version: null, needs_review: false, review_reason: "", version: 1, created_at: "", updated_at: "", ...over,
});

const scenes = [
  scene({ id: 1, number: "1", script_order: 0, synopsis: "Ana finds the letter." }),
  scene({ id: 2, number: "2", int_ext: "EXT", location: "Harbour", time_of_day: "NIGHT", slugline: "EXT. HARBOUR - NIGHT", script_order: 1, status: "in_progress" }),
  scene({ id: 3, number: "12A", int_ext: "INT/EXT", location: "CAR", time_of_day: "NIGHT", script_order: 2, synopsis: "The gun under the seat." }),
  scene({ id: 4, number: "3", location: "library", time_of_day: "day", script_order: 3, status: "completed" }),
];

describe("board filters", () => {
  it("round-trips through the query string and keeps other parameters", () => {
    const params = writeFilters(new URLSearchParams("tab=x"), { location: "CAR", intExt: "INT/EXT", timeOfDay: "NIGHT", q: "gun seat" });
    expect(params.get("tab")).toBe("x");
    expect(params.toString()).toContain("loc=CAR");
    expect(parseFilters(new URLSearchParams(params.toString()))).toEqual({ location: "CAR", intExt: "INT/EXT", timeOfDay: "NIGHT", q: "gun seat" });
    expect(writeFilters(params, EMPTY_FILTERS).toString()).toBe("tab=x");
  });

  it("no filters: everything, same array", () => {
    expect(hasFilters(EMPTY_FILTERS)).toBe(false);
    expect(hasFilters({ ...EMPTY_FILTERS, q: "   " })).toBe(false);
    expect(filterScenes(scenes, EMPTY_FILTERS)).toBe(scenes);
  });

  it("location and time of day match case-insensitively, INT/EXT exactly", () => {
    expect(filterScenes(scenes, { ...EMPTY_FILTERS, location: "LIBRARY" }).map((s) => s.id)).toEqual([1, 4]);
    expect(filterScenes(scenes, { ...EMPTY_FILTERS, timeOfDay: "night" }).map((s) => s.id)).toEqual([2, 3]);
    expect(filterScenes(scenes, { ...EMPTY_FILTERS, intExt: "INT" }).map((s) => s.id)).toEqual([1, 4]);
    expect(filterScenes(scenes, { ...EMPTY_FILTERS, intExt: "EXT", timeOfDay: "NIGHT" }).map((s) => s.id)).toEqual([2]);
  });

  it("search: every word must be in the number, location, slugline or synopsis", () => {
    expect(filterScenes(scenes, { ...EMPTY_FILTERS, q: "12a" }).map((s) => s.id)).toEqual([3]);
    expect(filterScenes(scenes, { ...EMPTY_FILTERS, q: "harbour" }).map((s) => s.id)).toEqual([2]);
    expect(filterScenes(scenes, { ...EMPTY_FILTERS, q: "letter ana" }).map((s) => s.id)).toEqual([1]);
    expect(filterScenes(scenes, { ...EMPTY_FILTERS, q: "letter gun" })).toEqual([]);
  });

  it("options: distinct, sorted, the chosen one kept; INT/EXT in the trade's order", () => {
    expect(distinctValues(scenes, "location")).toEqual(["CAR", "Harbour", "LIBRARY"]);
    expect(distinctValues(scenes, "time_of_day", "DUSK")).toEqual(["DAY", "DUSK", "NIGHT"]);
    expect(intExtOptions(scenes)).toEqual(["INT", "EXT", "INT/EXT"]);
    expect(intExtOptions([], "EST")).toEqual(["EST"]);
  });

  it("groups by status in script order", () => {
    const shuffled = [scenes[3]!, scenes[0]!, scenes[1]!];
    const grouped = groupByStatus(shuffled, ["not_started", "in_progress", "completed", "on_hold"]);
    expect(grouped.not_started.map((s) => s.id)).toEqual([1]);
    expect(grouped.in_progress.map((s) => s.id)).toEqual([2]);
    expect(grouped.completed.map((s) => s.id)).toEqual([4]);
    expect(grouped.on_hold).toEqual([]);
  });
});
