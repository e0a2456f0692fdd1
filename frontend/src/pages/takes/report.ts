// A shoot day's daily reports (GET /api/shoot-days/{id}/report/, apps/callsheets/reports.py): their shape, the query,
// and what keeps them live — the production's event feed (kept by the realtime dispatch) shows every take, scene,
// shot, strip and shoot-day change, and the report is fetched again shortly after one.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { api } from "../../api/client";
import { useEvents } from "../../api/hooks";
import type { ShootDay } from "../../api/schedule";
import type { Id, Iso, TakeCamera, TakeSound, TimecodeRate } from "../../api/types";

export interface ReportTake {
  id: Id; scene: Id; scene_number: string; shot: Id; shot_number: string; number: number; recorded_at: Iso; sound: TakeSound;
  cameras: TakeCamera[]; camera_rolls: string; lens: string; sound_roll: string; timecode_in: string; timecode_out: string;
  timecode_rate: TimecodeRate; duration_frames: number | null; duration_s: number | null; circled: boolean; no_good: boolean; notes: string;
}
export interface ReportScene {
  scene: Id; number: string; slugline: string; page_eighths: number; scheduled: boolean; worked: boolean; status: string;
  /** Credited to this day: completed, and its last take was rolled on it. */ completed: boolean; takes: number; setups: number;
}
export interface RunningTotals { scenes_completed: number; page_eighths: number; setups: number; takes: number; duration_s: number; minutes: number }
export interface DayTotals extends RunningTotals {
  scheduled_scenes: number; scheduled_eighths: number; scenes_worked: number; completed_scenes: string[]; part_scenes: string[];
  circled: number; no_good: number; mos: number; wild_tracks: number; untimed_takes: number;
}
export interface DayReport {
  production: { id: Id; title: string; code: string; timecode_rate: TimecodeRate };
  shoot_day: { id: Id; number: number; date: string; unit: string; notes: string; day_count: number };
  /** When the day runs: from its call to the next call (ISO, local time of the server). */
  window: { start: string; end: string };
  takes: ReportTake[]; wild_tracks: ReportTake[]; scenes: ReportScene[];
  totals: DayTotals; previously: RunningTotals; to_date: RunningTotals;
  script: { scenes: number; page_eighths: number }; camera_rolls: string[]; sound_rolls: string[];
}

/** Query key: the production second, so a resync (refetchProduction) fetches it again. */
export const reportKey = (production: Id, day: Id) => ["day-report", production, day] as const;

export const reportFile = (day: Id, kind: "script" | "production", format: "csv" | "pdf") => `/api/shoot-days/${day}/report/${kind}.${format}`;

/** The entities whose events change a day's report. */
const FEEDS = new Set(["take", "scene", "shot", "strip", "shoot_day", "callsheet"]);
/** How long to gather events before fetching the report again (a strip move sends one event per strip). */
export const REFETCH_DELAY_MS = 300;

/** The day's report, fetched again after each take, scene, shot, strip, shoot-day or call-sheet event of the production. */
export function useDayReport(production: Id, day: Id | null) {
  const qc = useQueryClient();
  const report = useQuery({
    queryKey: reportKey(production, day ?? 0), enabled: day != null,
    queryFn: () => api<DayReport>(`/api/shoot-days/${day}/report/`),
  });
  const events = useEvents(production);
  const newest = events.data?.find((e) => FEEDS.has(e.entity))?.id ?? null;
  const seen = useRef<number | null>(null);
  useEffect(() => {
    if (newest == null || day == null) return;
    if (seen.current === null) { seen.current = newest; return; }
    if (newest === seen.current) return;
    seen.current = newest;
    const timer = setTimeout(() => void qc.invalidateQueries({ queryKey: reportKey(production, day) }), REFETCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [newest, production, day, qc]);
  return report;
}

/** The day a report opens on: today's shoot day, else the latest one before today, else the first. */
export function defaultDay(days: readonly Pick<ShootDay, "id" | "date">[], today: string): Id | null {
  const ordered = [...days].sort((a, b) => a.date.localeCompare(b.date) || a.id - b.id);
  const past = ordered.filter((d) => d.date <= today);
  return (past[past.length - 1] ?? ordered[0])?.id ?? null;
}

/** Today's calendar date where the browser is ("2026-11-24"). */
export function localToday(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}
