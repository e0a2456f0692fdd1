// Shapes of the REST API (apps/*/api.py serializers). Event `data` uses the same shapes.

export type Id = number;
export type Iso = string;

export interface User { id: Id; username: string; email: string; name: string; display_name: string; email_verified: boolean; time_zone?: string; avatar_url?: string | null }

export type Role = "owner" | "producer" | "production_coordinator" | "director" | "assistant_director" | "script_supervisor" | "camera" | "editor" | "crew" | "viewer";
export const ROLES: Role[] = ["owner", "producer", "production_coordinator", "director", "assistant_director", "script_supervisor", "camera", "editor", "crew", "viewer"];

export interface Stats {
  scene_count: number; completed_scene_count: number; shot_count: number;
  completion_percent: number; total_eighths: number; completed_eighths: number;
}
/** Frames per second of a production's timecode, as crews write it (apps/productions/models.py TimecodeRate). */
export type TimecodeRate = "23.976" | "24" | "25" | "29.97" | "30" | "47.952" | "48" | "50" | "59.94" | "60";
export const TIMECODE_RATES: TimecodeRate[] = ["23.976", "24", "25", "29.97", "30", "47.952", "48", "50", "59.94", "60"];

export interface Production {
  id: Id; title: string; code: string; description: string; start_date: string | null; end_date: string | null;
  /** The rate new takes log their timecode at. */
  timecode_rate: TimecodeRate;
  /** Owners and producers need two-factor authentication on to change anything in it (set by an owner). */
  require_two_factor: boolean;
  version: number; created_at: Iso; updated_at: Iso; stats: Stats; my_role: Role | null;
}
/** A place on the crew; `phone`, `address`, `emergency_contact` (and `user.email`) are "" for whoever may not see them (`seesContacts`). */
export interface Membership {
  id: Id; production: Id; user: User; role: Role; phone: string; address: string; emergency_contact: string; version: number; created_at: Iso;
}

export type SceneStatus = "not_started" | "in_progress" | "completed" | "on_hold";
export const SCENE_STATUSES: SceneStatus[] = ["not_started", "in_progress", "completed", "on_hold"];
export type IntExt = "INT" | "EXT" | "INT/EXT" | "EST" | "";
export interface Scene {
  id: Id; production: Id; number: string; int_ext: IntExt; location: string; time_of_day: string; slugline: string;
  synopsis: string; page_eighths: number; script_order: number; status: SceneStatus; script_version: Id | null;
  /** Set when a new screenplay version changed or dropped the scene; `review_reason` says why ("Text changed in v3"). */
  needs_review: boolean; review_reason: string;
  /** Users (production members) assigned to the scene: told when its status changes. */
  assignees?: Id[];
  version: number; created_at: Iso; updated_at: Iso;
}
export interface Shot {
  id: Id; production: Id; scene: Id; number: string; type: string; lens_mm: number | null; movement: string;
  frame_rate: string | null; description: string; status: "planned" | "shot" | "omitted"; order: number;
  version: number; created_at: Iso; updated_at: Iso;
}
/** sync: picture and sound; mos: picture only (no sound roll); wild_track: sound only (no camera). */
export type TakeSound = "sync" | "mos" | "wild_track";
/** One camera on a take: its letter, its camera roll ("A012") and the lens as written ("35mm"). */
export interface TakeCamera { camera: string; roll: string; lens: string }
export interface Take {
  id: Id; production: Id; scene: Id; shot: Id; number: number; circled: boolean; no_good: boolean; notes: string;
  cameras: TakeCamera[]; sound_roll: string; sound: TakeSound;
  /** SMPTE "HH:MM:SS:FF" ("HH:MM:SS;FF" drop-frame) at `timecode_rate`; `duration_*` follow from them (null without both). */
  timecode_in: string; timecode_out: string; timecode_rate: TimecodeRate; duration_frames: number | null; duration_s: number | null;
  /** When the take was rolled: it puts the take on a shoot day's reports. */
  recorded_at: Iso;
  version: number; created_at: Iso; updated_at: Iso;
}
/** A cast member; `email`, `phone`, `address`, `emergency_contact` are "" for whoever may not see them (`seesContacts`). */
export interface CastMember {
  id: Id; production: Id; name: string; cast_id: number | null; email: string; phone: string; address: string; emergency_contact: string;
  agent: string; notes: string; user: Id | null; version: number;
}
export interface Character {
  id: Id; production: Id; name: string; description: string; cast_member: Id | null; scenes: Id[]; version: number;
  /** The character sheet AI writing is told about (free text). */
  personality: string; goals: string; voice: string; backstory: string;
}
export interface Prop { id: Id; production: Id; name: string; description: string; quantity: number; status: "needed" | "sourced" | "ready"; scenes: Id[]; version: number }
export interface Location { id: Id; production: Id; name: string; address: string; contact: string; parking: string; notes: string; scenes: Id[]; version: number }

