// The event union: mirrors apps/realtime/events.py (ENTITIES × created/updated/deleted, the stored
// callsheet.published, the user's own notification.* and the ephemeral job.progress, generation_item.progress and
// presence.changed).
// DESIGN.md, "Event envelope".
import type {
  BreakdownSuggestion, CastMember, Character, Clip, Comment, ContinuityNote, ContinuityPhoto, Id, Job, Location, MediaAsset, Membership,
  Production, Prop, Scene, Script, ScriptVersion, Shot, StoryboardFavourite, StoryboardTemplate, Take, User,
} from "../api/types";
import type { Notification } from "../api/notifications";
import type { CallSheet, CallSheetRecipient, ShootDay, Strip } from "../api/schedule";
import type { GenerationItem, GenerationOrder, GenerationProduct } from "../api/lookdev";

export interface EntityData {
  production: Production; membership: Membership; scene: Scene; shot: Shot; take: Take; character: Character;
  cast_member: CastMember; prop: Prop; location: Location; continuity_note: ContinuityNote; continuity_photo: ContinuityPhoto;
  comment: Comment; clip: Clip; script: Script; script_version: ScriptVersion; media_asset: MediaAsset; job: Job;
  breakdown_suggestion: BreakdownSuggestion; storyboard_template: StoryboardTemplate; storyboard_favourite: StoryboardFavourite;
  shoot_day: ShootDay; strip: Strip; callsheet: CallSheet; callsheet_recipient: CallSheetRecipient;
  generation_order: GenerationOrder; generation_item: GenerationItem; generation_product: GenerationProduct;
  invitation: { id: Id; production: Id; email: string; role: string; invited_by: User | null; created_at: string; expires_at: string; accepted_at: string | null; expired: boolean };
}
export type Entity = keyof EntityData;
export type Verb = "created" | "updated" | "deleted";

export interface Actor { id: Id; name: string }
/** `seq`: the event's place in its production's stream (1, 2, 3…, no gaps); null, like `id`, for ephemeral events. */
interface Envelope<T extends string, E extends string, D> {
  id: number | null; seq: number | null; type: T; production: Id; entity: E; entity_id: Id | string; data: D; actor: Actor | null; at: string;
}
/** A call sheet published (revision 1) or re-published (later revisions): stored like the entity events. */
export type CallSheetPublishedEvent = Envelope<"callsheet.published", "callsheet", CallSheet> & { id: number; seq: number };
/** Stored events (they have an id, are replayed after a reconnect and make the activity feed). */
export type EntityEvent = { [E in Entity]: Envelope<`${E}.${Verb}`, E, EntityData[E]> & { id: number; seq: number } }[Entity] | CallSheetPublishedEvent;

/**
 * `text`: AI writing jobs send the whole text so far (later frames, while saving, have none: keep the last one seen).
 * `storyboard`: what fal.ai reports for the frame being followed (`ai.storyboard` jobs).
 */
export interface JobProgressData {
  id: string; kind: string; status: "running"; progress: number; message: string; text?: string;
  storyboard?: { frame: number; count: number; done: number; state?: "queued" | "running" | "done"; queue_position?: number; log?: string };
}
export interface PresenceEntry { connection: string; user: Actor | null; where: Record<string, number | string | null> | null; at: number }
export type JobProgressEvent = Envelope<"job.progress", "job", JobProgressData> & { id: null; seq: null };
/** `generation_item.progress`: an item's live progress, queue position and log line (its REST shape, not saved). */
export type GenerationItemProgressEvent = Envelope<"generation_item.progress", "generation_item", GenerationItem> & { id: null; seq: null };
export type PresenceEvent = Envelope<"presence.changed", "production", { members: PresenceEntry[] }> & { id: null; seq: null };

/**
 * The user's own events, sent to the group `user.<id>` whatever production the socket follows (`production` names
 * the notification's production). Never stored or replayed (`id` null): a reconnect refetches the list instead.
 */
export type NotificationEvent = Envelope<"notification.created" | "notification.updated", "notification", Notification> & { id: null; seq: null };

export type SlateEvent = EntityEvent | JobProgressEvent | GenerationItemProgressEvent | PresenceEvent | NotificationEvent;

export type ControlFrame =
  | { type: "subscribed"; production: Id; replayed: number; last_id: number; last_seq?: number }
  | { type: "unsubscribed"; production: Id }
  | { type: "resync"; production: Id; last_seq?: number }
  | { type: "pong" }
  | { type: "error"; code: string; detail: string; production?: Id };

export type ServerFrame = SlateEvent | ControlFrame;

export function isControl(frame: ServerFrame): frame is ControlFrame {
  return ["subscribed", "unsubscribed", "resync", "pong", "error"].includes(frame.type);
}

export function isNotificationEvent(event: SlateEvent): event is NotificationEvent {
  return event.entity === "notification";
}

export function verbOf(type: string): Verb | null {
  const verb = type.split(".")[1];
  return verb === "created" || verb === "updated" || verb === "deleted" ? verb : null;
}
