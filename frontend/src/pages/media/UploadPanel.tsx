// The dailies drop zone: many files at once (clips, stills, card ZIPs), each a resumable tus upload with its progress,
// speed, pause/resume/cancel; uploads a reload interrupted are listed so that choosing the file again resumes them.
import { ActionIcon, Alert, Anchor, Badge, Button, Card, Group, Progress, Stack, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconFileZip, IconMovie, IconPlayerPause, IconPlayerPlay, IconTrash, IconUpload, IconX } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type DragEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import { useJobs } from "../../api/hooks";
import type { Id, Job, MediaAsset, UploadInfo } from "../../api/types";
import { bytes } from "../../format";
import { seedAsset, seedJob } from "./cache";
import { etaLabel, percent, speedLabel } from "./format";
import { JobProgress } from "./JobProgress";
import { discardUpload, unfinishedUploads } from "./tus";
import { cancelUpload, dismissUpload, enqueueUploads, pauseUpload, resumeUpload, useUploads, useUploadsBusy, type UploadItem } from "./uploadQueue";
import { checkUploadSize, limitLabel, MAX_MEDIA_UPLOAD_BYTES } from "./uploads";

/** Clips, stills and camera-card ZIPs. */
export const DAILIES_ACCEPT = "video/*,image/*,.mov,.mxf,.mkv,.zip,application/zip";

const stateColor: Record<UploadItem["state"], string> = { queued: "gray", uploading: "blue", paused: "yellow", done: "green", failed: "red" };
const stateLabel: Record<UploadItem["state"], string> = { queued: "waiting", uploading: "sending", paused: "paused", done: "sent", failed: "stopped" };

export function UploadPanel({ production, disabled }: { production: Id; disabled: boolean }) {
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [refused, setRefused] = useState<string[]>([]);
  const items = useUploads(production);
  const busy = useUploadsBusy();
  const previous = useQuery({ queryKey: ["unfinished-uploads", production], queryFn: () => unfinishedUploads(production) });
  // What is being sent right now is not "interrupted".
  const interrupted = (previous.data ?? []).filter((p) => !items.some((i) => i.name === p.metadata.filename && i.state !== "done"));

  // Closing the tab pauses the uploads (they resume when the files are chosen again): say so first.
  useEffect(() => {
    if (!busy) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [busy]);

  async function finished(item: UploadItem) {
    void qc.invalidateQueries({ queryKey: ["unfinished-uploads", production] });
    const { asset, job } = item.outcome ?? { asset: null, job: null };
    if (asset != null) {
      const made = await api<MediaAsset>(`/api/media/${asset}/`).catch(() => null);
      if (made) seedAsset(qc, production, made);
    }
    const jobId = job ?? null;
    if (jobId) {
      const made = await api<Job>(`/api/jobs/${jobId}/`).catch(() => null);
      if (made) seedJob(qc, production, made);
    }
    notifications.show({
      color: "green", title: item.kind === "zip" ? "Card offload sent" : "Uploaded",
      message: item.kind === "zip" ? `${item.name}: Slate is unpacking it; each clip gets its own job.` : `${item.name}: Slate is making its poster frame and proxy.`,
    });
  }

  function choose(files: FileList | File[] | null) {
    const list = [...(files ?? [])];
    if (input.current) input.current.value = ""; // the same file can be chosen again
    if (!list.length || disabled) return;
    const why = list.map((f) => checkUploadSize(f, MAX_MEDIA_UPLOAD_BYTES, "file")).filter((w): w is string => !!w);
    setRefused(why);
    const ok = list.filter((f) => !checkUploadSize(f, MAX_MEDIA_UPLOAD_BYTES, "file"));
    if (ok.length) enqueueUploads(ok, production, { onDone: (item) => void finished(item) });
  }

  function drop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    choose(e.dataTransfer.files);
  }

  return (
    <Card withBorder data-testid="dailies-dropzone" onDrop={drop}
      onDragOver={(e) => { e.preventDefault(); if (!disabled) setDragging(true); }} onDragLeave={() => setDragging(false)}
      style={{ borderStyle: "dashed", borderWidth: 2, borderColor: dragging ? "var(--mantine-color-yellow-5)" : undefined }}>
      <input ref={input} type="file" multiple accept={DAILIES_ACCEPT} data-testid="dailies-upload" hidden onChange={(e) => choose(e.currentTarget.files)} />
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm" wrap="nowrap">
          <IconMovie size={32} stroke={1.5} />
          <div>
            <Text fw={600}>Upload dailies</Text>
            <Text size="sm" c="dimmed">
              {disabled ? "Viewers can watch dailies but not upload them."
                : `Drop clips, stills or a camera-card ZIP here — up to ${limitLabel(MAX_MEDIA_UPLOAD_BYTES)} each. A broken connection resumes where it stopped.`}
            </Text>
          </div>
        </Group>
        <Button leftSection={<IconUpload size={18} />} onClick={() => input.current?.click()} disabled={disabled} h={44} data-testid="dailies-upload-button">
          Choose files
        </Button>
      </Group>

      {refused.length > 0 && (
        <Alert mt="md" color="red" title="Not uploaded" data-testid="upload-refused" withCloseButton onClose={() => setRefused([])}>
          {refused.map((r) => <Text key={r} size="sm">{r}</Text>)}
        </Alert>
      )}

      {interrupted.length > 0 && !disabled && (
        <Stack gap={6} mt="md" data-testid="interrupted-uploads">
          <Text size="sm" fw={600}>Interrupted uploads — choose the same file again to resume where it stopped</Text>
          {interrupted.map((p) => (
            <InterruptedUpload key={p.urlStorageKey} url={p.uploadUrl ?? ""} name={p.metadata.filename ?? "file"} size={p.size ?? 0}
              onResume={() => input.current?.click()}
              onDiscard={async () => { await discardUpload(p); void previous.refetch(); }} />
          ))}
        </Stack>
      )}

      {items.length > 0 && (
        <Stack gap="sm" mt="md" data-testid="upload-list">
          {items.map((item) => <UploadRow key={item.key} production={production} item={item} />)}
        </Stack>
      )}
    </Card>
  );
}

