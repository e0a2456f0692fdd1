import { describe, expect, it } from "vitest";
import { defaultDay, localToday, reportFile, reportKey } from "./report";

describe("defaultDay", () => {
  const days = [{ id: 3, date: "2026-11-26" }, { id: 1, date: "2026-11-24" }, { id: 2, date: "2026-11-25" }];
  it("opens on today's day, else the latest before today, else the first", () => {
    expect(defaultDay(days, "2026-11-25")).toBe(2);
    expect(defaultDay(days, "2026-12-31")).toBe(3);
    expect(defaultDay(days, "2026-01-01")).toBe(1);
    expect(defaultDay([], "2026-01-01")).toBeNull();
  });
});

describe("keys and files", () => {
  it("keys a report by production then day, and names its files", () => {
    expect(reportKey(7, 12)).toEqual(["day-report", 7, 12]);
    expect(reportFile(12, "production", "pdf")).toBe("/api/shoot-days/12/report/production.pdf");
  });
  it("writes the local date", () => {
    expect(localToday(new Date(2026, 10, 4, 23, 30))).toBe("2026-11-04");
  });
});
