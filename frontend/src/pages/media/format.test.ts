import { describe, expect, it } from "vitest";
import { codecs, durationSeconds, frameRate, isActiveJob, jobDuration, jobKindLabel, percent, renditionOf, resolution } from "./format";

describe("clip metadata", () => {
  it("writes frame rates with the exact rational when it matters", () => {
    expect(frameRate("24000/1001", 23.976023976)).toBe("23.976 fps (24000/1001)");
    expect(frameRate("25/1", 25)).toBe("25 fps (25/1)");
    expect(frameRate("", 24)).toBe("24 fps");
    expect(frameRate("", null)).toBe("—");
  });
  it("writes durations, resolutions and codecs", () => {
    expect(durationSeconds(5.005)).toBe("5.005 s");
    expect(durationSeconds(10)).toBe("10 s");
    expect(durationSeconds(null)).toBe("—");
    expect(resolution(1920, 1080)).toBe("1920 × 1080");
    expect(resolution(null, 1080)).toBe("—");
    expect(codecs("h264", "aac")).toBe("h264 / aac");
    expect(codecs("prores", "")).toBe("prores");
    expect(codecs("", "")).toBe("—");
  });
  it("finds a rendition by kind", () => {
    const poster = { kind: "poster" as const, status: "ready" as const, error: "", meta: {}, url: "/api/media/1/renditions/poster/", content_type: "image/jpeg", width: 640, height: 360, size_bytes: 1 };
    expect(renditionOf({ renditions: [poster] }, "poster")).toBe(poster);
    expect(renditionOf({ renditions: [poster] }, "proxy")).toBeUndefined();
  });
});

describe("jobs", () => {
  it("knows which jobs are still under way", () => {
    expect(isActiveJob({ status: "pending" })).toBe(true);
    expect(isActiveJob({ status: "running" })).toBe(true);
    expect(isActiveJob({ status: "failed" })).toBe(false);
    expect(isActiveJob(undefined)).toBe(false);
  });
  it("clamps progress to whole percentages", () => {
    expect(percent(0.456)).toBe(46);
    expect(percent(1.2)).toBe(100);
    expect(percent(-1)).toBe(0);
  });
  it("names kinds and durations", () => {
    expect(jobKindLabel("media.process")).toBe("Dailies processing");
    expect(jobKindLabel("ai.generate")).toBe("ai.generate");
    expect(jobDuration({ started_at: null, finished_at: null })).toBe("");
    expect(jobDuration({ started_at: "2026-01-01T10:00:00Z", finished_at: "2026-01-01T10:00:12Z" })).toBe("12 s");
    expect(jobDuration({ started_at: "2026-01-01T10:00:00Z", finished_at: "2026-01-01T10:03:04Z" })).toBe("3 min 4 s");
  });
});

describe("dailies review labels", () => {
  it("writes suggestions, speeds and time left", async () => {
    const { suggestionLabel, speedLabel, etaLabel, readyRendition } = await import("./format");
    expect(suggestionLabel({ scene_number: "12", shot_number: "A", take_number: 3 })).toBe("Sc 12 / Sh A / Tk 3");
    expect(suggestionLabel({ scene_number: "12" })).toBe("Sc 12");
    expect(suggestionLabel({})).toBe("");
    expect(speedLabel(12_400_000)).toBe("12.4 MB/s");
    expect(speedLabel(850_000)).toBe("850 kB/s");
    expect(speedLabel(0)).toBe("");
    expect(etaLabel(100e6, 1e6)).toBe("2 min left");
    expect(etaLabel(10e6, 1e6)).toBe("10 s left");
    const pending = { kind: "proxy" as const, status: "processing" as const, error: "", meta: {}, url: null, content_type: "", width: null, height: null, size_bytes: 0 };
    expect(readyRendition({ renditions: [pending] }, "proxy")).toBeUndefined();
    expect(readyRendition({ renditions: [{ ...pending, status: "ready", url: "/p" }] }, "proxy")?.url).toBe("/p");
  });
});
