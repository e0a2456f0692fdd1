import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import type { CallSheet, CallSheetRecipient, CastCall } from "../../api/schedule";
import {
  byDepartment, callMinutes, callTimeDisplay, changeLine, changeValue, changedEdit, clock, distributionCounts, editOf, hhmm, offsetText, publishLabel,
  recipientStatus, sheetErrorMessage,
  statusBadge, validateBlocks, validateSheet,
} from "./callsheet";

const castCall = (over: Partial<CastCall>): CastCall => ({ cast_member: 1, pickup: null, hair_makeup: null, on_set: null, notes: "", cast_id: 3, name: "ANA RUIZ", ...over });
const recipient = (over: Partial<CallSheetRecipient>): CallSheetRecipient => ({
  id: 1, call_sheet: 1, user: 1, name: "Ana", role: "crew", revision: 2, notified_at: "2026-11-23T18:00:00Z", seen_at: null, confirmed_at: null, confirmed_revision: null, ...over,
});
const sheet = (over: Partial<CallSheet>): CallSheet => ({
  id: 1, production: 1, shoot_day: 1, status: "draft", revision: 0, crew_call: "07:00:00", shooting_call: null, first_meal: null, wrap: null,
  locations: [], hospital: { name: "", address: "", phone: "" }, weather: { summary: "", high_c: null, low_c: null, sunrise: null, sunset: null },
  cast_calls: [], crew_calls: [], notes: "", published_at: null, published_by: null, shoot_day_number: 1, date: "2026-11-24", unit: "Main Unit",
  scenes: [], banners: [], advance: null, distribution: { recipients: 0, seen: 0, confirmed: 0 }, version: 1, ...over,
});

describe("status", () => {
  it("says draft, published rev N or changed since rev N", () => {
    expect(statusBadge(sheet({}))).toEqual({ label: "Draft", color: "gray" });
    expect(statusBadge(sheet({ status: "published", revision: 2 })).label).toBe("Published rev 2");
    expect(statusBadge(sheet({ status: "changed", revision: 2 })).label).toBe("Changed since rev 2");
    expect(statusBadge(null).label).toBe("No call sheet");
  });
  it("names the publish button after the revision it makes", () => {
    expect(publishLabel({ revision: 0 })).toBe("Publish");
    expect(publishLabel({ revision: 1 })).toBe("Publish revision 2");
  });
});

describe("what changed", () => {
  it("writes each change as before → after", () => {
    expect(changeLine({ field: "crew_call", label: "Crew call", before: "07:00", after: "06:30" })).toBe("Crew call: 07:00 → 06:30");
    expect(changeLine({ field: "scenes", label: "Scenes", before: null, after: ["4", "5"] })).toBe("Scenes: added 4, 5");
    expect(changeLine({ field: "scenes", label: "Scenes", before: "7", after: "" })).toBe("Scenes: removed 7");
    expect(changeLine({ field: "cast_calls", label: "Cast call of 3 ANA RUIZ", before: { on_set: "08:00", pickup: null }, after: { on_set: "08:30" } }))
      .toBe("Cast call of 3 ANA RUIZ: on set: 08:00 → on set: 08:30");
    expect(changeLine({ field: "notes", label: "", before: "a", after: "b" })).toBe("notes: a → b");
  });
  it("shows values plainly", () => {
    expect(changeValue(null)).toBe("—");
    expect(changeValue([])).toBe("—");
    expect(changeValue(12)).toBe("12");
    expect(changeValue(true)).toBe("yes");
    expect(changeValue({ high_c: 21, summary: "Sunny" })).toBe("high c: 21, summary: Sunny");
  });
});