function InterruptedUpload({ url, name, size, onResume, onDiscard }: { url: string; name: string; size: number; onResume: () => void; onDiscard: () => Promise<void> }) {
  const info = useQuery({ queryKey: ["upload-info", url], queryFn: () => api<UploadInfo>(url), retry: false, enabled: !!url });
  const sent = info.data ? info.data.offset / Math.max(1, info.data.length) : null;
  return (
    <Group justify="space-between" wrap="nowrap" data-testid="interrupted-upload" data-name={name}>
      <Text size="sm" truncate style={{ flex: 1, minWidth: 0 }}>
        {name} · {bytes(size)}{sent != null ? ` · ${percent(sent)}% on the server` : info.isError ? " · no longer on the server" : ""}
      </Text>
      <Group gap={4} wrap="nowrap">
        <Button variant="light" size="compact-md" h={44} onClick={onResume}>Choose file</Button>
        <Tooltip label="Discard: delete what was sent">
          <ActionIcon variant="subtle" color="red" size={44} aria-label={`Discard ${name}`} onClick={() => void onDiscard()}><IconTrash size={18} /></ActionIcon>
        </Tooltip>
      </Group>
    </Group>
  );
}

function UploadRow({ production, item }: { production: Id; item: UploadItem }) {
  const fraction = item.size ? item.sent / item.size : 0;
  const jobs = useJobs(production);
  const job = item.outcome?.job ? jobs.data?.find((j) => j.id === item.outcome?.job) : undefined;
  const detail = item.state === "uploading"
    ? [speedLabel(item.speed), etaLabel(item.size - item.sent, item.speed)].filter(Boolean).join(" · ") || "starting…"
    : item.state === "done" ? (item.kind === "zip" ? "unpacking on the server" : "processing on the server") : stateLabel[item.state];
  return (
    <Stack gap={4} data-testid="upload-item" data-name={item.name} data-state={item.state} data-progress={fraction.toFixed(4)}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap={6} wrap="nowrap" style={{ flex: 1, minWidth: 0 }}>
          {item.kind === "zip" ? <IconFileZip size={18} /> : <IconMovie size={18} />}
          <Text size="sm" fw={500} truncate title={item.name}>{item.name}</Text>
          <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>{bytes(item.size)}</Text>
        </Group>
        <Group gap={4} wrap="nowrap">
          <Badge color={stateColor[item.state]} variant="light" data-testid="upload-state">{stateLabel[item.state]}</Badge>
          {(item.state === "uploading" || item.state === "queued") && (
            <ActionIcon variant="subtle" size={44} aria-label={`Pause ${item.name}`} onClick={() => pauseUpload(item.key)} data-testid="upload-pause"><IconPlayerPause size={18} /></ActionIcon>
          )}
          {(item.state === "paused" || item.state === "failed") && (
            <ActionIcon variant="subtle" size={44} aria-label={`Resume ${item.name}`} onClick={() => resumeUpload(item.key)} data-testid="upload-resume"><IconPlayerPlay size={18} /></ActionIcon>
          )}
          {item.state !== "done" ? (
            <ActionIcon variant="subtle" color="red" size={44} aria-label={`Cancel ${item.name}`} onClick={() => cancelUpload(item.key)} data-testid="upload-cancel"><IconX size={18} /></ActionIcon>
          ) : (
            <ActionIcon variant="subtle" color="gray" size={44} aria-label={`Dismiss ${item.name}`} onClick={() => dismissUpload(item.key)}><IconX size={18} /></ActionIcon>
          )}
        </Group>
      </Group>
      <Progress data-testid="upload-progress" data-progress={fraction} value={percent(fraction)} color={stateColor[item.state]}
        striped={item.state === "uploading"} animated={item.state === "uploading"} aria-label={`Uploading ${item.name}`} />
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed">
          {percent(fraction)}% · {bytes(item.sent)} of {bytes(item.size)}{item.resumedAt ? ` · resumed at ${percent(item.resumedAt / Math.max(1, item.size))}%` : ""}
        </Text>
        <Text size="xs" c="dimmed" data-testid="upload-speed">{detail}</Text>
      </Group>
      {item.error && <Text size="sm" c="red" data-testid="upload-error">{item.error}</Text>}
      {item.outcome?.asset != null && (
        <Anchor component={Link} to={`/productions/${production}/dailies/${item.outcome.asset}`} size="sm" data-testid="upload-asset-link">Open the daily</Anchor>
      )}
      {job && <JobProgress job={job} testId="ingest-job-progress" label="Card offload" compact />}
    </Stack>
  );
}
