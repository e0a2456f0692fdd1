import { describe, expect, it } from "vitest";
import type { Take } from "../../api/types";
import { dropFrameOf, durationText, newestFirst, nextCamera, rememberedShot, rememberShot, timecodeProblem, typedTimecode } from "./takelog";

describe("typedTimecode", () => {
  it("writes eight digits the SMPTE way, drop-frame when asked", () => {
    expect(typedTimecode("01020304")).toBe("01:02:03:04");
    expect(typedTimecode("01020304", true)).toBe("01:02:03;04");
  });
  it("pads short groups and keeps the separator typed before the frames", () => {
    expect(typedTimecode("1:2:3:4")).toBe("01:02:03:04");
    expect(typedTimecode("1:2:3;4")).toBe("01:02:03;04");
    expect(typedTimecode(" 10:00:00:00 ")).toBe("10:00:00:00");
  });
  it("leaves what it cannot read for the check to explain", () => {
    expect(typedTimecode("1:00:00")).toBe("1:00:00");
    expect(typedTimecode("")).toBe("");
  });
});

describe("timecodeProblem", () => {
  it("accepts a label that exists at the rate, and a blank one", () => {
    expect(timecodeProblem("01:00:00:23", "23.976")).toBeNull();
    expect(timecodeProblem("", "25")).toBeNull();
    expect(timecodeProblem("00:10:00;00", "29.97")).toBeNull();
  });
  it("explains frames past the rate, drop-frame at a rate without it and skipped labels", () => {
    expect(timecodeProblem("01:00:00:25", "25")).toMatch(/frames must be 00-24 at 25 fps/);
    expect(timecodeProblem("01:00:00;10", "24")).toMatch(/only at 29.97 and 59.94/);
    expect(timecodeProblem("00:01:00;00", "29.97")).toMatch(/does not exist in drop-frame/);
  });
});

const take = (fields: Partial<Take>): Take => ({
  id: 1, production: 1, scene: 1, shot: 1, number: 1, circled: false, no_good: false, notes: "", cameras: [], sound_roll: "", sound: "sync",
  timecode_in: "", timecode_out: "", timecode_rate: "24", duration_frames: null, duration_s: null, recorded_at: "2026-11-24T09:00:00Z",
  version: 1, created_at: "2026-11-24T09:00:00Z", updated_at: "2026-11-24T09:00:00Z", ...fields,
});

describe("dropFrameOf", () => {
  it("is true when the take's other label is drop-frame at 29.97 or 59.94", () => {
    expect(dropFrameOf(take({ timecode_rate: "29.97", timecode_in: "01:00:00;00" }))).toBe(true);
    expect(dropFrameOf(take({ timecode_rate: "29.97", timecode_in: "01:00:00:00" }))).toBe(false);
    expect(dropFrameOf(take({ timecode_rate: "25", timecode_in: "01:00:00;00" }))).toBe(false);
  });
});

describe("durations, cameras and order", () => {
  it("writes a duration as minutes and seconds", () => {
    expect(durationText(74.074)).toBe("1:14");
    expect(durationText(9.5)).toBe("0:10");
    expect(durationText(null)).toBe("—");
  });
  it("offers the next free camera letter", () => {
    expect(nextCamera([])).toBe("A");
    expect(nextCamera([{ camera: "A", roll: "", lens: "" }, { camera: "C", roll: "", lens: "" }])).toBe("B");
  });
  it("lists a shot's takes newest first", () => {
    const takes = [take({ id: 1, number: 1 }), take({ id: 2, number: 3 }), take({ id: 3, number: 2, shot: 9 })];
    expect(newestFirst(takes, 1).map((t) => t.number)).toEqual([3, 1]);
  });
});

describe("rememberedShot", () => {
  it("gives back the choice stored for the production, and nothing for a damaged value", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(rememberedShot(7, storage)).toBeNull();
    rememberShot(7, { scene: 3, shot: 12 }, storage);
    expect(rememberedShot(7, storage)).toEqual({ scene: 3, shot: 12 });
    expect(rememberedShot(8, storage)).toBeNull();
    store.set("slate.take-log.7", "{not json");
    expect(rememberedShot(7, storage)).toBeNull();
  });
});
