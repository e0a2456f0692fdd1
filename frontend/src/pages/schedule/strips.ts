// Pure helpers of the stripboard: strip colours, day headers, ordering, and the optimistic move/insert/remove of strips.
import type { ShootDay, Strip } from "../../api/schedule";
import type { Id, Scene } from "../../api/types";
import { pagesLabel, scenesLabel } from "../../format";

/** The four strip colours of a paper stripboard. */
export type StripTone = "int-day" | "ext-day" | "int-night" | "ext-night";

const NIGHT = /\b(NIGHT|EVENING|DUSK|LATER NIGHT|MIDNIGHT)\b/;

/**
 * The strip colour the usual way: INT day white, EXT day yellow, INT night blue, EXT night green.
 * "INT/EXT" and "EST" count as exterior (they need the outside lit); dusk and evening count as night.
 */
export function stripTone(intExt: string | null | undefined, timeOfDay: string | null | undefined): StripTone {
  const ext = /EXT|EST/.test((intExt ?? "").toUpperCase());
  const night = NIGHT.test((timeOfDay ?? "").toUpperCase());
  return `${ext ? "ext" : "int"}-${night ? "night" : "day"}`;
}

export const toneLabel: Record<StripTone, string> = {
  "int-day": "Interior, day", "ext-day": "Exterior, day", "int-night": "Interior, night", "ext-night": "Exterior, night",
};

/**
 * Background and edge of a strip, readable in both themes: pastel paper colours in the light theme, the same hues
 * translucent over the dark surface in the dark one (CSS `light-dark()`, Mantine sets `color-scheme`).
 */
export const toneStyle: Record<StripTone, { background: string; edge: string }> = {
  "int-day": { background: "light-dark(#ffffff, var(--mantine-color-dark-6))", edge: "light-dark(var(--mantine-color-gray-4), var(--mantine-color-gray-5))" },
  "ext-day": { background: "light-dark(#fff3a6, rgba(250, 200, 30, 0.22))", edge: "var(--mantine-color-yellow-6)" },
  "int-night": { background: "light-dark(#bfdcff, rgba(51, 154, 240, 0.26))", edge: "var(--mantine-color-blue-6)" },
  "ext-night": { background: "light-dark(#c3efc9, rgba(64, 192, 87, 0.24))", edge: "var(--mantine-color-green-7)" },
};

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-11-24" → "Tue 24 Nov" (the calendar date itself: no time zone shifts it). */
export function shortDate(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? "");
  if (!m) return iso ?? "";
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}

/** Pages and scenes of a day's scene strips (banners count for nothing). */
export function dayTotals(strips: readonly Strip[]): { eighths: number; scenes: number } {
  let total = 0;
  let scenes = 0;
  for (const s of strips) {
    if (s.kind !== "scene") continue;
    total += s.page_eighths ?? 0;
    scenes += 1;
  }
  return { eighths: total, scenes };
}

/** "Day 1 — Tue 24 Nov · Main Unit · 3 4/8 pgs · 4 scenes": the day break of the stripboard. */
export function dayHeader(day: Pick<ShootDay, "number" | "date" | "unit">, strips: readonly Strip[]): string {
  const t = dayTotals(strips);
  const parts = [`Day ${day.number} — ${shortDate(day.date)}`];
  if (day.unit) parts.push(day.unit);
  parts.push(pagesLabel(t.eighths), scenesLabel(t.scenes));
  return parts.join(" · ");
}

/** Days in shooting order: by date, then id (how the server numbers them). */
export function sortDays(days: readonly ShootDay[]): ShootDay[] {
  return [...days].sort((a, b) => a.date.localeCompare(b.date) || a.id - b.id);
}

/** The strips of each day, by position (then id, should two ever share one). Never relies on the list's order. */
export function stripsByDay(strips: readonly Strip[]): Map<Id, Strip[]> {
  const out = new Map<Id, Strip[]>();
  for (const s of dedupe(strips)) {
    const list = out.get(s.shoot_day);
    if (list) list.push(s);
    else out.set(s.shoot_day, [s]);
  }
  for (const list of out.values()) list.sort((a, b) => a.position - b.position || a.id - b.id);
  return out;
}

