// Pure helpers of the call-sheet screens: status, the change list, checks of the times, distribution counts, error text.
import { ApiError } from "../../api/client";
import type { CallSheet, CallSheetChange, CallSheetEdit, CallSheetRecipient } from "../../api/schedule";

/** The badge of a sheet in the list and on its page: draft / published rev N / changed since rev N. */
export function statusBadge(sheet: Pick<CallSheet, "status" | "revision"> | null | undefined): { label: string; color: string } {
  if (!sheet) return { label: "No call sheet", color: "gray" };
  if (sheet.status === "draft" || sheet.revision === 0) return { label: "Draft", color: "gray" };
  if (sheet.status === "changed") return { label: `Changed since rev ${sheet.revision}`, color: "orange" };
  return { label: `Published rev ${sheet.revision}`, color: "green" };
}

/** "Publish" for a first publish, "Publish revision N" after. */
export function publishLabel(sheet: Pick<CallSheet, "revision">): string {
  return sheet.revision === 0 ? "Publish" : `Publish revision ${sheet.revision + 1}`;
}

/** A value of a change as the crew reads it: "—" for nothing, lists joined, objects as "key: value" pairs. */
export function changeValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.map(changeValue).join(", ") : "—";
  if (typeof value === "object") {
    const parts = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => `${k.replace(/_/g, " ")}: ${changeValue(v)}`);
    return parts.length ? parts.join(", ") : "—";
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value as string | number);
}

const TIME_CHANGE = /^(crew_call|shooting_call|first_meal|wrap|crew_calls|cast_calls\.\d+\.(pickup|hair_makeup|on_set))$/;

/** One line per change: "Crew call: 07:00 → 06:30", call times past midnight as "00:15 (+1)"; an addition or removal
 * says so instead of an arrow. */
export function changeLine(change: CallSheetChange): string {
  const label = change.label || change.field;
  const shown = (v: unknown) => (TIME_CHANGE.test(change.field) && typeof v === "string" && !Number.isNaN(callMinutes(v) ?? Number.NaN) ? callTimeDisplay(v) : v);
  const before = changeValue(shown(change.before));
  const after = changeValue(shown(change.after));
  if (before === "—" && after !== "—") return `${label}: added ${after}`;
  if (after === "—" && before !== "—") return `${label}: removed ${before}`;
  return `${label}: ${before} → ${after}`;
}

/** "07:00:00" or "07:00" → "07:00"; anything else as it is ("" for nothing). */
export function hhmm(value: string | null | undefined): string {
  if (!value) return "";
  const m = /^(\d{1,2}):(\d{2})/.exec(value);
  return m ? `${(m[1] ?? "").padStart(2, "0")}:${m[2] ?? ""}` : value;
}

const CALL_TIME = /^(\d{1,2}):([0-5]\d)(?::\d{2})?\s*(\(\s*\+\s*1\s*\)|\+\s*1)?$/;
const DAY = 24 * 60;

/**
 * Minutes after the shoot day's midnight of a call time as the server reads it (apps/callsheets/calltimes.py):
 * "22:30", "25:30" (HH up to 47), "00:15 (+1)" / "0:15+1" (the next day). null for nothing, NaN for anything else.
 */
export function callMinutes(value: string | null | undefined): number | null {
  const text = (value ?? "").trim();
  if (!text) return null;
  const m = CALL_TIME.exec(text);
  if (!m) return Number.NaN;
  const hours = Number(m[1]);
  const next = Boolean(m[3]);
  if (next && hours >= 24) return Number.NaN;
  const total = (hours + (next ? 24 : 0)) * 60 + Number(m[2]);
  return total < 2 * DAY ? total : Number.NaN;
}

/** A call time for people: "06:30", or "00:15 (+1)" past midnight ("24:15" from the API); text it cannot read as it is. */
export function callTimeDisplay(value: string | null | undefined): string {
  const total = callMinutes(value);
  if (total === null) return "";
  if (Number.isNaN(total)) return value ?? "";
  const rest = total % DAY;
  const clockText = `${String(Math.floor(rest / 60)).padStart(2, "0")}:${String(rest % 60).padStart(2, "0")}`;
  return total >= DAY ? `${clockText} (+1)` : clockText;
}

/** An offset from the general call in words: -15 → "15 min before", 90 → "1 h 30 min after", 0 → "at the general call". */
export function offsetText(offset: number): string {
  if (offset === 0) return "at the general call";
  const a = Math.abs(offset);
  const parts = [Math.floor(a / 60) ? `${Math.floor(a / 60)} h` : "", a % 60 ? `${a % 60} min` : ""].filter(Boolean);
  return `${parts.join(" ")} ${offset < 0 ? "before" : "after"}`;
}