export interface ContinuityPhoto { id: Id; production: Id; note: Id; url: string; original_name: string; width: number; height: number; size_bytes: number; uploaded_by: Id | null; created_at: Iso }
export type ContinuityCategory = "wardrobe" | "props" | "hair_makeup" | "set_dressing" | "action_blocking" | "dialogue" | "camera" | "other";
export interface ContinuityNote {
  id: Id; production: Id; scene: Id; shot: Id | null; take: Id | null; category: ContinuityCategory; body: string; flagged: boolean;
  author: Id | null; author_name: string | null; photos: ContinuityPhoto[]; version: number; created_at: Iso; updated_at: Iso;
}
export interface Comment {
  id: Id; production: Id; author: Id | null; author_name: string | null; parent: Id | null;
  scene: Id | null; shot: Id | null; take: Id | null; continuity_note: Id | null; media_asset: Id | null;
  /** 0-based frame of a media asset (and the last frame of a range, inclusive), with their SMPTE text. */
  frame: number | null; timecode: string | null; frame_end?: number | null; timecode_end?: string | null; body: string; resolved: boolean; mentions: Id[]; version: number; created_at: Iso; updated_at: Iso;
}

export type RenditionKind = "poster" | "proxy" | "filmstrip" | "waveform";
export type RenditionStatus = "pending" | "processing" | "ready" | "failed" | "skipped";
/** Filmstrip sprite sheet: `columns` × `rows` tiles of `tile_width` × `tile_height` px; tile i shows frame `frames[i]` (every `interval_s` s). */
export interface FilmstripMeta { columns: number; rows: number; count: number; tile_width: number; tile_height: number; interval_s: number; frames?: number[] }
/** Waveform image: `width` × `height` px covering `duration_s` seconds. */
export interface WaveformMeta { width: number; height: number; duration_s: number }
/** A file made from an asset, each with its own status: a failed waveform never blocks the proxy. `url` is null until ready. */
export interface Rendition {
  kind: RenditionKind; status: RenditionStatus; error: string; meta: Record<string, unknown>; url: string | null;
  content_type: string; width: number | null; height: number | null; size_bytes: number;
}
export type ApprovalStatus = "pending" | "approved" | "changes_requested";
/** Where the file name or slate metadata says the clip belongs (ids null when that scene/shot/take does not exist yet); `{}` when nothing matched. */
export interface LinkSuggestion {
  source?: "file_name" | "metadata"; text?: string; scene_number?: string | null; shot_number?: string | null; take_number?: number | string | null;
  scene?: Id | null; shot?: Id | null; take?: Id | null;
}
export interface MediaAsset {
  id: Id; production: Id; take: Id | null; original_name: string; size_bytes: number; status: "uploaded" | "processing" | "ready" | "failed";
  error: string; format_name: string; duration_s: number | null; frame_rate: string; frame_rate_fps: number | null; frame_count: number | null;
  width: number | null; height: number | null; video_codec: string; audio_codec: string; audio_channels: number | null;
  start_timecode: string; timecode_start_frames: number; reel_name: string; job: string | null; renditions: Rendition[];
  uploaded_by: Id | null; version: number; created_at: Iso; updated_at: Iso;
  /** video: a clip of dailies; image: a still, e.g. a storyboard frame of `shot` (`generation` says how it was made); reel: a selects reel. */
  kind: MediaKind; shot: Id | null; generation: StoryboardGeneration | Record<string, never>; original_url: string;
  // Issue 5 (dailies review); optional so that older payloads (and stills) still type-check.
  scene?: Id | null; sha256?: string; drop_frame?: boolean; end_timecode?: string; duration_timecode?: string;
  clip_name?: string; recorded_at?: Iso | null; link_suggestion?: LinkSuggestion; first_version?: Id | null; version_number?: number;
  approval_status?: ApprovalStatus; approval_by?: Id | null; approval_at?: Iso | null; approval_note?: string;
}
export type MediaKind = "video" | "image" | "reel";

/** A part of an asset rendered as its own MP4: frames [`in_frame`, `out_frame`) (out exclusive). `url` is null until ready. */
export interface Clip {
  id: Id; production: Id; asset: Id; name: string; in_frame: number; out_frame: number; in_timecode: string; out_timecode: string;
  duration_frames: number; status: RenditionStatus; error: string; url: string | null; size_bytes: number; job: string | null;
  created_by: Id | null; version: number; created_at: Iso; updated_at: Iso;
}

