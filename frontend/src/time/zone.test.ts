import { afterEach, describe, expect, it } from "vitest";
import { shortWhen, when as longWhen } from "../pages/media/format";
import { when } from "../pages/scene/time";
import { inZone, sameDay, setUserTimeZone } from "./zone";

afterEach(() => setUserTimeZone(null));

describe("the user's time zone", () => {
  it("is added to the formatting options only when set", () => {
    expect(inZone({ hour: "2-digit" })).toEqual({ hour: "2-digit" });
    setUserTimeZone("Asia/Tokyo");
    expect(inZone({ hour: "2-digit" })).toEqual({ hour: "2-digit", timeZone: "Asia/Tokyo" });
  });

  it("decides which day an instant falls on", () => {
    const a = new Date("2026-03-01T23:30:00Z"), b = new Date("2026-03-02T00:30:00Z");
    setUserTimeZone("UTC");
    expect(sameDay(a, b)).toBe(false);
    setUserTimeZone("Asia/Tokyo"); // 08:30 and 09:30 on 2 March
    expect(sameDay(a, b)).toBe(true);
  });

  it("is the zone the date helpers show", () => {
    const iso = "2026-03-02T12:00:00Z";
    setUserTimeZone("UTC");
    const utc = [longWhen(iso), shortWhen(iso, new Date("2026-05-01T00:00:00Z")), when(iso, new Date("2026-05-01T00:00:00Z"))];
    setUserTimeZone("Asia/Kolkata"); // 17:30
    const india = [longWhen(iso), shortWhen(iso, new Date("2026-05-01T00:00:00Z")), when(iso, new Date("2026-05-01T00:00:00Z"))];
    expect(utc.join()).toMatch(/12:00/);
    expect(india.join()).toMatch(/5:30|17:30/);
    expect(india.join()).not.toMatch(/12:00/);
  });
});
