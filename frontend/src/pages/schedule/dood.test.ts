import { describe, expect, it } from "vitest";
import { codeColor, doodTotals } from "./dood";

describe("day out of days", () => {
  it("colours the codes by kind", () => {
    expect(codeColor("SW")).toBe("green");
    expect(codeColor("SWF")).toBe("green");
    expect(codeColor("H")).toBe("yellow");
    expect(codeColor("WF")).toBe("orange");
    expect(codeColor("PW")).toBe("blue");
    expect(codeColor("D")).toBe("gray");
  });
  it("sums the cast's totals", () => {
    expect(doodTotals([{ work_days: 3, hold_days: 1, drop_days: 0 }, { work_days: 2, hold_days: 0, drop_days: 4 }])).toEqual({ work: 5, hold: 1, drop: 4 });
    expect(doodTotals([])).toEqual({ work: 0, hold: 0, drop: 0 });
  });
});
