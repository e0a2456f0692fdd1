import { describe, expect, it } from "vitest";
import { clampFrame, filmstripTile, frameAt, isTyping, nearestAtOrBefore, PAUSED, timecodeOf, timeOfFrame, transport, transportLabel, type Transport, type TransportInput } from "./playback";

const FPS_23976 = 24000 / 1001;
const FPS_2997 = 30000 / 1001;

describe("frame from media time", () => {
  it("is floor(t × fps) with the float error at frame starts absorbed", () => {
    const clock = { fps: 24, frameCount: 240 };
    expect(frameAt(0, clock)).toBe(0);
    expect(frameAt(1 / 24 - 1e-9, clock)).toBe(1); // a hair before frame 1's start, as float math writes it
    expect(frameAt(0.04, clock)).toBe(0);
    expect(frameAt(1, clock)).toBe(24);
    expect(frameAt(9.999, clock)).toBe(239);
  });
  it("lands on the frame its own seek time names, for every frame of NTSC rates", () => {
    for (const fps of [FPS_23976, FPS_2997, 60000 / 1001, 25, 50]) {
      const clock = { fps, frameCount: 3000 };
      for (let n = 0; n < 3000; n++) {
        expect(frameAt(timeOfFrame(n, clock), clock)).toBe(n);
        expect(frameAt(n / fps, clock)).toBe(n); // the frame's own start time, as the decoder reports it
      }
    }
  });
  it("stays within the clip", () => {
    const clock = { fps: 25, frameCount: 250 };
    expect(frameAt(-1, clock)).toBe(0);
    expect(frameAt(10.5, clock)).toBe(249);
    expect(clampFrame(-3, clock)).toBe(0);
    expect(clampFrame(400, clock)).toBe(249);
  });
  it("labels frames from the asset's start timecode, drop-frame aware", () => {
    const ndf = { fps: 24, frameCount: 100, rate: 24, startFrames: 86_400, dropFrame: false };
    expect(timecodeOf(0, ndf)).toBe("01:00:00:00");
    expect(timecodeOf(25, ndf)).toBe("01:00:01:01");
    const df = { fps: FPS_2997, frameCount: 4000, rate: "30000/1001", startFrames: 1799, dropFrame: true };
    expect(timecodeOf(0, df)).toBe("00:00:59;29");
    expect(timecodeOf(1, df)).toBe("00:01:00;02");
  });
});

describe("the comment in sync", () => {
  const c = (id: number, frame: number | null) => ({ id, frame });
  it("is the last one at or before the frame, else the first", () => {
    const list = [c(1, 10), c(2, 40), c(3, null), c(4, 40), c(5, 90)];
    expect(nearestAtOrBefore(list, 50)?.id).toBe(4);
    expect(nearestAtOrBefore(list, 10)?.id).toBe(1);
    expect(nearestAtOrBefore(list, 5)?.id).toBe(1);
    expect(nearestAtOrBefore(list, 1000)?.id).toBe(5);
    expect(nearestAtOrBefore([c(3, null)], 5)).toBeUndefined();
  });
});

describe("J/K/L", () => {
  const run = (inputs: TransportInput[], from: Transport = PAUSED) => {
    let state = from;
    const steps: number[] = [];
    for (const input of inputs) {
      const result = transport(state, input);
      state = result.state;
      if (result.step) steps.push(result.step);
    }
    return { state, steps };
  };
  it("L plays, L again doubles up to 8×, K pauses", () => {
    expect(run(["L"]).state).toEqual({ direction: "forward", rate: 1, kHeld: false });
    expect(run(["L", "L"]).state.rate).toBe(2);
    expect(run(["L", "L", "L"]).state.rate).toBe(4);
    expect(run(["L", "L", "L", "L", "L"]).state.rate).toBe(8);
    expect(run(["L", "L", "K"]).state.direction).toBe("paused");
  });
  it("J plays backward and doubles; switching direction starts again at 1×", () => {
    expect(run(["J"]).state).toEqual({ direction: "backward", rate: 1, kHeld: false });
    expect(run(["J", "J"]).state.rate).toBe(2);
    expect(run(["L", "L", "J"]).state).toEqual({ direction: "backward", rate: 1, kHeld: false });
  });
  it("K held with J or L steps single frames and stays paused", () => {
    const { state, steps } = run(["L", "K", "L", "L", "J", "K-up"]);
    expect(steps).toEqual([1, 1, -1]);
    expect(state).toEqual(PAUSED);
    expect(run(["K", "K-up", "L"]).state.direction).toBe("forward");
  });
  it("space toggles 1× play", () => {
    expect(run(["space"]).state).toEqual({ direction: "forward", rate: 1, kHeld: false });
    expect(run(["L", "L", "space"]).state.direction).toBe("paused");
    expect(transportLabel(run(["J", "J"]).state)).toBe("◀ 2×");
    expect(transportLabel(PAUSED)).toBe("Paused");
  });
});

describe("shortcuts while typing", () => {
  it("are off in text fields and on elsewhere", () => {
    const text = document.createElement("input");
    const range = document.createElement("input");
    range.type = "range";
    const editable = document.createElement("div");
    editable.contentEditable = "true";
    expect(isTyping(text)).toBe(true);
    expect(isTyping(document.createElement("textarea"))).toBe(true);
    expect(isTyping(document.createElement("select"))).toBe(true);
    expect(isTyping(range)).toBe(false);
    expect(isTyping(document.createElement("button"))).toBe(false);
    expect(isTyping(document.body)).toBe(false);
    expect(isTyping(null)).toBe(false);
    // jsdom does not compute isContentEditable; browsers do
    expect(typeof isTyping(editable)).toBe("boolean");
  });
});

describe("filmstrip tiles", () => {
  const meta = { columns: 10, rows: 2, count: 15, tile_width: 160, tile_height: 90, interval_s: 1 };
  it("finds the tile of a frame by its listed frames", () => {
    const tile = filmstripTile({ ...meta, frames: [0, 24, 48, 72, 96, 120, 144, 168, 192, 216, 240, 264] }, 250, 24);
    expect(tile.index).toBe(10);
    expect(tile.position).toBe("-0px -90px");
    expect(tile.size).toBe("1600px 180px");
  });
  it("else by the interval, scaled, and never past the last tile", () => {
    expect(filmstripTile(meta, 3 * 25 + 2, 25).index).toBe(3);
    const scaled = filmstripTile(meta, 3 * 25, 25, 0.5);
    expect(scaled.position).toBe("-240px -0px");
    expect(scaled.width).toBe(80);
    expect(filmstripTile(meta, 100_000, 25).index).toBe(14);
  });
});
