// The event union: mirrors apps/realtime/events.py (ENTITY_SERIALIZERS × created/updated/deleted,
// plus the ephemeral job.progress and presence.changed). DESIGN.md, "Event envelope".
import type {
  BreakdownSuggestion, CastMember, Character, Clip, Comment, ContinuityNote, ContinuityPhoto, Id, Job, Location, MediaAsset, Membership,
  Production, Prop, Scene, Script, ScriptVersion, Shot, StoryboardFavourite, StoryboardTemplate, Take, User,
} from "../api/types";

export interface EntityData {
  production: Production; membership: Membership; scene: Scene; shot: Shot; take: Take; character: Character;
  cast_member: CastMember; prop: Prop; location: Location; continuity_note: ContinuityNote; continuity_photo: ContinuityPhoto;
  comment: Comment; clip: Clip; script: Script; script_version: ScriptVersion; media_asset: MediaAsset; job: Job;
  breakdown_suggestion: BreakdownSuggestion; storyboard_template: StoryboardTemplate; storyboard_favourite: StoryboardFavourite;
  invitation: { id: Id; production: Id; email: string; role: string; invited_by: User | null; created_at: string; expires_at: string; accepted_at: string | null; expired: boolean };
}
export type Entity = keyof EntityData;
export type Verb = "created" | "updated" | "deleted";

export interface Actor { id: Id; name: string }
interface Envelope<T extends string, E extends string, D> {
  id: number | null; type: T; production: Id; entity: E; entity_id: Id | string; data: D; actor: Actor | null; at: string;
}
export type EntityEvent = { [E in Entity]: Envelope<`${E}.${Verb}`, E, EntityData[E]> & { id: number } }[Entity];

/**
 * `text`: AI writing jobs send the whole text so far (later frames, while saving, have none: keep the last one seen).
 * `storyboard`: what fal.ai reports for the frame being followed (`ai.storyboard` jobs).
 */
export interface JobProgressData {
  id: string; kind: string; status: "running"; progress: number; message: string; text?: string;
  storyboard?: { frame: number; count: number; done: number; state?: "queued" | "running" | "done"; queue_position?: number; log?: string };
}
export interface PresenceEntry { connection: string; user: Actor | null; where: Record<string, number | string | null> | null; at: number }
export type JobProgressEvent = Envelope<"job.progress", "job", JobProgressData> & { id: null };
export type PresenceEvent = Envelope<"presence.changed", "production", { members: PresenceEntry[] }> & { id: null };

export type SlateEvent = EntityEvent | JobProgressEvent | PresenceEvent;

export type ControlFrame =
  | { type: "subscribed"; production: Id; replayed: number; last_id: number }
  | { type: "unsubscribed"; production: Id }
  | { type: "resync"; production: Id }
  | { type: "pong" }
  | { type: "error"; code: string; detail: string; production?: Id };

export type ServerFrame = SlateEvent | ControlFrame;

export function isControl(frame: ServerFrame): frame is ControlFrame {
  return ["subscribed", "unsubscribed", "resync", "pong", "error"].includes(frame.type);
}

export function verbOf(type: string): Verb | null {
  const verb = type.split(".")[1];
  return verb === "created" || verb === "updated" || verb === "deleted" ? verb : null;
}