describe("checks of the times", () => {
  it("accepts a consistent sheet", () => {
    expect(validateSheet({ crew_call: "07:00", shooting_call: "08:00", first_meal: "13:00", cast_calls: [castCall({ pickup: "06:30", hair_makeup: "07:00", on_set: "08:00" })] })).toEqual([]);
    expect(validateSheet({ crew_call: null, shooting_call: null, first_meal: null, cast_calls: [] })).toEqual([]);
  });
  it("names the cast member called on set before the crew call", () => {
    const issues = validateSheet({ crew_call: "07:00", shooting_call: null, first_meal: null, cast_calls: [castCall({ on_set: "06:30" })] });
    expect(issues).toEqual([{ path: "cast_calls.0.on_set", message: "3 ANA RUIZ is called on set at 06:30, before the crew call 07:00." }]);
  });
  it("refuses a shooting call before the crew call, bad times, and calls out of order", () => {
    const issues = validateSheet({
      crew_call: "07:00", shooting_call: "06:45", first_meal: "48:00",
      cast_calls: [castCall({ pickup: "07:30", hair_makeup: "07:10", on_set: "09:00" }), castCall({ cast_id: null, name: "", hair_makeup: "09:00", on_set: "08:00" })],
    });
    expect(issues.map((i) => i.path)).toEqual(["first_meal", "shooting_call", "cast_calls.0.hair_makeup", "cast_calls.1.on_set"]);
    expect(issues[0]?.message).toBe("First meal must be a time HH:MM (after midnight 00:15 (+1)).");
    expect(issues[1]?.message).toBe("Shooting call 06:45 is before the crew call 07:00.");
    expect(issues[3]?.message).toBe("Cast call 2: on set 08:00 is before hair/makeup 09:00.");
  });
  it("orders a night shoot past midnight, in either way of writing it", () => {
    const night = { crew_call: "22:30", shooting_call: "00:15 (+1)", first_meal: "27:30", wrap: "09:00 (+1)", cast_calls: [castCall({ pickup: "21:45", on_set: "0:30+1" })] };
    expect(validateSheet(night)).toEqual([]);
    const wrong = validateSheet({ ...night, shooting_call: "22:00", wrap: "09:00", first_meal: "22:30" });
    expect(wrong.map((i) => i.message)).toEqual([
      "Shooting call 22:00 is before the crew call 22:30.", "First meal 22:30 is not after the crew call 22:30.",
      "Estimated wrap 09:00 is not after the shooting call 22:00.",
    ]);
    expect(validateSheet({ ...night, crew_call: "24:30 (+1)" }).map((i) => i.path)).toEqual(["crew_call"]);
  });
  it("writes a change of a call time past midnight with (+1)", () => {
    expect(changeLine({ field: "shooting_call", label: "Shooting call", before: "24:15", after: "24:45" })).toBe("Shooting call: 00:15 (+1) → 00:45 (+1)");
    expect(changeLine({ field: "crew_calls", label: "Grip call", before: "called", after: "25:00" })).toBe("Grip call: called → 01:00 (+1)");
    expect(changeLine({ field: "notes", label: "Notes", before: "24:15", after: "x" })).toBe("Notes: 24:15 → x");
  });
  it("reads call times as the server does and shows them with (+1)", () => {
    expect([callMinutes("22:30"), callMinutes("00:15 (+1)"), callMinutes("25:30"), callMinutes("0:15+1"), callMinutes(""), callMinutes("48:00")])
      .toEqual([1350, 1455, 1530, 1455, null, Number.NaN]);
    expect([callTimeDisplay("24:15"), callTimeDisplay("06:30"), callTimeDisplay("25:30"), callTimeDisplay(null)]).toEqual(["00:15 (+1)", "06:30", "01:30 (+1)", ""]);
    expect([offsetText(-15), offsetText(90), offsetText(0)]).toEqual(["15 min before", "1 h 30 min after", "at the general call"]);
  });
  it("reads times with seconds", () => {
    expect(hhmm("07:00:00")).toBe("07:00");
    expect(hhmm("7:05")).toBe("07:05");
    expect(hhmm(null)).toBe("");
  });
});

describe("checks of the typed blocks", () => {
  const times = { crew_call: null, shooting_call: null, first_meal: null, cast_calls: [] };
  it("accepts filled rows and no rows", () => {
    expect(validateSheet({ ...times, walkie_channels: [{ channel: "1", use: "Production" }, { channel: "2", use: "" }], key_contacts: [{ role: "UPM", name: "", phone: "" }] })).toEqual([]);
    expect(validateBlocks({ walkie_channels: [], key_contacts: [] })).toEqual([]);
    expect(validateBlocks({})).toEqual([]);
  });
  it("asks for the channel the API requires, once each, and a role or a name for a contact", () => {
    expect(validateSheet({ ...times, walkie_channels: [{ channel: " ", use: "Camera" }, { channel: "3", use: "" }, { channel: "3 ", use: "Grip" }],
      key_contacts: [{ role: "", name: " ", phone: "555" }] })).toEqual([
      { path: "walkie_channels.0.channel", message: 'Walkie channel row 1 needs a channel (e.g. "1").' },
      { path: "walkie_channels.2.channel", message: "Walkie channel 3 is listed twice." },
      { path: "key_contacts.0.name", message: "Key contact 1 needs a role or a name." },
    ]);
  });
});

