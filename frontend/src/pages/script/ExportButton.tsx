// Download a version as Fountain, Final Draft or PDF. A big version's export is made by a job first: its progress shows in the button, then the file comes.
import { ActionIcon, RingProgress, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState, type ReactNode } from "react";
import { ApiError } from "../../api/client";
import { downloadOrJob } from "../../api/renders";
import type { Id, Job } from "../../api/types";
import { isActiveJob, percent } from "../media/format";
import { renderLabel, saveFile, useLiveJob, useSeedJob } from "./jobs";

export function ExportButton({ production, url, filename, label, testId, children }: {
  production: Id; url: string; filename: string; label: string; testId: string; children: ReactNode;
}) {
  const seed = useSeedJob(production);
  const [answered, setAnswered] = useState<Job | null>(null);
  const [busy, setBusy] = useState(false);
  const job = useLiveJob(production, answered);

  async function fetchIt() {
    setBusy(true);
    try {
      const answer = await downloadOrJob(url, filename);
      if (answer.kind === "ready") {
        setAnswered(null);
        saveFile(answer.value);
      } else {
        seed(answer.job);
        setAnswered(answer.job);
      }
    } catch (e) {
      notifications.show({ color: "red", title: `${label} failed`, message: e instanceof ApiError ? e.message : "The server could not be reached. Try again." });
    } finally {
      setBusy(false);
    }
  }

  // The job that makes the file ended: fetch the file (now kept on the server), or say why it failed.
  const status = job?.status;
  useEffect(() => {
    if (!job || isActiveJob(job)) return;
    setAnswered(null);
    if (job.status === "succeeded") void fetchIt();
    else notifications.show({ color: "red", title: `${label} failed`, message: job.error || `The job was ${job.status}.` });
  }, [status]); // eslint-disable-line react-hooks/exhaustive-deps -- once per end of the job

  const working = job != null && isActiveJob(job);
  return (
    <Tooltip label={working ? `${renderLabel(job)}… ${percent(job.progress)}%` : label}>
      <ActionIcon variant="subtle" color="gray" aria-label={label} onClick={() => void fetchIt()} loading={busy && !working} disabled={working}
        data-testid={testId} data-job={job?.id} data-job-status={job?.status}>
        {working ? <RingProgress size={22} thickness={3} sections={[{ value: percent(job.progress), color: "blue" }]} /> : children}
      </ActionIcon>
    </Tooltip>
  );
}