/** `GET /api/uploads/{id}/`: a resumable (tus) upload as the server has it. */
export interface UploadInfo {
  id: string; production: Id; filename: string; length: number; offset: number; state: "receiving" | "complete" | "failed";
  error: string; asset: Id | null; job: string | null; expires_at: Iso;
}
/** How an AI-made still was made (`MediaAsset.generation`); `{}` for uploads. */
export interface StoryboardGeneration {
  provider?: string; model?: string; prompt?: string; seed?: number; choices?: Record<string, string>; request_id?: string; job?: string; template?: string;
}

export type JobStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled";
export interface Job {
  id: string; production: Id; kind: string; status: JobStatus; progress: number; message: string; params: Record<string, unknown>;
  result: Record<string, unknown>; error: string; attempts: number; cancel_requested: boolean;
  /** A failed job whose kind can run again (`POST /api/jobs/{id}/retry/`, which still checks its inputs). */
  retryable: boolean; created_by: Id | null;
  created_at: Iso; updated_at: Iso; started_at: Iso | null; finished_at: Iso | null;
  /** Client-side only: the text an AI writing job has streamed so far (`job.progress` `data.text`), kept by the dispatch. */
  text?: string;
}
export interface Script {
  id: Id; production: Id; title: string; logline: string; genre: string; tone: string;
  /** Locked genre/tone are fixed for AI generation; `numbering_locked`: scene numbers never change (new scenes get letters, 3A). */
  genre_locked: boolean; tone_locked: boolean; numbering_locked: boolean;
  /** The version (id) the pages are locked at, since `locked_at`: later versions print as revision pages. Null: not locked. */
  locked_version: Id | null; locked_at: Iso | null;
  created_by: Id | null; version: number; created_at: Iso; updated_at: Iso;
}
export type ScriptVersionSource = "upload" | "edit" | "generation";
export interface ScriptChanges { added: number; removed: number; moved: number; changed: number }
export interface ScriptVersion {
  id: Id; production: Id; script: Id; number: number; source: ScriptVersionSource; source_name: string; summary: string; parent: Id | null;
  /** Its scenes against `parent`; empty for a first version. */
  changes: Partial<ScriptChanges>; title_page: [string, string][]; scene_count: number; page_eighths: number;
  created_by: Id | null; created_by_name: string | null; created_at: Iso;
}
/** `GET /api/script-versions/{id}/`: a version with its whole Fountain text. */
export interface ScriptVersionDetail extends ScriptVersion { text: string }

export type DiffStatus = "added" | "removed" | "moved" | "changed" | "unchanged";
export interface ScriptDiffScene {
  status: DiffStatus; moved: boolean; number: string; heading: string; scene: Id | null; from_index: number | null; to_index: number | null;
  /** Unified diff of the scene's Fountain text: "@@ …", " kept", "-gone", "+new". */
  lines: string[];
}
/** `GET /api/scripts/{id}/diff/?from=&to=` (version numbers; from 0 = an empty script). */
export interface ScriptDiff { from: number; to: number; scenes: ScriptDiffScene[]; summary: Partial<Record<DiffStatus, number>> }

/** `GET /api/ai/status/`: which AI features this server has; the UI names `variable` for the others. */
export interface AiFeatureStatus { configured: boolean; variable: string; model: string }
export type AiFeature = "writing" | "breakdown" | "storyboards";
export type AiStatus = Record<AiFeature, AiFeatureStatus>;

export type BreakdownCategory =
  | "cast" | "extras" | "props" | "wardrobe" | "makeup_hair" | "vehicles" | "animals" | "stunts" | "special_effects" | "sound"
  | "set_dressing" | "special_equipment";
export interface BreakdownSuggestion {
  id: Id; production: Id; scene: Id; job: string | null; category: BreakdownCategory; name: string; description: string;
  /** The screenplay text that calls for it. */
  evidence: string; status: "pending" | "accepted" | "rejected"; decided_by: Id | null; decided_at: Iso | null;
  character: Id | null; prop: Id | null; version: number; created_at: Iso; updated_at: Iso;
}

export interface StoryboardTemplate {
  id: Id; production: Id; name: string; template: string; style: string; seeds: string; created_by: Id | null; version: number; created_at: Iso; updated_at: Iso;
}
export interface StoryboardFavourite {
  id: Id; production: Id; media_asset: Id; shot: Id | null; note: string; created_by: Id | null; version: number; created_at: Iso; updated_at: Iso;
}
/** One frame of a storyboard order: the prompt sent to the model, its seed, and the choices that made it. */
export interface StoryboardItem { prompt: string; seed: number; choices: Record<string, string> }
export interface StoryboardPreview { items: StoryboardItem[]; count: number; tokens: Record<string, string> }

export interface Page<T> { count: number; next: string | null; previous: string | null; results: T[] }