describe("distribution", () => {
  it("counts confirmed and seen, a confirmation of an older revision not counting", () => {
    const list = [
      recipient({ id: 1, confirmed_at: "2026-11-23T19:00:00Z", confirmed_revision: 2, seen_at: "2026-11-23T18:30:00Z" }),
      recipient({ id: 2, seen_at: "2026-11-23T18:30:00Z" }),
      recipient({ id: 3, confirmed_at: "2026-11-22T19:00:00Z", confirmed_revision: 1, seen_at: "2026-11-22T18:00:00Z" }),
      recipient({ id: 4 }),
    ];
    expect(list.map(recipientStatus)).toEqual(["confirmed", "seen", "seen", "sent"]);
    expect(distributionCounts(list)).toEqual({ total: 4, seen: 3, confirmed: 1 });
  });
  it("shows a time as the wall clock", () => {
    const d = new Date(2026, 10, 24, 7, 12);
    expect(clock(d.toISOString())).toBe("07:12");
    expect(clock(null)).toBe("");
  });
});

describe("error messages", () => {
  it("explains a day with no scenes and other codes", () => {
    const err = (code: string, status = 400, message = "x") => new ApiError(status, { message, code, extra: {} });
    expect(sheetErrorMessage(err("no_scenes"), 3)).toBe("Day 3 has no scenes scheduled yet. Drag scenes into it on the schedule first.");
    expect(sheetErrorMessage(err("exists"), 2)).toBe("Day 2 already has a call sheet.");
    expect(sheetErrorMessage(err("cast_call_before_crew_call", 400, "3 ANA RUIZ is on set at 06:00, before the crew call 07:00."))).toBe("3 ANA RUIZ is on set at 06:00, before the crew call 07:00.");
    expect(sheetErrorMessage(new ApiError(400, { message: "Invalid.", code: "invalid", extra: { fields: { crew_call: ["Use HH:MM."] } } }))).toBe("Invalid. Use HH:MM.");
    expect(sheetErrorMessage(new Error("offline"))).toBe("offline");
  });
});

describe("the form", () => {
  it("starts from the sheet with HH:MM times and sends only what changed", () => {
    const s = sheet({ cast_calls: [castCall({ on_set: "08:00:00" })], notes: "Bring rain gear" });
    const edit = editOf(s);
    expect(edit.crew_call).toBe("07:00");
    expect(edit.cast_calls[0]?.on_set).toBe("08:00");
    expect(changedEdit(s, edit)).toEqual({});
    expect(changedEdit(s, { ...edit, crew_call: "06:30", notes: "Bring rain gear" })).toEqual({ crew_call: "06:30" });
  });
  it("starts the walkie channels, safety notes, key contacts and hospital route empty when the sheet has none", () => {
    const edit = editOf(sheet({}));
    expect([edit.walkie_channels, edit.safety_notes, edit.key_contacts, edit.hospital.route]).toEqual([[], "", [], ""]);
    expect(changedEdit(sheet({}), edit)).toEqual({});
  });
  it("sends each typed block whole when it changed, and nothing for a block left as it was", () => {
    const s = sheet({ walkie_channels: [{ channel: "1", use: "Production" }], safety_notes: "", hospital: { name: "St Mary", address: "", phone: "555-0100", route: "" },
      key_contacts: [{ role: "UPM", name: "Lee", phone: "+44 7700 900123" }] });
    const edit = editOf(s);
    expect(changedEdit(s, edit)).toEqual({});
    const walkies = [...edit.walkie_channels, { channel: "2", use: "Camera" }];
    const contacts = [...edit.key_contacts, { role: "Locations", name: "Ola", phone: "" }];
    const route = { ...edit.hospital, route: "Left on Quay St, 2 km" };
    expect(changedEdit(s, { ...edit, walkie_channels: walkies, safety_notes: "Wet deck: non-slip boots", key_contacts: contacts, hospital: route })).toEqual({
      walkie_channels: [{ channel: "1", use: "Production" }, { channel: "2", use: "Camera" }], safety_notes: "Wet deck: non-slip boots",
      key_contacts: [{ role: "UPM", name: "Lee", phone: "+44 7700 900123" }, { role: "Locations", name: "Ola", phone: "" }],
      hospital: { name: "St Mary", address: "", phone: "555-0100", route: "Left on Quay St, 2 km" },
    });
    expect(changedEdit(s, { ...edit, key_contacts: [] })).toEqual({ key_contacts: [] }); // removing the last row clears the block
  });
  it("a sheet from before the route was typed is not changed by opening it", () => {
    const s = sheet({ hospital: { name: "St Mary", address: "", phone: "" } });
    expect(changedEdit(s, editOf(s))).toEqual({});
    expect(changedEdit(s, { ...editOf(s), hospital: { name: "St Mary", address: "", phone: "", route: "" } })).toEqual({});
  });
  it("groups crew calls by department in first-seen order", () => {
    const groups = byDepartment([{ department: "Camera" }, { department: "Sound" }, { department: "Camera" }, { department: "" }]);
    expect(groups.map((g) => [g.department, g.calls.map((c) => c.index)])).toEqual([["Camera", [0, 2]], ["Sound", [1]], ["Other", [3]]]);
  });
});
