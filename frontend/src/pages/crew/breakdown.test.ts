import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import type { CastMember, Scene } from "../../api/types";
import { castLabel, changedFields, formErrors, matches, parseTab, removeById, sceneOptions, scenesOf, sortCast, upsertById } from "./breakdown";

const scene = (id: number, number: string, script_order: number): Scene => ({
  id, production: 1, number, int_ext: "INT", location: "LIBRARY", time_of_day: "NIGHT", slugline: `INT. LIBRARY - NIGHT (${number})`,
  synopsis: "", page_eighths: 8, script_order, status: "not_started", script_version: null, needs_review: false, review_reason: "", version: 1, created_at: "", updated_at: "",
});
const cast = (id: number, name: string, cast_id: number | null): CastMember => ({ id, production: 1, name, cast_id, email: "", phone: "", address: "", emergency_contact: "", agent: "", notes: "", user: null, version: 1 });

describe("parseTab", () => {
  it("reads a pasted ?tab=", () => {
    expect(parseTab("props")).toBe("props");
    expect(parseTab("LOCATIONS")).toBe("locations");
  });
  it("falls back to cast for a missing or unknown tab", () => {
    expect(parseTab(null)).toBe("cast");
    expect(parseTab("wardrobe")).toBe("cast");
  });
});

describe("upsertById / removeById", () => {
  it("replaces in place, appends new, leaves an unloaded list alone", () => {
    const list = [{ id: 1, v: "a" }, { id: 2, v: "b" }];
    expect(upsertById(list, { id: 2, v: "B" })).toEqual([{ id: 1, v: "a" }, { id: 2, v: "B" }]);
    expect(upsertById(list, { id: 3, v: "c" })).toHaveLength(3);
    expect(upsertById(undefined, { id: 3, v: "c" })).toBeUndefined();
    expect(removeById(list, 1)).toEqual([{ id: 2, v: "b" }]);
  });
});

describe("changedFields", () => {
  const prop = { id: 1, name: "Lantern", quantity: 2, scenes: [3, 1], status: "needed", version: 4 };
  it("keeps only what changed", () => {
    expect(changedFields(prop, { name: "Lantern", quantity: 3 })).toEqual({ quantity: 3 });
  });
  it("compares scene lists as sets", () => {
    expect(changedFields(prop, { scenes: [1, 3] })).toEqual({});
    expect(changedFields(prop, { scenes: [1] })).toEqual({ scenes: [1] });
  });
  it("treats null and undefined alike", () => {
    expect(changedFields({ cast_member: null as number | null }, { cast_member: undefined })).toEqual({});
  });
});

describe("formErrors", () => {
  const err = (fields: Record<string, string[]>, message = "Bad") => new ApiError(400, { message, code: "invalid", extra: { fields } });
  it("puts field errors next to known fields and the rest on the form", () => {
    expect(formErrors(err({ name: ["Required."], __all__: ["Another cast member has that cast id."] }), ["name"]))
      .toEqual({ fields: { name: "Required." }, form: "Another cast member has that cast id." });
  });
  it("uses the message when there are no field errors", () => {
    expect(formErrors(new ApiError(403, { message: "Your role does not allow this.", code: "forbidden", extra: {} }), ["name"]))
      .toEqual({ fields: {}, form: "Your role does not allow this." });
  });
  it("has no form message when every error has its field", () => {
    expect(formErrors(err({ quantity: ["Ensure this value is greater than or equal to 1."] }), ["quantity"]).form).toBeNull();
  });
});

describe("scenes", () => {
  const byId = new Map([scene(1, "12", 30), scene(2, "3", 10), scene(3, "7A", 20)].map((s) => [s.id, s]));
  it("orders scene badges by script order and drops unknown ids", () => {
    expect(scenesOf([1, 2, 99, 3], byId).map((s) => s.number)).toEqual(["3", "7A", "12"]);
  });
  it("offers scene numbers as options with id values", () => {
    expect(sceneOptions([...byId.values()])).toEqual([{ value: "2", label: "3" }, { value: "3", label: "7A" }, { value: "1", label: "12" }]);
  });
});

describe("cast", () => {
  it("sorts by cast id, then those without one by name", () => {
    expect(sortCast([cast(1, "Zoe", null), cast(2, "Bob", 2), cast(3, "Ann", 1), cast(4, "Al", null)]).map((c) => c.name)).toEqual(["Ann", "Bob", "Al", "Zoe"]);
  });
  it("labels with the cast id when there is one", () => {
    expect(castLabel({ name: "Ann", cast_id: 1 })).toBe("#1 Ann");
    expect(castLabel({ name: "Al", cast_id: null })).toBe("Al");
  });
});

describe("matches", () => {
  it("is case-insensitive and empty matches all", () => {
    expect(matches("lib", "LIBRARY")).toBe(true);
    expect(matches("", "x")).toBe(true);
    expect(matches("zzz", "LIBRARY", null, undefined)).toBe(false);
  });
});
