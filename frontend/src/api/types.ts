// Shapes of the REST API (apps/*/api.py serializers). Event `data` uses the same shapes.

export type Id = number;
export type Iso = string;

export interface User { id: Id; username: string; email: string; name: string; display_name: string; email_verified: boolean }

export type Role = "owner" | "producer" | "director" | "assistant_director" | "script_supervisor" | "camera" | "editor" | "crew" | "viewer";
export const ROLES: Role[] = ["owner", "producer", "director", "assistant_director", "script_supervisor", "camera", "editor", "crew", "viewer"];

export interface Stats {
  scene_count: number; completed_scene_count: number; shot_count: number;
  completion_percent: number; total_eighths: number; completed_eighths: number;
}
export interface Production {
  id: Id; title: string; code: string; description: string; start_date: string | null; end_date: string | null;
  version: number; created_at: Iso; updated_at: Iso; stats: Stats; my_role: Role | null;
}
export interface Membership { id: Id; production: Id; user: User; role: Role; version: number; created_at: Iso }

export type SceneStatus = "not_started" | "in_progress" | "completed" | "on_hold";
export const SCENE_STATUSES: SceneStatus[] = ["not_started", "in_progress", "completed", "on_hold"];
export type IntExt = "INT" | "EXT" | "INT/EXT" | "EST" | "";
export interface Scene {
  id: Id; production: Id; number: string; int_ext: IntExt; location: string; time_of_day: string; slugline: string;
  synopsis: string; page_eighths: number; script_order: number; status: SceneStatus; script_version: Id | null;
  version: number; created_at: Iso; updated_at: Iso;
}
export interface Shot {
  id: Id; production: Id; scene: Id; number: string; type: string; lens_mm: number | null; movement: string;
  frame_rate: string | null; description: string; status: "planned" | "shot" | "omitted"; order: number;
  version: number; created_at: Iso; updated_at: Iso;
}
export interface Take {
  id: Id; production: Id; scene: Id; shot: Id; number: number; circled: boolean; no_good: boolean; notes: string;
  timecode_in: string; timecode_out: string; version: number; created_at: Iso; updated_at: Iso;
}
export interface CastMember { id: Id; production: Id; name: string; cast_id: number | null; email: string; phone: string; agent: string; notes: string; user: Id | null; version: number }
export interface Character { id: Id; production: Id; name: string; description: string; cast_member: Id | null; scenes: Id[]; version: number }
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
  frame: number | null; timecode: string | null; body: string; resolved: boolean; mentions: Id[]; version: number; created_at: Iso; updated_at: Iso;
}

export interface Rendition { kind: "poster" | "proxy"; url: string; content_type: string; width: number | null; height: number | null; size_bytes: number }
export interface MediaAsset {
  id: Id; production: Id; take: Id | null; original_name: string; size_bytes: number; status: "uploaded" | "processing" | "ready" | "failed";
  error: string; format_name: string; duration_s: number | null; frame_rate: string; frame_rate_fps: number | null; frame_count: number | null;
  width: number | null; height: number | null; video_codec: string; audio_codec: string; audio_channels: number | null;
  start_timecode: string; timecode_start_frames: number; reel_name: string; job: string | null; renditions: Rendition[];
  uploaded_by: Id | null; version: number; created_at: Iso; updated_at: Iso;
}

export type JobStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled";
export interface Job {
  id: string; production: Id; kind: string; status: JobStatus; progress: number; message: string; params: Record<string, unknown>;
  result: Record<string, unknown>; error: string; attempts: number; cancel_requested: boolean; created_by: Id | null;
  created_at: Iso; updated_at: Iso; started_at: Iso | null; finished_at: Iso | null;
}
export interface Script { id: Id; production: Id; title: string; created_by: Id | null; version: number; created_at: Iso; updated_at: Iso }
export interface ScriptVersion { id: Id; production: Id; script: Id; number: number; source: string; source_name: string; title_page: [string, string][]; scene_count: number; page_eighths: number; created_by: Id | null; created_at: Iso }

export interface Page<T> { count: number; next: string | null; previous: string | null; results: T[] }
