// Display helpers in the trade's units.

/** Page eighths as the trade writes them: 11 → "1 3/8", 8 → "1", 3 → "3/8", 0 → "0". */
export function eighths(n: number): string {
  const pages = Math.floor(n / 8);
  const rest = n % 8;
  if (!pages && !rest) return "0";
  return [pages ? String(pages) : "", rest ? `${rest}/8` : ""].filter(Boolean).join(" ");
}

/** Page count for people: "5/8 pg", "1 pg", "1 3/8 pgs" (one page or less is singular). */
export function pagesLabel(n: number): string {
  return `${eighths(n)} ${n > 8 ? "pgs" : "pg"}`;
}

/** "1 scene", "3 scenes". */
export function scenesLabel(n: number): string {
  return `${n} ${n === 1 ? "scene" : "scenes"}`;
}

export const statusLabel: Record<string, string> = {
  not_started: "Not started", in_progress: "In progress", completed: "Completed", on_hold: "On hold",
};
export const statusColor: Record<string, string> = {
  not_started: "gray", in_progress: "blue", completed: "green", on_hold: "orange",
  pending: "gray", running: "blue", succeeded: "green", failed: "red", cancelled: "dark",
};

export function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} bytes`;
}

export function seconds(s: number | null): string {
  if (s == null) return "—";
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}
