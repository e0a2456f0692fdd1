// Shapes of the schedule and call-sheet API (apps/callsheets, issue 6 contract). Event `data` uses the same shapes.
import type { Id, IntExt, Iso } from "./types";

/** "HH:MM" 24-hour time of day, as the API sends and accepts it. */
export type TimeOfDay = string;

/** `/api/shoot-days/`: `number` is the 1-based day number in (date, id) order; `page_eighths` sums its scene strips. */
export interface ShootDay {
  id: Id; production: Id; number: number; date: string; unit: string; location: Id | null; location_name: string | null;
  notes: string; page_eighths: number; scene_count: number; version: number; created_at: Iso; updated_at: Iso;
}

export type StripKind = "scene" | "banner";
/** `/api/strips/`: one scene (or a banner such as "COMPANY MOVE") at `position` (0-based) within its day. Scene fields are null for banners. */
export interface Strip {
  id: Id; production: Id; shoot_day: Id; position: number; kind: StripKind; scene: Id | null; text: string;
  scene_number: string | null; int_ext: IntExt | null; time_of_day: string | null; location: string | null;
  page_eighths: number | null; cast_ids: number[] | null; synopsis: string | null; version: number;
}

/** `POST /api/strips/{id}/move/` body; `position` left out: the end of the day. */
export interface StripMove { shoot_day: Id; position?: number; version: number }

/** A scene as the call sheet lists it (the day's scenes and the advance schedule). */
export interface CallSheetScene {
  scene: Id; number: string; int_ext: IntExt; location: string; time_of_day: string; synopsis: string;
  page_eighths: number; cast_ids: number[];
}
export interface CallSheetLocation { name: string; address: string; parking: string; notes: string }
export interface CallSheetHospital { name: string; address: string; phone: string; route?: string }
export interface WalkieChannel { channel: string; use: string }
export interface KeyContact { role: string; name: string; phone: string }
export interface CallSheetWeather { summary: string; high_c: number | null; low_c: number | null; sunrise: TimeOfDay | null; sunset: TimeOfDay | null }
/** One cast member's calls; `cast_id`, `name`, `characters` are read-only enrichment from the server. */
export interface CastCall {
  cast_member: Id; pickup: TimeOfDay | null; hair_makeup: TimeOfDay | null; on_set: TimeOfDay | null; notes: string;
  cast_id?: number | null; name?: string; characters?: string[];
}
/** A crew row: with an `offset` (minutes from the general call, -15 = 15 min before) it follows the general call and the
 * server computes `call`; with `offset` null, `call` is set by hand. */
export interface CrewCall { department: string; name: string; role: string; user: Id | null; call: TimeOfDay | null; offset?: number | null }
/** A hand-set crew call that is now earlier or later than the general call, in the answer to a PATCH that moved it. */
export interface CallWarning { department: string; name: string; role: string; user: Id | null; call: TimeOfDay | null; relation: "earlier" | "later"; minutes: number; message: string }
export interface CallSheetBanner { id: Id; position: number; text: string }
export interface CallSheetAdvance { shoot_day: Id; number: number; date: string; scenes: CallSheetScene[] }
export interface CallSheetDistribution { recipients: number; seen: number; confirmed: number }

export type CallSheetStatus = "draft" | "published" | "changed";
/** `/api/call-sheets/`: one per shoot day. `revision` 0 = never published; "changed" = edited after its last publish. */
export interface CallSheet {
  id: Id; production: Id; shoot_day: Id; status: CallSheetStatus; revision: number;
  /** Call times of the shoot day: "HH:MM" with HH up to 47 ("24:15" is 00:15 the next day; the UI shows "00:15 (+1)"). */
  crew_call: TimeOfDay | null; shooting_call: TimeOfDay | null; first_meal: TimeOfDay | null; wrap: TimeOfDay | null;
  locations: CallSheetLocation[]; hospital: CallSheetHospital; weather: CallSheetWeather;
  cast_calls: CastCall[]; crew_calls: CrewCall[]; notes: string;
  walkie_channels?: WalkieChannel[]; safety_notes?: string; key_contacts?: KeyContact[];
  /** In the answer to a PATCH that moved the general call: the hand-set crew calls now earlier or later than it. */
  warnings?: CallWarning[];
  published_at: Iso | null; published_by: Id | null;
  // Read-only, from the shoot day and its strips.
  shoot_day_number: number; date: string; unit: string; /** Days in the schedule ("Day 1 of 12"). */ day_count?: number; scenes: CallSheetScene[]; banners: CallSheetBanner[];
  advance: CallSheetAdvance | null; distribution: CallSheetDistribution;
  version: number; created_at?: Iso; updated_at?: Iso;
}
/** The editable part of a call sheet (PATCH body, with `version`); the blocks the API may leave out are always there. */
export type CallSheetEdit = Pick<CallSheet, "crew_call" | "shooting_call" | "first_meal" | "wrap" | "locations" | "hospital" | "weather" | "cast_calls" | "crew_calls" | "notes">
  & { walkie_channels: WalkieChannel[]; safety_notes: string; key_contacts: KeyContact[] };

/** One line of what changed between two published revisions ("Crew call": "07:00" → "06:30"). */
export interface CallSheetChange { field: string; label: string; before: unknown; after: unknown }
/** `GET /api/call-sheets/{id}/revisions/`, newest first. */
export interface CallSheetRevision {
  revision: number; published_at: Iso; published_by: Id | null; published_by_name: string | null;
  changes: CallSheetChange[]; snapshot: Record<string, unknown>;
}
/** `GET /api/call-sheets/{id}/recipients/`: one crew member on the distribution; confirmation resets per revision. */
export interface CallSheetRecipient {
  id: Id; call_sheet: Id; user: Id; name: string; role: string; revision: number;
  notified_at: Iso | null; seen_at: Iso | null; confirmed_at: Iso | null; confirmed_revision: number | null;
}

export type DoodCode = "SW" | "W" | "H" | "WF" | "SWF" | "WD" | "PW" | "D" | "";
export interface DoodDay { id: Id; number: number; date: string }
export interface DoodCast {
  cast_member: Id; cast_id: number | null; name: string; characters: string[]; codes: DoodCode[];
  work_days: number; hold_days: number; drop_days: number; start_date: string | null; finish_date: string | null;
}
/** `GET /api/productions/{id}/dood/`: cast × days; `codes[i]` belongs to `days[i]`. */
export interface Dood { days: DoodDay[]; cast: DoodCast[]; legend: Record<string, string> }
