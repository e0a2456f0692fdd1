// Pure helpers of the screenplay page: reading a scene's unified diff, naming statuses and version changes.
import type { DiffStatus, ScriptChanges, ScriptDiff, ScriptDiffScene, ScriptVersion, ScriptVersionSource } from "../../api/types";

export type LineKind = "added" | "removed" | "context" | "hunk";
export interface DiffLine { kind: LineKind; text: string }

/** One line of a scene's unified diff: "+new" added, "-gone" removed, "@@ …" a hunk header, " kept" (or anything else) context. */
export function classifyLine(line: string): DiffLine {
  if (line.startsWith("@@")) return { kind: "hunk", text: line };
  if (line.startsWith("+")) return { kind: "added", text: line.slice(1) };
  if (line.startsWith("-")) return { kind: "removed", text: line.slice(1) };
  return { kind: "context", text: line.startsWith(" ") ? line.slice(1) : line };
}

/** The sign shown in the gutter of a diff line. */
export const lineSign: Record<LineKind, string> = { added: "+", removed: "−", context: " ", hunk: "" };

export const diffStatusColor: Record<DiffStatus, string> = { added: "green", removed: "red", changed: "yellow", moved: "blue", unchanged: "gray" };
export const diffStatusLabel: Record<DiffStatus, string> = { added: "Added", removed: "Removed", changed: "Changed", moved: "Moved", unchanged: "Unchanged" };
export const DIFF_STATUSES: DiffStatus[] = ["added", "removed", "changed", "moved", "unchanged"];

/** The scenes to show: all of them, or only those that differ (changed, added, removed, moved). */
export function visibleScenes(diff: Pick<ScriptDiff, "scenes">, showUnchanged: boolean): ScriptDiffScene[] {
  return showUnchanged ? diff.scenes : diff.scenes.filter((s) => s.status !== "unchanged" || s.moved);
}

/** How many lines a scene gained and lost. */
export function lineCounts(lines: string[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    const { kind } = classifyLine(line);
    if (kind === "added") added += 1;
    else if (kind === "removed") removed += 1;
  }
  return { added, removed };
}

export const sourceLabel: Record<ScriptVersionSource, string> = { upload: "Upload", edit: "Edit", generation: "AI" };
export const sourceColor: Record<ScriptVersionSource, string> = { upload: "gray", edit: "blue", generation: "grape" };

/** A version's changes against its parent in words: "2 added · 1 changed"; "" when it has none (or is the first). */
export function changesText(changes: Partial<ScriptChanges> | null | undefined): string {
  if (!changes) return "";
  return (["added", "removed", "changed", "moved"] as const)
    .filter((k) => (changes[k] ?? 0) > 0)
    .map((k) => `${changes[k]} ${k}`)
    .join(" · ");
}

/** The latest version (highest number) of a list, or null. */
export function latestVersion<T extends Pick<ScriptVersion, "number">>(versions: readonly T[] | undefined): T | null {
  if (!versions?.length) return null;
  return versions.reduce((a, b) => (b.number > a.number ? b : a));
}

/**
 * The pair a diff opens on: the `to` asked for (else the latest) against the `from` asked for (else the one before `to`, 0 = empty).
 * Null when there are no versions.
 */
export function defaultDiffPair(numbers: readonly number[], from?: number | null, to?: number | null): { from: number; to: number } | null {
  if (!numbers.length) return null;
  const sorted = [...numbers].sort((a, b) => a - b);
  const last = sorted[sorted.length - 1] ?? 0;
  const toN = to != null && sorted.includes(to) ? to : last;
  const before = sorted.filter((n) => n < toN);
  const fromN = from != null && (from === 0 || sorted.includes(from)) ? from : (before[before.length - 1] ?? 0);
  return { from: fromN, to: toN };
}
