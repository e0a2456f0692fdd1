// The same cases as tests/media/test_timecode.py: the player and the API must agree on every label.
import { describe, expect, it } from "vitest";
import { formatTimecode, isDropFrameRate, nominalFps, parseTimecode, type Rate } from "./timecode";

const NTSC_30 = "30000/1001";
const NTSC_60 = "60000/1001";

describe("nominalFps", () => {
  it.each<[Rate, number]>([
    [24, 24], [25, 25], [50, 50], [23.976, 24], ["24000/1001", 24], [29.97, 30], [NTSC_30, 30], [59.94, 60], [NTSC_60, 60], ["25/1", 25], ["30", 30],
  ])("counts %s at %i labels a second", (rate, expected) => expect(nominalFps(rate)).toBe(expected));
});

describe("non-drop timecode", () => {
  it.each<[string, Rate, number]>([
    ["00:00:00:00", 24, 0],
    ["00:00:01:00", 25, 25],
    ["01:00:00:00", 24, 86_400],
    ["01:00:00:00", "24000/1001", 86_400],
    ["23:59:59:24", 25, 24 * 3600 * 25 - 1],
    ["00:01:00:00", NTSC_30, 1800],
    ["10:00:00:00", 30, 1_080_000],
    ["00:00:01:00", 50, 50],
    ["00:00:59:59", NTSC_60, 59 * 60 + 59],
  ])("%s at %s is frame %i and back", (tc, rate, frames) => {
    expect(parseTimecode(tc, rate)).toBe(frames);
    expect(formatTimecode(frames, rate, { dropFrame: false })).toBe(tc);
  });
});

describe("drop-frame timecode", () => {
  it.each<[string, Rate, number]>([
    ["00:00:59;29", NTSC_30, 1799],
    ["00:01:00;02", NTSC_30, 1800],
    ["00:02:00;02", NTSC_30, 3598],
    ["00:09:59;29", NTSC_30, 17_981],
    ["00:10:00;00", NTSC_30, 17_982],
    ["00:11:00;02", NTSC_30, 17_982 + 1800],
    ["01:00:00;00", NTSC_30, 107_892],
    ["23:59:59;29", NTSC_30, 24 * 6 * 17_982 - 1],
    ["00:01:00;04", NTSC_60, 3600],
    ["00:10:00;00", NTSC_60, 35_964],
    ["01:00:00;00", NTSC_60, 215_784],
  ])("%s at %s is frame %i and back", (tc, rate, frames) => {
    expect(parseTimecode(tc, rate)).toBe(frames);
    expect(formatTimecode(frames, rate, { dropFrame: true })).toBe(tc);
  });

  it.each(["00:01:00;02", "00:01:00.02", "00;01;00;02"])("accepts the separators of %s", (tc) => {
    expect(parseTimecode(tc, 29.97)).toBe(1800);
  });

  it.each([NTSC_30, NTSC_60])("round-trips the first eleven minutes and samples of the day at %s", (rate) => {
    const nominal = nominalFps(rate);
    const perDay = 24 * 6 * (10 * 60 * nominal - 9 * Math.floor((2 * nominal) / 30));
    const frames: number[] = [];
    for (let f = 0; f < 11 * 60 * nominal; f++) frames.push(f);
    for (let f = 0; f < perDay; f += 997) frames.push(f);
    frames.push(perDay - 1);
    for (const f of frames) expect(parseTimecode(formatTimecode(f, rate, { dropFrame: true }), rate)).toBe(f);
  });

  it("skips labels only at the minute boundaries", () => {
    const labels = [1798, 1799, 1800, 1801].map((f) => formatTimecode(f, NTSC_30, { dropFrame: true }));
    expect(labels).toEqual(["00:00:59;28", "00:00:59;29", "00:01:00;02", "00:01:00;03"]);
    // ...but not at the tenth minute
    expect([17_981, 17_982, 17_983].map((f) => formatTimecode(f, NTSC_30, { dropFrame: true }))).toEqual(["00:09:59;29", "00:10:00;00", "00:10:00;01"]);
    // 59.94 drops four
    expect([3599, 3600].map((f) => formatTimecode(f, NTSC_60, { dropFrame: true }))).toEqual(["00:00:59;59", "00:01:00;04"]);
  });
});

describe("limits and errors", () => {
  it("wraps at 24 hours", () => {
    expect(formatTimecode(24 * 3600 * 24, 24, { dropFrame: false })).toBe("00:00:00:00");
    expect(formatTimecode(24 * 6 * 17_982 + 5, NTSC_30, { dropFrame: true })).toBe("00:00:00;05");
  });

  it("knows drop-frame exists only at 29.97 and 59.94", () => {
    expect(isDropFrameRate(NTSC_30)).toBe(true);
    expect(isDropFrameRate(59.94)).toBe(true);
    expect(isDropFrameRate(30)).toBe(false);
    expect(isDropFrameRate(25)).toBe(false);
    expect(isDropFrameRate("24000/1001")).toBe(false);
  });

  it.each<[string, Rate, string]>([
    ["1:00:00:00", 24, "is not a timecode"],
    ["01:00:00", 24, "is not a timecode"],
    ["01-00-00-00", 24, "is not a timecode"],
    ["01:00:00:00:00", 24, "is not a timecode"],
    ["", 24, "is not a timecode"],
    ["aa:bb:cc:dd", 24, "is not a timecode"],
    ["01;00:00;00", NTSC_30, "is not a timecode"],
    ["01;00;00:00", NTSC_30, "mixes separators"],
    ["01:00:00:24", 24, "frames must be 00-23 at 24 fps"],
    ["01:00:00:25", 25, "frames must be 00-24"],
    ["01:00:00;30", NTSC_30, "frames must be 00-29"],
    ["01:60:00:00", 24, "minutes and seconds must be 00-59"],
    ["01:00:60:00", 24, "minutes and seconds must be 00-59"],
    ["24:00:00:00", 24, "hours must be 00-23"],
    ["00:01:00;00", NTSC_30, "does not exist in drop-frame timecode"],
    ["00:01:00;01", 29.97, "does not exist in drop-frame timecode"],
    ["00:01:00;03", NTSC_60, "does not exist in drop-frame timecode"],
    ["00:00:00;00", 25, "only at 29.97 and 59.94"],
    ["00:00:00;00", 30, "only at 29.97 and 59.94"],
    ["00:00:00:00", 0, "must be positive"],
    ["00:00:00:00", -24, "must be positive"],
    ["00:00:00:00", "fast", "is not a number"],
  ])("refuses %s at %s: %s", (tc, rate, message) => {
    expect(() => parseTimecode(tc, rate)).toThrow(message);
  });

  it.each<[number, Rate, boolean, string]>([
    [-1, 24, false, "must not be negative"],
    [1.5, 24, false, "whole number"],
    [0, 25, true, "only at 29.97 and 59.94"],
    [0, 30, true, "only at 29.97 and 59.94"],
  ])("will not format %s at %s (drop %s)", (frames, rate, dropFrame, message) => {
    expect(() => formatTimecode(frames, rate, { dropFrame })).toThrow(message);
  });
});
