import { Alert, AspectRatio, Badge, Box, Button, Card, Center, CloseButton, Group, Image, Progress, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconMovie, IconUpload } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type DragEvent } from "react";
import { Link } from "react-router-dom";
import { upload } from "../api/client";
import { useJobs, useMedia, useProduction } from "../api/hooks";
import type { Id, Job, MediaAsset } from "../api/types";
import { bytes, seconds } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import { seedAsset, seedJob } from "./media/cache";
import { codecs, isActiveJob, mediaStatusColor, percent, renditionOf, resolution } from "./media/format";
import { checkUploadSize, limitLabel, MAX_MEDIA_UPLOAD_BYTES, MEDIA_ACCEPT, uploadErrorMessage } from "./media/uploads";

interface Sending { name: string; size: number; progress: number }

/** Dailies: upload camera clips and watch Slate make their poster frames and web proxies, live. */
export function Dailies() {
  const id = useProductionId();
  const production = useProduction(id).data;
  const media = useMedia(id);
  const jobs = useJobs(id).data;
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [sending, setSending] = useState<Sending | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const viewer = production?.my_role === "viewer";

  // A big clip takes minutes to send: warn before the tab is closed in the middle of it.
  useEffect(() => {
    if (!sending) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [sending]);

  async function send(file: File) {
    setError(null);
    const refused = checkUploadSize(file, MAX_MEDIA_UPLOAD_BYTES, "clip");
    if (refused) { setError(refused); return; }
    const form = new FormData();
    form.append("production", String(id));
    form.append("file", file);
    setSending({ name: file.name, size: file.size, progress: 0 });
    try {
      const body = await upload<Omit<MediaAsset, "job"> & { job: Job }>("/api/media/", form,
        (progress) => setSending((s) => (s ? { ...s, progress } : s)));
      seedJob(qc, id, body.job);
      seedAsset(qc, id, { ...body, job: body.job.id });
      notifications.show({ color: "green", title: "Clip uploaded", message: `${body.original_name}: Slate is making its poster frame and proxy.` });
    } catch (e) {
      setError(uploadErrorMessage(e));
    } finally {
      setSending(null);
    }
  }

  function choose(files: FileList | null) {
    const file = files?.[0];
    if (file && !sending) void send(file);
    if (input.current) input.current.value = ""; // the same file can be chosen again
  }

  function drop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (!viewer) choose(e.dataTransfer.files);
  }

  const assets = media.data ?? [];
  const jobById = new Map((jobs ?? []).map((j) => [j.id, j]));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Dailies</Title>
        <Text c="dimmed" size="sm">{assets.length} clip{assets.length === 1 ? "" : "s"}</Text>
      </Group>

      <Card withBorder data-testid="dailies-dropzone" onDrop={drop}
        onDragOver={(e) => { e.preventDefault(); if (!viewer) setDragging(true); }} onDragLeave={() => setDragging(false)}
        style={{ borderStyle: "dashed", borderWidth: 2, borderColor: dragging ? "var(--mantine-color-yellow-5)" : undefined }}>
        <input ref={input} type="file" accept={MEDIA_ACCEPT} data-testid="dailies-upload" hidden
          onChange={(e) => choose(e.currentTarget.files)} />
        <Group justify="space-between" wrap="wrap">
          <Group gap="sm" wrap="nowrap">
            <IconMovie size={32} stroke={1.5} />
            <div>
              <Text fw={600}>Upload a clip</Text>
              <Text size="sm" c="dimmed">
                {viewer ? "Viewers can watch dailies but not upload them." : `Drop a camera file here or choose one: MOV, MP4, MXF, MKV… up to ${limitLabel(MAX_MEDIA_UPLOAD_BYTES)}.`}
              </Text>
            </div>
          </Group>
          <Button leftSection={<IconUpload size={18} />} onClick={() => input.current?.click()} loading={!!sending} disabled={viewer}
            data-testid="dailies-upload-button">
            Choose a clip
          </Button>
        </Group>
        {sending && (
          <Stack gap={4} mt="md">
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm" truncate>{sending.name} · {bytes(sending.size)}</Text>
              <Text size="sm" c="dimmed">{sending.progress < 1 ? `${percent(sending.progress)}%` : "Checking the clip…"}</Text>
            </Group>
            <Progress data-testid="upload-progress" data-progress={sending.progress} value={percent(sending.progress)}
              striped animated={sending.progress >= 1} aria-label={`Uploading ${sending.name}`} />
          </Stack>
        )}
        {error && (
          <Alert mt="md" color="red" icon={<IconAlertTriangle size={18} />} title="Not uploaded" data-testid="upload-error"
            withCloseButton={false}>
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Text size="sm">{error}</Text>
              <CloseButton aria-label="Dismiss" onClick={() => setError(null)} />
            </Group>
          </Alert>
        )}
      </Card>

      {media.error && <Alert color="red">{media.error.message}</Alert>}
      {media.isPending && <Text c="dimmed">Loading dailies…</Text>}
      {media.data && assets.length === 0 && <Text c="dimmed" data-testid="dailies-empty">No dailies yet. Upload the first clip of the day.</Text>}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, xl: 4 }}>
        {assets.map((a) => <AssetCard key={a.id} production={id} asset={a} job={a.job ? jobById.get(a.job) : undefined} />)}
      </SimpleGrid>
    </Stack>
  );
}

