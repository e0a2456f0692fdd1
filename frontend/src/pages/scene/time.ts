// Times as people on set read them: "just now", "5 min ago", "14:32", "20 Nov, 14:32".

export function when(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (Number.isNaN(seconds)) return "";
  if (seconds < 45) return "just now";
  if (seconds < 45 * 60) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  const time = then.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (then.toDateString() === now.toDateString()) return time;
  const sameYear = then.getFullYear() === now.getFullYear();
  return `${then.toLocaleDateString(undefined, { day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" }) })}, ${time}`;
}
