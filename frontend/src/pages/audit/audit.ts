// The audit log as the API answers it (GET /api/productions/{id}/audit/, GET /api/me/audit/) and how a row reads.
import type { Id, Iso } from "../../api/types";

export type AuditAction =
  | "sign_in" | "sign_in_failed" | "sign_in_throttled" | "sign_out" | "password_changed" | "password_reset"
  | "two_factor_enabled" | "two_factor_disabled" | "member_added" | "member_invited" | "role_changed"
  | "member_removed" | "ownership_transferred" | "export";

export interface AuditUser { id: Id; username: string; display_name: string }

export interface AuditEntry {
  id: Id; at: Iso; action: AuditAction; action_label: string; actor: AuditUser | null; target_user: AuditUser | null;
  login: string; production: Id | null; detail: Record<string, unknown>; ip_address: string | null; user_agent: string;
}

export interface AuditPage { count: number; next: string | null; previous: string | null; results: AuditEntry[] }

/** The page size the audit tables ask for. */
export const AUDIT_PAGE_SIZE = 25;

/** The actions a production's log holds, for its filter (labels as the API gives them). */
export const PRODUCTION_ACTIONS: { value: AuditAction; label: string }[] = [
  { value: "role_changed", label: "Role changed" },
  { value: "member_added", label: "Member added" },
  { value: "member_invited", label: "Member invited" },
  { value: "member_removed", label: "Member removed" },
  { value: "ownership_transferred", label: "Ownership transferred" },
  { value: "export", label: "Export downloaded" },
];

const EXPORTS: Record<string, string> = {
  contacts_csv: "contact list (CSV)", dood_csv: "day out of days (CSV)", call_sheet_pdf: "call sheet (PDF)",
  script_fountain: "screenplay (Fountain)", script_fdx: "screenplay (Final Draft)", script_pdf: "screenplay (PDF)",
  script_report_csv: "script supervisor's report (CSV)", script_report_pdf: "script supervisor's report (PDF)",
  production_report_csv: "production report (CSV)", production_report_pdf: "production report (PDF)",
};

const roleName = (role: unknown) => String(role ?? "").replace(/_/g, " ");
const name = (user: AuditUser | null) => (user ? user.display_name || user.username : "someone");

/** Who did it: the actor's name, or for a failed or refused sign-in the login typed ("unknown" without one). */
export function auditWho(entry: AuditEntry): string {
  if (entry.actor) return name(entry.actor);
  return entry.login ? `“${entry.login}” (not signed in)` : "Not signed in";
}

/** What happened, in a sentence fragment: the action and what it touched ("Role changed: Ana, viewer → producer"). */
export function auditWhat(entry: AuditEntry): string {
  const d = entry.detail ?? {};
  switch (entry.action) {
    case "role_changed": return `Role changed: ${name(entry.target_user)}, ${roleName(d.from)} → ${roleName(d.to)}`;
    case "member_added": return `Added ${name(entry.target_user)} as ${roleName(d.role)}`;
    case "member_invited": return `Invited ${String(d.email ?? "someone")} as ${roleName(d.role)}`;
    case "member_removed": return d.left ? `Left the production (${roleName(d.role)})` : `Removed ${name(entry.target_user)} (${roleName(d.role)})`;
    case "ownership_transferred": return `Made ${name(entry.target_user)} the owner`;
    case "export": return `Downloaded the ${EXPORTS[String(d.export)] ?? String(d.export ?? "file")}`;
    case "sign_in": return d.method === "jwt" ? "Signed in (app or script)" : "Signed in";
    case "sign_in_throttled": return d.reason === "account" ? "Sign-in refused: account locked after failed attempts" : "Sign-in refused: too many attempts from this address";
    default: return entry.action_label;
  }
}

/** A user agent in a few words: "Firefox on Windows", "Safari on iPhone", "python-requests"; "" for none. */
export function shortUserAgent(ua: string): string {
  if (!ua) return "";
  const browser = /Edg\//.test(ua) ? "Edge" : /OPR\/|Opera/.test(ua) ? "Opera" : /Firefox\//.test(ua) ? "Firefox"
    : /Chrome\/|Chromium\//.test(ua) ? "Chrome" : /Safari\//.test(ua) && /Version\//.test(ua) ? "Safari" : null;
  const os = /iPhone/.test(ua) ? "iPhone" : /iPad/.test(ua) ? "iPad" : /Android/.test(ua) ? "Android" : /Windows/.test(ua) ? "Windows"
    : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /CrOS/.test(ua) ? "ChromeOS" : /Linux/.test(ua) ? "Linux" : null;
  if (browser && os) return `${browser} on ${os}`;
  if (browser || os) return (browser ?? os) as string;
  return ua.split(/[\s(]/)[0]?.slice(0, 40) ?? "";
}

/** Where from: "203.0.113.9 · Firefox on Windows", or what is known of it. */
export function auditWhere(entry: AuditEntry): string {
  return [entry.ip_address, shortUserAgent(entry.user_agent)].filter(Boolean).join(" · ") || "—";
}
