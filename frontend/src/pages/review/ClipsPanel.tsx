// Clips of an asset: render the I/O range as its own MP4 (a job), and the list with status and download links, live.
import { ActionIcon, Alert, Anchor, Badge, Button, Card, Group, Stack, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload, IconScissors, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../../api/client";
import { del, post, useClips, useJobs } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Clip, Id, Job } from "../../api/types";
import { bytes } from "../../format";
import { seedJob } from "../media/cache";
import { isActiveJob, percent, renditionStatusColor } from "../media/format";
import { putInList } from "../scene/cache";
import { timecodeOf, type FrameClock } from "./playback";
import type { Marks } from "./useFramePlayer";

export function ClipsPanel({ production, assetId, clock, marks, canWrite }: { production: Id; assetId: Id; clock: FrameClock | null; marks: Marks; canWrite: boolean }) {
  const qc = useQueryClient();
  const clips = useClips(assetId);
  const jobs = useJobs(production).data;
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = marks.in != null && marks.out != null && marks.out >= marks.in;

  async function create() {
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      // Marks are inclusive; the API's `out` is exclusive.
      const made = await post<Omit<Clip, "job"> & { job: Job | null }>(`/api/media/${assetId}/clips/`, { in: marks.in, out: marks.out! + 1, ...(name.trim() ? { name: name.trim() } : {}) });
      if (made.job) seedJob(qc, production, made.job);
      putInList(qc, keys.clips(assetId), { ...made, job: made.job?.id ?? null }, (c) => -Date.parse(c.created_at));
      setName("");
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  async function remove(clip: Clip) {
    try {
      await del(`/api/clips/${clip.id}/`);
      qc.setQueryData<Clip[]>(keys.clips(assetId), (old) => old?.filter((c) => c.id !== clip.id));
    } catch (e) {
      notifications.show({ color: "red", title: "Not deleted", message: e instanceof ApiError ? e.message : "The server could not be reached." });
    }
  }

  return (
    <Card withBorder data-testid="clips">
      <Title order={2} size="h4" mb="xs">Clips</Title>
      {canWrite && (
        <Group align="flex-end" gap="xs" wrap="wrap">
          <TextInput label="Name (optional)" value={name} onChange={(e) => setName(e.currentTarget.value)} placeholder="e.g. Hero reaction" style={{ flex: 1, minWidth: 160 }} />
          <Tooltip label="Mark In and Out first (I / O)" disabled={ready}>
            <Button leftSection={<IconScissors size={18} />} h={44} onClick={() => void create()} loading={busy} disabled={!ready} data-testid="clip-create">
              {ready && clock ? `Clip ${timecodeOf(marks.in!, clock)} – ${timecodeOf(marks.out!, clock)}` : "Clip the marked range"}
            </Button>
          </Tooltip>
        </Group>
      )}
      {error && <Alert color="red" mt="xs" data-testid="clip-error">{error}</Alert>}
      <Stack gap="xs" mt="sm">
        {clips.data?.length === 0 && <Text size="sm" c="dimmed">No clips yet.</Text>}
        {clips.data?.map((clip) => {
          const job = clip.job ? jobs?.find((j) => j.id === clip.job) : undefined;
          return (
            <Group key={clip.id} justify="space-between" wrap="nowrap" data-testid="clip-row" data-clip-id={clip.id} data-status={clip.status}>
              <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                <Text size="sm" fw={500} truncate>{clip.name || "Clip"}</Text>
                <Text size="xs" c="dimmed" ff="monospace">{clip.in_timecode} – {clip.out_timecode} · {clip.duration_frames} frames{clip.size_bytes ? ` · ${bytes(clip.size_bytes)}` : ""}</Text>
                {clip.status === "failed" && <Text size="xs" c="red">{clip.error || "Rendering failed."}</Text>}
              </Stack>
              <Tooltip label={clip.error} disabled={!clip.error}>
                <Badge color={renditionStatusColor[clip.status]} variant="light">
                  {job && isActiveJob(job) ? `${percent(job.progress)}%` : clip.status}
                </Badge>
              </Tooltip>
              {clip.url && (
                <ActionIcon component="a" href={clip.url} download size={44} variant="subtle" aria-label={`Download ${clip.name || "clip"}`} data-testid="clip-download">
                  <IconDownload size={18} />
                </ActionIcon>
              )}
              {canWrite && <ActionIcon size={44} variant="subtle" color="red" aria-label="Delete clip" onClick={() => void remove(clip)}><IconTrash size={18} /></ActionIcon>}
            </Group>
          );
        })}
      </Stack>
      {clips.data && clips.data.some((c) => c.url) && <Anchor size="xs" c="dimmed" mt="xs">Clips are H.264 MP4 cut from the original.</Anchor>}
    </Card>
  );
}
