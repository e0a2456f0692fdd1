// Pure helpers of the crew screen: roles in words, who may give which role, the answer to an invite.
import { ApiError } from "../../api/client";
import { ROLES, type Id, type Membership, type Role, type User } from "../../api/types";

/** An invitation not yet accepted: `GET /api/productions/{id}/invitations/` (apps/productions/api.py InvitationSerializer). */
export interface Invitation {
  id: Id; production: Id; email: string; role: Role; invited_by: User | null;
  created_at: string; expires_at: string; accepted_at: string | null; expired: boolean;
}

const LABEL: Record<Role, string> = {
  owner: "Owner", producer: "Producer", production_coordinator: "Production coordinator", director: "Director", assistant_director: "Assistant director",
  script_supervisor: "Script supervisor", camera: "Camera", editor: "Editor", crew: "Crew", viewer: "Viewer",
};

/** A role in words, as apps/productions/models.py Role labels it: assistant_director → "Assistant director". */
export function roleLabel(role: string | null | undefined): string {
  if (!role) return "—";
  if (role in LABEL) return LABEL[role as Role];
  const words = role.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const isManager = (role: Role | null | undefined): boolean => role === "owner" || role === "producer";

/** The roles that see the cast's and crew's personal contact details (apps/productions/models.py CONTACT_ROLES). */
const CONTACT_ROLES: readonly Role[] = ["owner", "producer", "production_coordinator", "assistant_director"];

/** May someone with `role` (user `me`) see the contact details of a person whose account is `person` (null: none)?
 *  The server's rule (apps/productions/permissions.py sees_contacts): the contact roles, and the person themselves. */
export function seesContacts(role: Role | null | undefined, me: Id | null | undefined, person: Id | null | undefined): boolean {
  if (me != null && person != null && me === person) return true;
  return role != null && CONTACT_ROLES.includes(role);
}

/** Roles `actor` may give: owners any, producers any but owner, everybody else none. */
export function assignableRoles(actor: Role | null | undefined): Role[] {
  if (actor === "owner") return [...ROLES];
  if (actor === "producer") return ROLES.filter((r) => r !== "owner");
  return [];
}

export const roleOptions = (roles: readonly Role[]) => roles.map((r) => ({ value: r, label: roleLabel(r) }));

/** May `actor` change the role of, or remove, a member with `target` role? Only owners touch owners. */
export function mayManageMember(actor: Role | null | undefined, target: Role): boolean {
  if (!isManager(actor)) return false;
  return target !== "owner" || actor === "owner";
}

/** The user's role as the crew list says (live), else as the production said when loaded. */
export function myRoleFrom(members: readonly Membership[] | undefined, me: Id | undefined, fallback: Role | null | undefined): Role | null {
  const mine = members?.find((m) => m.user.id === me);
  return mine?.role ?? fallback ?? null;
}

export type AddOutcome = { kind: "member"; membership: Membership } | { kind: "invitation"; invitation: Invitation };

/** What `POST members/` answered: 201 a membership, 202 `{"invitation": {...}}`. */
export function addOutcome(body: unknown): AddOutcome {
  if (body && typeof body === "object" && "invitation" in body) return { kind: "invitation", invitation: (body as { invitation: Invitation }).invitation };
  return { kind: "member", membership: body as Membership };
}

/**
 * Where an error of adding someone belongs: `field` (next to the login input) or the notification.
 * Field errors come as extra.fields.user (unknown_user) or user_login (not an email), role as role.
 */
export function inviteError(error: unknown): { login?: string; role?: string; notify?: { title: string; message: string } } {
  if (!(error instanceof ApiError)) return { notify: { title: "Could not add", message: error instanceof Error ? error.message : "Something went wrong." } };
  const f = error.fields;
  switch (error.code) {
    case "unknown_user":
      return { login: f.user ?? f.user_login ?? "No Slate account has that username or email. Type an email address to invite them." };
    case "already_member":
      return { login: error.message };
    case "forbidden":
      return { notify: { title: "Not allowed", message: error.message } };
    case "last_owner":
      return { notify: { title: "A production needs an owner", message: error.message } };
    default:
      if (f.user_login || f.user || f.role) return { login: f.user_login ?? f.user, role: f.role };
      return { notify: { title: "Could not add", message: error.message } };
  }
}

/** "in 6 days", "in 3 hours", "expired" for an invitation's expiry, from `now` (ms). */
export function expiresIn(expiresAt: string, now: number = Date.now()): string {
  const ms = Date.parse(expiresAt) - now;
  if (!(ms > 0)) return "expired";
  const hours = ms / 3_600_000;
  if (hours < 1) return "in less than an hour";
  if (hours < 48) return `in ${Math.round(hours)} hour${Math.round(hours) === 1 ? "" : "s"}`;
  return `in ${Math.round(hours / 24)} days`;
}

/** Members in a stable order: owners first, then by role as ROLES lists them, then by name. */
export function sortMembers(members: readonly Membership[]): Membership[] {
  return [...members].sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.user.display_name.localeCompare(b.user.display_name));
}
