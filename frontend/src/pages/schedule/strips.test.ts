import { describe, expect, it } from "vitest";
import type { ShootDay, Strip } from "../../api/schedule";
import type { Scene } from "../../api/types";
import { eighths } from "../../format";
import {
  castIdsByScene, dayHeader, dayNight, dayTotals, insertStrip, moveStrip, parseDragId, removeStrip, resolveDrop, shortDate, sortDays, sortStrips, stripTone, stripsByDay,
  unscheduledScenes,
} from "./strips";

const strip = (over: Partial<Strip>): Strip => ({
  id: 1, production: 1, shoot_day: 10, position: 0, kind: "scene", scene: 100, text: "", scene_number: "1", int_ext: "INT",
  time_of_day: "DAY", location: "KITCHEN", page_eighths: 8, cast_ids: [1], synopsis: "", version: 1, ...over,
});
const day = (over: Partial<ShootDay>): ShootDay => ({
  id: 10, production: 1, number: 1, date: "2026-11-24", unit: "Main Unit", location: null, location_name: null, notes: "",
  page_eighths: 0, scene_count: 0, version: 1, created_at: "", updated_at: "", ...over,
});
const scene = (over: Partial<Scene>): Scene => ({
  id: 100, production: 1, number: "1", int_ext: "INT", location: "KITCHEN", time_of_day: "DAY", slugline: "", synopsis: "", page_eighths: 8,
  script_order: 0, status: "not_started", script_version: null, needs_review: false, review_reason: "", version: 1, created_at: "", updated_at: "", ...over,
});

// Day 10: strips 1, 2, 3 (positions 0..2); day 20: strips 4, 5.
const board = (): Strip[] => [
  strip({ id: 3, shoot_day: 10, position: 2, scene: 103 }),
  strip({ id: 1, shoot_day: 10, position: 0, scene: 101 }),
  strip({ id: 5, shoot_day: 20, position: 1, scene: 105 }),
  strip({ id: 2, shoot_day: 10, position: 1, scene: 102 }),
  strip({ id: 4, shoot_day: 20, position: 0, scene: 104 }),
];
const order = (strips: Strip[], dayId: number) => (stripsByDay(strips).get(dayId) ?? []).map((s) => [s.id, s.position]);

describe("page eighths", () => {
  it("writes pages the trade's way", () => {
    expect(eighths(11)).toBe("1 3/8");
    expect(eighths(28)).toBe("3 4/8");
    expect(eighths(8)).toBe("1");
    expect(eighths(3)).toBe("3/8");
    expect(eighths(0)).toBe("0");
  });
});

describe("strip colour", () => {
  it("follows the paper stripboard: INT day white, EXT day yellow, INT night blue, EXT night green", () => {
    expect(stripTone("INT", "DAY")).toBe("int-day");
    expect(stripTone("EXT", "DAY")).toBe("ext-day");
    expect(stripTone("INT", "NIGHT")).toBe("int-night");
    expect(stripTone("EXT", "NIGHT")).toBe("ext-night");
  });
  it("counts INT/EXT and establishing shots as exterior, dusk and evening as night, anything else as day", () => {
    expect(stripTone("INT/EXT", "night")).toBe("ext-night");
    expect(stripTone("EST", "MORNING")).toBe("ext-day");
    expect(stripTone("INT", "EVENING")).toBe("int-night");
    expect(stripTone("EXT", "DUSK")).toBe("ext-night");
    expect(stripTone(null, null)).toBe("int-day");
    expect(stripTone("", "CONTINUOUS")).toBe("int-day");
  });
});

describe("day header", () => {
  it("names the day, its date, unit, pages and scenes", () => {
    const strips = [strip({ page_eighths: 11 }), strip({ id: 2, page_eighths: 9 }), strip({ id: 3, kind: "banner", scene: null, text: "COMPANY MOVE", page_eighths: null }),
      strip({ id: 4, page_eighths: 4 }), strip({ id: 5, page_eighths: 4 })];
    expect(dayHeader(day({}), strips)).toBe("Day 1 — Tue 24 Nov · Main Unit · 3 4/8 pgs · 4 scenes");
    expect(dayHeader(day({ number: 2, date: "2026-11-25", unit: "" }), [strip({ page_eighths: 3 })])).toBe("Day 2 — Wed 25 Nov · 3/8 pg · 1 scene");
    expect(dayTotals([])).toEqual({ eighths: 0, scenes: 0 });
  });
  it("keeps the calendar date whatever the time zone", () => {
    expect(shortDate("2027-01-01")).toBe("Fri 1 Jan");
    expect(shortDate("")).toBe("");
  });
});

describe("ordering", () => {
  it("sorts days by date then id, strips by (day number, position), not by list order", () => {
    const days = [day({ id: 20, number: 2, date: "2026-11-25" }), day({ id: 10, number: 1, date: "2026-11-24" }), day({ id: 5, number: 3, date: "2026-11-25" })];
    expect(sortDays(days).map((d) => d.id)).toEqual([10, 5, 20]);
    expect(sortStrips(board(), days).map((s) => s.id)).toEqual([1, 2, 3, 4, 5]);
  });
  it("lists the scenes without a strip in script order", () => {
    const scenes = [scene({ id: 102, script_order: 5 }), scene({ id: 200, script_order: 9 }), scene({ id: 201, script_order: 1 })];
    expect(unscheduledScenes(scenes, board()).map((s) => s.id)).toEqual([201, 200]);
  });
  it("shows one strip per scene while an optimistic copy and the server's coexist", () => {
    const strips = [strip({ id: -1, scene: 101, position: 0 }), strip({ id: 7, scene: 101, position: 0 })];
    expect(stripsByDay(strips).get(10)?.map((s) => s.id)).toEqual([7]);
  });
});