/** All strips by (day number, position): the order of the whole board. */
export function sortStrips(strips: readonly Strip[], days: readonly ShootDay[]): Strip[] {
  const number = new Map(days.map((d) => [d.id, d.number]));
  return dedupe(strips).sort((a, b) => (number.get(a.shoot_day) ?? Infinity) - (number.get(b.shoot_day) ?? Infinity)
    || a.position - b.position || a.id - b.id);
}

/**
 * A scene has at most one strip: while a new strip is saving, its optimistic copy (negative id) and the server's
 * (from the event) may both be in the cache for a moment; keep the server's.
 */
function dedupe(strips: readonly Strip[]): Strip[] {
  const real = new Set(strips.filter((s) => s.id > 0 && s.scene != null).map((s) => s.scene));
  return strips.filter((s) => s.id > 0 || s.scene == null || !real.has(s.scene));
}

/** The production's scenes that have no strip, in script order. */
export function unscheduledScenes(scenes: readonly Scene[], strips: readonly Strip[]): Scene[] {
  const scheduled = new Set(strips.map((s) => s.scene).filter((id): id is Id => id != null));
  return scenes.filter((s) => !scheduled.has(s.id)).sort((a, b) => a.script_order - b.script_order || a.id - b.id);
}

/** `list` with every strip of `day` given positions 0..n-1 in `ordered` order (others untouched). */
function renumber(all: Strip[], day: Id, ordered: Strip[]): Strip[] {
  const position = new Map(ordered.map((s, i) => [s.id, i]));
  return all.map((s) => (s.shoot_day === day && position.has(s.id) ? { ...s, position: position.get(s.id) ?? s.position } : s));
}

/**
 * The strips after moving `stripId` to `index` (0-based, in the destination day as it is without the strip) of
 * `toDay`: both days renumbered 0..n-1, as the server does on `POST /api/strips/{id}/move/`. An index past the end
 * appends. Unknown strip: the list unchanged.
 */
export function moveStrip(strips: readonly Strip[], stripId: Id, toDay: Id, index: number): Strip[] {
  const moving = strips.find((s) => s.id === stripId);
  if (!moving) return [...strips];
  const byDay = stripsByDay(strips.filter((s) => s.id !== stripId));
  const target = [...(byDay.get(toDay) ?? [])];
  const at = Math.max(0, Math.min(index, target.length));
  const moved = { ...moving, shoot_day: toDay, position: at };
  target.splice(at, 0, moved);
  let next = strips.map((s) => (s.id === stripId ? moved : s));
  next = renumber(next, toDay, target);
  if (moving.shoot_day !== toDay) next = renumber(next, moving.shoot_day, byDay.get(moving.shoot_day) ?? []);
  return next;
}

/** The strips with `strip` inserted at `index` of its day (the others of that day renumbered). */
export function insertStrip(strips: readonly Strip[], strip: Strip, index: number): Strip[] {
  const day = [...(stripsByDay(strips).get(strip.shoot_day) ?? [])];
  const at = Math.max(0, Math.min(index, day.length));
  const added = { ...strip, position: at };
  day.splice(at, 0, added);
  return renumber([...strips, added], strip.shoot_day, day);
}

/** The strips without `stripId`, its day renumbered (an unscheduled scene goes back to the pool). */
export function removeStrip(strips: readonly Strip[], stripId: Id): Strip[] {
  const gone = strips.find((s) => s.id === stripId);
  const rest = strips.filter((s) => s.id !== stripId);
  if (!gone) return rest;
  return renumber(rest, gone.shoot_day, stripsByDay(rest).get(gone.shoot_day) ?? []);
}

/**
 * A strip's React key: a scene's strip is keyed by its scene, so its component (and the focus in it) stays when the
 * server's id replaces the optimistic one (a scene has one strip at most); a banner by its id.
 */
export function stripKey(strip: Pick<Strip, "id" | "kind" | "scene">): string {
  return strip.kind === "scene" && strip.scene != null ? `scene:${strip.scene}` : `banner:${strip.id}`;
}

/**
 * Keys of the stripboard's controls for focus requests (dnd/useFocusRequest): a strip's menu or drag handle once the
 * strip shows on `day`, a pool scene's, a day's menu. A move to another day mounts the strip anew there.
 */