function AssetCard({ production, asset, job }: { production: Id; asset: MediaAsset; job: Job | undefined }) {
  const poster = renditionOf(asset, "poster");
  return (
    <Card withBorder padding="sm" component={Link} to={`/productions/${production}/dailies/${asset.id}`}
      data-testid="asset-card" data-asset-id={asset.id} data-name={asset.original_name} data-status={asset.status}>
      <Card.Section>
        <AspectRatio ratio={16 / 9}>
          {poster ? (
            <Image src={poster.url} alt={`Poster frame of ${asset.original_name}`} data-testid="asset-poster" fit="cover" loading="lazy" />
          ) : (
            <Center bg="dark.6"><IconMovie size={40} stroke={1.2} color="var(--mantine-color-dark-2)" /></Center>
          )}
        </AspectRatio>
      </Card.Section>
      <Group justify="space-between" mt="xs" wrap="nowrap" gap="xs">
        <Text fw={600} truncate title={asset.original_name} data-testid="asset-name" style={{ flex: 1, minWidth: 0 }}>{asset.original_name}</Text>
        <Badge color={mediaStatusColor[asset.status]} variant="light" data-testid="asset-status" style={{ flexShrink: 0, overflow: "visible" }}>{asset.status}</Badge>
      </Group>
      <Box mt={4}>
        <Text size="sm" c="dimmed" data-testid="asset-meta">
          {seconds(asset.duration_s)} · {resolution(asset.width, asset.height)} · {codecs(asset.video_codec, asset.audio_codec)}
        </Text>
        <Text size="sm" c="dimmed" ff="monospace" data-testid="asset-timecode">TC {asset.start_timecode || "—"}{asset.reel_name ? ` · ${asset.reel_name}` : ""}</Text>
      </Box>
      {job && isActiveJob(job) && (
        <Stack gap={2} mt="xs">
          <Progress data-testid="asset-job-progress" data-progress={job.progress} data-status={job.status} value={percent(job.progress)}
            striped animated={job.status === "running"} aria-label="Processing" />
          <Text size="xs" c="dimmed" lineClamp={1}>{percent(job.progress)}% · {job.message || "Waiting for a worker"}</Text>
        </Stack>
      )}
      {asset.status === "failed" && <Text size="sm" c="red" mt="xs" lineClamp={3} data-testid="asset-error">{asset.error || "Processing failed."}</Text>}
    </Card>
  );
}
