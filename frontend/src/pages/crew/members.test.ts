import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import type { Membership, Role } from "../../api/types";
import { addOutcome, assignableRoles, expiresIn, inviteError, isManager, mayManageMember, myRoleFrom, roleLabel, seesContacts, sortMembers } from "./members";

const member = (id: number, role: Role, name: string): Membership => ({
  id, production: 1, role, phone: "", address: "", emergency_contact: "", version: 1, created_at: "",
  user: { id: id * 10, username: name.toLowerCase(), email: `${name.toLowerCase()}@example.com`, name, display_name: name, email_verified: true },
});

describe("roleLabel", () => {
  it("says roles in words", () => {
    expect(roleLabel("assistant_director")).toBe("Assistant director");
    expect(roleLabel("script_supervisor")).toBe("Script supervisor");
    expect(roleLabel("owner")).toBe("Owner");
  });
  it("humanizes a role it does not know yet", () => {
    expect(roleLabel("second_unit_director")).toBe("Second unit director");
    expect(roleLabel(null)).toBe("—");
  });
});

describe("who gives which role", () => {
  it("owners give every role, producers all but owner, others none", () => {
    expect(assignableRoles("owner")).toContain("owner");
    expect(assignableRoles("producer")).not.toContain("owner");
    expect(assignableRoles("producer")).toContain("viewer");
    expect(assignableRoles("director")).toEqual([]);
    expect(assignableRoles(null)).toEqual([]);
  });
  it("only owners touch owners", () => {
    expect(mayManageMember("owner", "owner")).toBe(true);
    expect(mayManageMember("producer", "owner")).toBe(false);
    expect(mayManageMember("producer", "camera")).toBe(true);
    expect(mayManageMember("viewer", "camera")).toBe(false);
    expect(isManager("producer")).toBe(true);
    expect(isManager("director")).toBe(false);
  });
});

describe("myRoleFrom", () => {
  it("prefers the live crew list over the production's my_role", () => {
    const crew = [member(1, "owner", "Ana"), member(2, "camera", "Marco")];
    expect(myRoleFrom(crew, 20, "producer")).toBe("camera");
    expect(myRoleFrom(undefined, 20, "producer")).toBe("producer");
    expect(myRoleFrom(crew, 99, undefined)).toBeNull();
  });
});

describe("addOutcome", () => {
  it("tells a new member (201) from a sent invitation (202)", () => {
    expect(addOutcome(member(1, "crew", "Ana")).kind).toBe("member");
    const sent = addOutcome({ invitation: { id: 5, email: "new@example.com", role: "camera" } });
    expect(sent.kind).toBe("invitation");
    if (sent.kind === "invitation") expect(sent.invitation.email).toBe("new@example.com");
  });
});

describe("inviteError", () => {
  const e = (code: string, message: string, status = 400, fields?: Record<string, string[]>) => new ApiError(status, { message, code, extra: fields ? { fields } : {} });
  it("puts unknown_user and already_member next to the login", () => {
    expect(inviteError(e("unknown_user", "No account.", 400, { user: ["No Slate account has that username or email."] })))
      .toEqual({ login: "No Slate account has that username or email." });
    expect(inviteError(e("already_member", "Ana Ruiz is already on this production."))).toEqual({ login: "Ana Ruiz is already on this production." });
  });
  it("notifies forbidden and last_owner", () => {
    expect(inviteError(e("forbidden", "Only an owner can make someone an owner.", 403)).notify?.message).toBe("Only an owner can make someone an owner.");
    expect(inviteError(e("last_owner", "A production needs at least one owner.")).notify?.title).toMatch(/owner/);
  });
  it("shows field errors of an invalid request next to their fields", () => {
    expect(inviteError(e("invalid", "Bad", 400, { user_login: ["Enter a valid email address."], role: ["Not a valid choice."] })))
      .toEqual({ login: "Enter a valid email address.", role: "Not a valid choice." });
  });
  it("notifies anything else", () => {
    expect(inviteError(new Error("offline")).notify?.message).toBe("offline");
  });
});

describe("expiresIn", () => {
  const now = Date.parse("2026-11-20T10:00:00Z");
  it("says how long an invitation link works", () => {
    expect(expiresIn("2026-11-27T10:00:00Z", now)).toBe("in 7 days");
    expect(expiresIn("2026-11-20T13:00:00Z", now)).toBe("in 3 hours");
    expect(expiresIn("2026-11-20T10:30:00Z", now)).toBe("in less than an hour");
    expect(expiresIn("2026-11-19T10:00:00Z", now)).toBe("expired");
  });
});

describe("sortMembers", () => {
  it("lists owners first, then by role, then by name", () => {
    expect(sortMembers([member(1, "camera", "Zed"), member(2, "owner", "Ana"), member(3, "camera", "Bea"), member(4, "producer", "Pia")]).map((m) => m.user.display_name))
      .toEqual(["Ana", "Pia", "Bea", "Zed"]);
  });
});

describe("seesContacts", () => {
  it("lets the contact roles and the person themselves see contact details, as the server's sees_contacts", () => {
    expect(["owner", "producer", "production_coordinator", "assistant_director"].every((r) => seesContacts(r as Role, 1, 2))).toBe(true);
    expect(["director", "script_supervisor", "camera", "editor", "crew", "viewer"].some((r) => seesContacts(r as Role, 1, 2))).toBe(false);
    expect(seesContacts("viewer", 7, 7)).toBe(true);
    expect(seesContacts("viewer", 7, null)).toBe(false);
    expect(seesContacts(null, undefined, null)).toBe(false);
  });
});
