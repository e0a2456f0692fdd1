// The operations page's data (`GET /api/operations/`, apps/jobs/api.py) and the retry of a failed job, shared with the Jobs page.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "./client";
import { post } from "./hooks";
import { keys } from "./keys";
import type { Id, Job, Production, Role } from "./types";

/** One worker's heartbeat: `worker` is "host:pid", `last_seen_s` seconds since its last beat, `alive` when that is at most `worker_stale_s`. */
export interface WorkerBeat { worker: string; last_seen_s: number; alive: boolean }
/** A managed production's jobs by status. */
export interface ProductionJobCounts { id: Id; title: string; pending: number; running: number; failed: number }
/** A failed job with its production's title. */
export type OperationsFailedJob = Job & { production_title: string };
/**
 * `GET /api/operations/` (owners and producers; 403 for anyone else). `queue_depth` is null and `errors` says why when
 * Redis did not answer; `failed` holds the newest 100 failed jobs of the productions the user manages.
 */
export interface Operations {
  workers: WorkerBeat[]; worker_stale_s: number; queue_depth: number | null; errors: string[];
  productions: ProductionJobCounts[]; failed: OperationsFailedJob[];
}

/** How often the operations page asks again, in milliseconds (worker heartbeats are a few seconds apart). */
export const OPERATIONS_REFRESH_MS = 5_000;

/** Roles that run a production (apps.productions MANAGER_ROLES): they see the operations page. */
export const MANAGER_ROLES: readonly Role[] = ["owner", "producer"];

/** Whether the user manages at least one of `productions` (their `my_role`), so the operations page is theirs. */
export function managesAny(productions: Pick<Production, "my_role">[] | undefined): boolean {
  return !!productions?.some((p) => p.my_role != null && MANAGER_ROLES.includes(p.my_role));
}

/** "just now", "12 s ago", "3 min ago", "2 h ago": the age of a heartbeat given in seconds. */
export function agoLabel(seconds: number): string {
  if (!(seconds >= 1)) return "just now";
  if (seconds < 90) return `${Math.round(seconds)} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

export function useOperations() {
  return useQuery({
    queryKey: keys.operations,
    queryFn: () => api<Operations>("/api/operations/"),
    refetchInterval: OPERATIONS_REFRESH_MS,
    // A 403 (the user manages nothing) stays a 403: no retries.
    retry: (n, e) => !(e instanceof ApiError && e.status === 403) && n < 2,
  });
}

/** `failed` without `job` and its production's counts moved from failed to pending: what the page shows while it asks again. */
export function withoutRetried(data: Operations | undefined, job: Pick<Job, "id" | "production">): Operations | undefined {
  if (!data || !data.failed.some((j) => j.id === job.id)) return data;
  return {
    ...data,
    failed: data.failed.filter((j) => j.id !== job.id),
    productions: data.productions.map((p) => (p.id === job.production ? { ...p, failed: Math.max(0, p.failed - 1), pending: p.pending + 1 } : p)),
  };
}

/**
 * Run a failed job again (`POST /api/jobs/{id}/retry/`): the answer (the job, pending) goes into the production's job
 * list and the operations overview, which is then fetched again; `onRetried` is told first. A refusal (400 `not_retryable` with the reason,
 * 403 for a viewer) is the mutation's `error`, an `ApiError`.
 */
export function useRetryJob(job: Pick<Job, "id" | "production">, onRetried?: (saved: Job) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post<Job>(`/api/jobs/${job.id}/retry/`, {}),
    onSuccess: (saved) => {
      onRetried?.(saved); // before the cache drops the job from the operations list (and its row unmounts)
      qc.setQueryData<Job[]>(keys.jobs(saved.production), (old) => old?.map((j) => (j.id === saved.id ? saved : j)));
      qc.setQueryData<Operations>(keys.operations, (old) => withoutRetried(old, saved));
      void qc.invalidateQueries({ queryKey: keys.operations });
    },
  });
}

/** What a refused retry says: the server's reason, or a sentence for a lost connection. */
export function retryRefusal(error: unknown): string {
  if (error instanceof ApiError && error.status === 403) return error.message || "Viewers cannot retry jobs.";
  if (error instanceof ApiError && error.message) return error.message;
  return "The job could not be retried: the server did not answer. Try again.";
}