export interface SheetIssue { path: string; message: string }

/**
 * What the server will refuse, said at once while typing (the server checks again, and its 400 is shown too):
 * times are "HH:MM" (after midnight "00:15 (+1)" or "24:15"), compared as minutes of the shoot day so a night shoot
 * orders right: the shooting call is not before the crew call, the meal is after it, the wrap after the shooting
 * call, nobody is on set before the crew call, and each cast member's pickup ≤ hair/makeup ≤ on set. `path` names
 * the input ("crew_call", "cast_calls.2.on_set").
 */
export function validateSheet(sheet: Pick<CallSheetEdit, "crew_call" | "shooting_call" | "first_meal" | "cast_calls"> & { wrap?: string | null }
  & Partial<Pick<CallSheetEdit, "walkie_channels" | "key_contacts">>): SheetIssue[] {
  const issues: SheetIssue[] = validateBlocks(sheet);
  const time = (path: string, label: string, value: string | null | undefined): string | null => {
    const total = callMinutes(value);
    if (total === null) return null;
    if (Number.isNaN(total)) { issues.push({ path, message: `${label} must be a time HH:MM (after midnight 00:15 (+1)).` }); return null; }
    return callTimeDisplay(value);
  };
  const minutes = (t: string) => callMinutes(t) ?? 0;
  const crew = time("crew_call", "Crew call", sheet.crew_call);
  const shooting = time("shooting_call", "Shooting call", sheet.shooting_call);
  const meal = time("first_meal", "First meal", sheet.first_meal);
  const wrap = time("wrap", "Estimated wrap", sheet.wrap);
  if (crew && shooting && minutes(shooting) < minutes(crew)) {
    issues.push({ path: "shooting_call", message: `Shooting call ${shooting} is before the crew call ${crew}.` });
  }
  if (crew && meal && minutes(meal) <= minutes(crew)) issues.push({ path: "first_meal", message: `First meal ${meal} is not after the crew call ${crew}.` });
  const start = shooting ?? crew;
  if (start && wrap && minutes(wrap) <= minutes(start)) {
    issues.push({ path: "wrap", message: `Estimated wrap ${wrap} is not after the ${shooting ? "shooting" : "crew"} call ${start}.` });
  }
  sheet.cast_calls.forEach((c, i) => {
    const who = [c.cast_id != null ? String(c.cast_id) : "", c.name ?? ""].filter(Boolean).join(" ") || `Cast call ${i + 1}`;
    const pickup = time(`cast_calls.${i}.pickup`, `${who}: pickup`, c.pickup);
    const hmu = time(`cast_calls.${i}.hair_makeup`, `${who}: hair/makeup`, c.hair_makeup);
    const onSet = time(`cast_calls.${i}.on_set`, `${who}: on set`, c.on_set);
    if (crew && onSet && minutes(onSet) < minutes(crew)) {
      issues.push({ path: `cast_calls.${i}.on_set`, message: `${who} is called on set at ${onSet}, before the crew call ${crew}.` });
    }
    if (pickup && hmu && minutes(hmu) < minutes(pickup)) issues.push({ path: `cast_calls.${i}.hair_makeup`, message: `${who}: hair/makeup ${hmu} is before the pickup ${pickup}.` });
    const before = hmu ?? pickup;
    if (before && onSet && minutes(onSet) < minutes(before)) {
      issues.push({ path: `cast_calls.${i}.on_set`, message: `${who}: on set ${onSet} is before ${hmu ? "hair/makeup" : "the pickup"} ${before}.` });
    }
  });
  return issues;
}

/** Longest texts the API takes in the typed blocks (apps/callsheets/sheet_rows.py). */
export const BLOCK_LIMITS = { channel: 20, use: 200, role: 100, name: 200, phone: 60, route: 2000 } as const;

/**
 * What the server refuses or the crew could not use in the walkie channels and key contacts (said while typing; the
 * server checks again): a channel row needs its channel (the API requires it) and a channel is listed once; a key
 * contact needs a role or a name. `path` names the input ("walkie_channels.0.channel", "key_contacts.1.name").
 */
