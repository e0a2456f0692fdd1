// The screenplay's long work runs in jobs: saving an edit (script.edit), a diff or an export of a big version (script.render).
// A request answers 202 with the job; the job's progress arrives live in the ['jobs', production] cache; then the result is asked for again.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useJobs } from "../../api/hooks";
import type { Download } from "../../api/renders";
import type { Id, Job } from "../../api/types";
import { seedJob } from "../media/cache";

export const SCRIPT_JOB_LABEL: Record<string, string> = {
  "script.edit": "Saving the edit",
  "script.render": "Preparing",
  "script.import": "Screenplay import",
};

/** What a render job makes, in words: "the PDF", "the Fountain file", "the diff". */
export function renderLabel(job: Pick<Job, "params">): string {
  const what = job.params.render;
  return what === "pdf" ? "Preparing the PDF" : what === "fountain" ? "Preparing the Fountain file" : what === "fdx" ? "Preparing the Final Draft file"
    : what === "diff" ? "Comparing the versions"
    : what === "revision" || what === "revised" ? "Preparing the revision pages" : "Preparing";
}

/** Hand a downloaded file to the browser as if its link had been clicked. */
export function saveFile({ blob, filename }: Download): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The job as it is now: from the production's live job list (events keep it current), else as it was answered. */
export function useLiveJob(production: Id, job: Job | null): Job | null {
  const jobs = useJobs(production).data;
  if (!job) return null;
  return jobs?.find((j) => j.id === job.id) ?? job;
}

/** `seed(job)`: put a job a request answered into the production's live job list (see `useLiveJob`). */
export function useSeedJob(production: Id): (job: Job) => void {
  const qc = useQueryClient();
  return useCallback((job: Job) => seedJob(qc, production, job), [qc, production]);
}

/** What a finished `script.edit` job means for the editor: saved (the new version's number), a conflict (a newer version exists), or an error. */
export type EditOutcome = { kind: "saved"; number: number; versionId: Id } | { kind: "conflict" } | { kind: "failed"; error: string } | { kind: "running" };

export function editOutcome(job: Pick<Job, "status" | "result" | "error">, base: Id | null, latestId: Id | null): EditOutcome {
  if (job.status === "pending" || job.status === "running") return { kind: "running" };
  if (job.status === "succeeded" && typeof job.result.version === "number" && typeof job.result.script_version_id === "number") {
    return { kind: "saved", number: job.result.version, versionId: job.result.script_version_id };
  }
  // The job checks the parent again when it saves: a version added meanwhile fails it. The versions list says whether that happened.
  if (base != null && latestId != null && latestId !== base) return { kind: "conflict" };
  return { kind: "failed", error: job.error || (job.status === "cancelled" ? "The save was cancelled; your text is kept as a draft." : "The save failed; your text is kept as a draft.") };
}