describe("moving strips", () => {
  it("reorders within a day, renumbering 0..n-1", () => {
    expect(order(moveStrip(board(), 1, 10, 2), 10)).toEqual([[2, 0], [3, 1], [1, 2]]);
    expect(order(moveStrip(board(), 3, 10, 0), 10)).toEqual([[3, 0], [1, 1], [2, 2]]);
  });
  it("moves between days, renumbering both", () => {
    const next = moveStrip(board(), 2, 20, 1);
    expect(order(next, 10)).toEqual([[1, 0], [3, 1]]);
    expect(order(next, 20)).toEqual([[4, 0], [2, 1], [5, 2]]);
    expect(next.find((s) => s.id === 2)?.shoot_day).toBe(20);
  });
  it("appends past the end and moves into an empty day", () => {
    expect(order(moveStrip(board(), 1, 20, 99), 20)).toEqual([[4, 0], [5, 1], [1, 2]]);
    expect(order(moveStrip(board(), 1, 30, 0), 30)).toEqual([[1, 0]]);
  });
  it("does not touch the input", () => {
    const before = board();
    moveStrip(before, 1, 20, 0);
    expect(before).toEqual(board());
  });
  it("inserts a new strip and removes one, renumbering its day", () => {
    const added = insertStrip(board(), strip({ id: -1, scene: 300, shoot_day: 20 }), 1);
    expect(order(added, 20)).toEqual([[4, 0], [-1, 1], [5, 2]]);
    expect(order(removeStrip(board(), 1), 10)).toEqual([[2, 0], [3, 1]]);
  });
});

describe("where a drop lands", () => {
  const strips = board();
  it("reads drag ids", () => {
    expect(parseDragId("strip:4")).toEqual({ kind: "strip", id: 4 });
    expect(parseDragId("scene:12")).toEqual({ kind: "scene", id: 12 });
    expect(parseDragId("day-end:1")).toBeNull();
  });
  it("on a strip of the same day: that strip's place (after it when dragging down)", () => {
    expect(resolveDrop(strips, { kind: "strip", id: 1 }, "on-strip:3")).toEqual({ kind: "day", day: 10, index: 2 });
    expect(resolveDrop(strips, { kind: "strip", id: 3 }, "on-strip:1")).toEqual({ kind: "day", day: 10, index: 0 });
    expect(order(moveStrip(strips, 1, 10, 2), 10).map(([id]) => id)).toEqual([2, 3, 1]);
  });
  it("on a strip of another day: before it; on a day's header first, on its end slot last", () => {
    expect(resolveDrop(strips, { kind: "strip", id: 1 }, "on-strip:5")).toEqual({ kind: "day", day: 20, index: 1 });
    expect(resolveDrop(strips, { kind: "strip", id: 1 }, "day-start:20")).toEqual({ kind: "day", day: 20, index: 0 });
    expect(resolveDrop(strips, { kind: "strip", id: 1 }, "day-end:20")).toEqual({ kind: "day", day: 20, index: 2 });
    expect(resolveDrop(strips, { kind: "scene", id: 300 }, "day-end:10")).toEqual({ kind: "day", day: 10, index: 3 });
    expect(resolveDrop(strips, { kind: "scene", id: 300 }, "on-strip:2")).toEqual({ kind: "day", day: 10, index: 1 });
  });
  it("the pool unschedules a strip; no-ops are null", () => {
    expect(resolveDrop(strips, { kind: "strip", id: 2 }, "pool")).toEqual({ kind: "pool" });
    expect(resolveDrop(strips, { kind: "scene", id: 300 }, "pool")).toBeNull();
    expect(resolveDrop(strips, { kind: "strip", id: 2 }, "on-strip:2")).toBeNull();
    expect(resolveDrop(strips, { kind: "strip", id: 3 }, "day-end:10")).toBeNull();
    expect(resolveDrop(strips, { kind: "strip", id: 1 }, "day-start:10")).toBeNull();
    expect(resolveDrop(strips, { kind: "strip", id: 1 }, null)).toBeNull();
    expect(resolveDrop(strips, { kind: "strip", id: 99 }, "day-end:10")).toBeNull();
  });
});

describe("strip columns", () => {
  it("writes D or N", () => {
    expect(dayNight("DAY")).toBe("D");
    expect(dayNight("Night")).toBe("N");
    expect(dayNight("DUSK")).toBe("N");
    expect(dayNight("")).toBe("");
  });
  it("finds the cast ids of a scene from its characters' cast members", () => {
    const ids = castIdsByScene(
      [{ scenes: [1, 2], cast_member: 50 }, { scenes: [2], cast_member: 51 }, { scenes: [2], cast_member: null }, { scenes: [3], cast_member: 52 }],
      [{ id: 50, cast_id: 3 }, { id: 51, cast_id: 1 }, { id: 52, cast_id: null }],
    );
    expect(ids.get(1)).toEqual([3]);
    expect(ids.get(2)).toEqual([1, 3]);
    expect(ids.has(3)).toBe(false);
  });
});