export const focusKey = {
  strip: (target: "menu" | "handle", strip: Pick<Strip, "id" | "kind" | "scene">, day: Id) => `${target}:${stripKey(strip)}@day:${day}`,
  pool: (target: "menu" | "handle", scene: Id) => `${target}:pool:scene:${scene}`,
  dayMenu: (day: Id) => `menu:day:${day}`,
};

// Drag and drop ids: what is dragged (a strip, or a scene of the pool) and where it is dropped.
export const dragId = { strip: (id: Id) => `strip:${id}`, scene: (id: Id) => `scene:${id}` };
export const dropId = {
  strip: (id: Id) => `on-strip:${id}`, dayStart: (id: Id) => `day-start:${id}`, dayEnd: (id: Id) => `day-end:${id}`, pool: "pool",
};

export type Dragged = { kind: "strip"; id: Id } | { kind: "scene"; id: Id };
export type DropTarget = { kind: "day"; day: Id; index: number } | { kind: "pool" };

export function parseDragId(id: string | number): Dragged | null {
  const m = /^(strip|scene):(-?\d+)$/.exec(String(id));
  return m ? { kind: m[1] as "strip" | "scene", id: Number(m[2]) } : null;
}

/**
 * Where a drop lands. On a strip: that strip's place (dragging down within a day lands after it, like a list
 * reorder; from elsewhere, before it). On a day's header: first; on a day's end slot: last. On the pool: unschedule.
 * Null when nothing would change or the target is unknown.
 */
export function resolveDrop(strips: readonly Strip[], dragged: Dragged, overId: string | number | null | undefined): DropTarget | null {
  if (overId == null) return null;
  const over = String(overId);
  const moving = dragged.kind === "strip" ? strips.find((s) => s.id === dragged.id) : undefined;
  if (dragged.kind === "strip" && !moving) return null;
  if (over === dropId.pool) return moving ? { kind: "pool" } : null;
  const byDay = stripsByDay(strips);
  const m = /^(on-strip|day-start|day-end):(-?\d+)$/.exec(over);
  if (!m) return null;
  const id = Number(m[2]);
  let target: DropTarget;
  if (m[1] === "on-strip") {
    const overStrip = strips.find((s) => s.id === id);
    if (!overStrip) return null;
    if (moving && overStrip.id === moving.id) return null;
    const list = byDay.get(overStrip.shoot_day) ?? [];
    const overIndex = list.findIndex((s) => s.id === overStrip.id);
    target = { kind: "day", day: overStrip.shoot_day, index: overIndex };
  } else {
    const list = (byDay.get(id) ?? []).filter((s) => s.id !== moving?.id);
    target = { kind: "day", day: id, index: m[1] === "day-start" ? 0 : list.length };
  }
  if (moving && target.kind === "day" && target.day === moving.shoot_day) {
    const current = (byDay.get(moving.shoot_day) ?? []).findIndex((s) => s.id === moving.id);
    if (current === target.index) return null;
  }
  return target;
}

/** "D" or "N" for the strip's day/night column (dusk and evening are night, as for the colour). */
export function dayNight(timeOfDay: string | null | undefined): "D" | "N" | "" {
  if (!timeOfDay) return "";
  return NIGHT.test(timeOfDay.toUpperCase()) ? "N" : "D";
}

/** Cast ids ("1, 3, 7") of the cast members whose characters are in each scene: what a pool strip shows. */
export function castIdsByScene(characters: readonly { scenes: Id[]; cast_member: Id | null }[], cast: readonly { id: Id; cast_id: number | null }[]): Map<Id, number[]> {
  const castId = new Map(cast.map((c) => [c.id, c.cast_id]));
  const out = new Map<Id, Set<number>>();
  for (const ch of characters) {
    const id = ch.cast_member != null ? castId.get(ch.cast_member) : null;
    if (id == null) continue;
    for (const scene of ch.scenes) {
      const set = out.get(scene) ?? new Set<number>();
      set.add(id);
      out.set(scene, set);
    }
  }
  return new Map([...out].map(([scene, ids]) => [scene, [...ids].sort((a, b) => a - b)]));
}