export function validateBlocks(sheet: Partial<Pick<CallSheetEdit, "walkie_channels" | "key_contacts">>): SheetIssue[] {
  const issues: SheetIssue[] = [];
  const seen = new Set<string>();
  (sheet.walkie_channels ?? []).forEach((w, i) => {
    const channel = w.channel.trim();
    if (!channel) issues.push({ path: `walkie_channels.${i}.channel`, message: `Walkie channel row ${i + 1} needs a channel (e.g. "1").` });
    else if (seen.has(channel.toLowerCase())) issues.push({ path: `walkie_channels.${i}.channel`, message: `Walkie channel ${channel} is listed twice.` });
    seen.add(channel.toLowerCase());
  });
  (sheet.key_contacts ?? []).forEach((k, i) => {
    if (!k.role.trim() && !k.name.trim()) issues.push({ path: `key_contacts.${i}.name`, message: `Key contact ${i + 1} needs a role or a name.` });
  });
  return issues;
}

/** A recipient's state for the distribution list: confirmed (this revision), seen, or only sent. */
export function recipientStatus(r: Pick<CallSheetRecipient, "seen_at" | "confirmed_at" | "confirmed_revision" | "revision">): "confirmed" | "seen" | "sent" {
  if (r.confirmed_at && (r.confirmed_revision == null || r.confirmed_revision >= r.revision)) return "confirmed";
  if (r.seen_at) return "seen";
  return "sent";
}

/** Totals of the distribution list: "7 of 9 confirmed". */
export function distributionCounts(recipients: readonly CallSheetRecipient[]): { total: number; seen: number; confirmed: number } {
  let seen = 0;
  let confirmed = 0;
  for (const r of recipients) {
    const s = recipientStatus(r);
    if (s === "confirmed") confirmed += 1;
    if (s !== "sent") seen += 1;
  }
  return { total: recipients.length, seen, confirmed };
}

/** A moment as the wall clock shows it here: "07:12" (the full date is for a tooltip). */
export function clock(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** The words for a call sheet that could not be created or published: the server's codes made readable. */
export function sheetErrorMessage(error: unknown, dayNumber?: number): string {
  if (error instanceof ApiError) {
    const day = dayNumber != null ? `Day ${dayNumber}` : "This day";
    if (error.code === "no_scenes") return `${day} has no scenes scheduled yet. Drag scenes into it on the schedule first.`;
    if (error.code === "exists") return `${day} already has a call sheet.`;
    if (error.code === "not_published") return "This call sheet has not been published yet.";
    if (error.status === 403) return "Only producers and assistant directors can do this.";
    const fields = Object.values(error.fields);
    return fields.length && !fields.includes(error.message) ? `${error.message} ${fields.join(" ")}` : error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}

/** The editable part of a sheet, with its times as "HH:MM" (the form's starting point). */
export function editOf(sheet: CallSheet): CallSheetEdit {
  const shown = (t: string | null | undefined) => callTimeDisplay(t) || null;
  return {
    crew_call: shown(sheet.crew_call), shooting_call: shown(sheet.shooting_call), first_meal: shown(sheet.first_meal), wrap: shown(sheet.wrap),
    locations: sheet.locations.map((l) => ({ ...l })), hospital: { ...sheet.hospital, route: sheet.hospital.route ?? "" }, weather: { ...sheet.weather },
    cast_calls: sheet.cast_calls.map((c) => ({ ...c, pickup: shown(c.pickup), hair_makeup: shown(c.hair_makeup), on_set: shown(c.on_set) })),
    crew_calls: sheet.crew_calls.map((c) => ({ ...c, call: shown(c.call), offset: c.offset ?? null })), notes: sheet.notes,
    walkie_channels: (sheet.walkie_channels ?? []).map((w) => ({ channel: w.channel, use: w.use ?? "" })), safety_notes: sheet.safety_notes ?? "",
    key_contacts: (sheet.key_contacts ?? []).map((k) => ({ role: k.role ?? "", name: k.name ?? "", phone: k.phone ?? "" })),
  };
}

/** The fields of `draft` that differ from the sheet: what a PATCH sends (whole JSON fields, as the API stores them). */
export function changedEdit(sheet: CallSheet, draft: CallSheetEdit): Partial<CallSheetEdit> {
  const base = editOf(sheet);
  const out: Partial<CallSheetEdit> = {};
  for (const key of Object.keys(draft) as (keyof CallSheetEdit)[]) {
    if (JSON.stringify(base[key]) !== JSON.stringify(draft[key])) (out as Record<string, unknown>)[key] = draft[key];
  }
  return out;
}

/** Crew calls grouped by department, in the order departments first appear. */
export function byDepartment<T extends { department: string }>(calls: readonly T[]): { department: string; calls: { call: T; index: number }[] }[] {
  const groups = new Map<string, { call: T; index: number }[]>();
  calls.forEach((call, index) => {
    const name = call.department || "Other";
    const list = groups.get(name) ?? [];
    list.push({ call, index });
    groups.set(name, list);
  });
  return [...groups].map(([department, list]) => ({ department, calls: list }));
}
