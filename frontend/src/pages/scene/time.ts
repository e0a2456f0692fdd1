// Times as people on set read them: "just now", "5 min ago", "14:32", "20 Nov, 14:32" (in the user's zone: time/zone.ts).
import { inZone, sameDay } from "../../time/zone";

export function when(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (Number.isNaN(seconds)) return "";
  if (seconds < 45) return "just now";
  if (seconds < 45 * 60) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  const time = then.toLocaleTimeString(undefined, inZone({ hour: "2-digit", minute: "2-digit" }));
  if (sameDay(then, now)) return time;
  const year = (d: Date) => d.toLocaleDateString("en-CA", inZone({ year: "numeric" }));
  const sameYear = year(then) === year(now);
  return `${then.toLocaleDateString(undefined, inZone({ day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" as const }) }))}, ${time}`;
}
