// TanStack Query keys: one place, so the realtime dispatch and the screens agree.
import type { Id } from "./types";

export const keys = {
  me: ["me"] as const,
  productions: ["productions"] as const,
  production: (id: Id) => ["production", id] as const,
  members: (production: Id) => ["members", production] as const,
  invitations: (production: Id) => ["invitations", production] as const,
  scenes: (production: Id) => ["scenes", production] as const,
  scene: (id: Id) => ["scene", id] as const,
  shots: (scene: Id) => ["shots", scene] as const,
  takes: (scene: Id) => ["takes", scene] as const,
  notes: (scene: Id) => ["continuity-notes", scene] as const,
  comments: (target: CommentTarget) => ["comments", target.kind, target.id] as const,
  characters: (production: Id) => ["characters", production] as const,
  castMembers: (production: Id) => ["cast-members", production] as const,
  props: (production: Id) => ["props", production] as const,
  locations: (production: Id) => ["locations", production] as const,
  scripts: (production: Id) => ["scripts", production] as const,
  scriptVersions: (script: Id) => ["script-versions", script] as const,
  scriptVersion: (id: Id) => ["script-version", id] as const,
  scriptDiff: (script: Id, from: number, to: number) => ["script-diff", script, from, to] as const,
  aiStatus: ["ai-status"] as const,
  breakdownSuggestions: (scene: Id) => ["breakdown-suggestions", scene] as const,
  storyboardTemplates: (production: Id) => ["storyboard-templates", production] as const,
  storyboardFavourites: (production: Id) => ["storyboard-favourites", production] as const,
  /** Stills (media assets of kind image) of one shot: its storyboard frames. */
  shotImages: (shot: Id) => ["shot-images", shot] as const,
  media: (production: Id) => ["media", production] as const,
  mediaAsset: (id: Id) => ["media-asset", id] as const,
  /** Every version (v1, v2...) of the asset's lineage, by version number. */
  mediaVersions: (asset: Id) => ["media-versions", asset] as const,
  /** Clips rendered from one asset. */
  clips: (asset: Id) => ["clips", asset] as const,
  jobs: (production: Id) => ["jobs", production] as const,
  /** `GET /api/operations/`: workers, the queue and the failed jobs of the productions the user manages. */
  operations: ["operations"] as const,
  events: (production: Id) => ["events", production] as const,
  shootDays: (production: Id) => ["shoot-days", production] as const,
  strips: (production: Id) => ["strips", production] as const,
  /** Day out of days of the production's cast. */
  dood: (production: Id) => ["dood", production] as const,
  callSheets: (production: Id) => ["call-sheets", production] as const,
  callSheet: (id: Id) => ["call-sheet", id] as const,
  callSheetRevisions: (id: Id) => ["call-sheet-revisions", id] as const,
  callSheetRecipients: (id: Id) => ["call-sheet-recipients", id] as const,
  /** The signed-in user's own notifications (all productions). */
  notifications: ["notifications"] as const,
  unreadCount: ["notifications-unread"] as const,
  notificationPrefs: ["notification-prefs"] as const,
  pushSubscriptions: ["push-subscriptions"] as const,
};

export type CommentTargetKind = "scene" | "shot" | "take" | "continuity_note" | "media_asset";
export interface CommentTarget { kind: CommentTargetKind; id: Id }
