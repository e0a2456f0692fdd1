import { Alert, AspectRatio, Badge, Box, Button, Card, Center, Group, Image, Modal, Progress, SimpleGrid, Stack, Text, TextInput, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconMovie, IconPlaylistAdd } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { ApiError } from "../api/client";
import { post, useJobs, useMedia, useProduction } from "../api/hooks";
import type { Id, Job, MediaAsset } from "../api/types";
import { seconds } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import { seedAsset, seedJob, storeAsset } from "./media/cache";
import {
  approvalColor, approvalLabel, codecs, isActiveJob, mediaStatusColor, percent, readyRendition, RENDITION_KINDS, renditionLabel, renditionOf,
  renditionStatusColor, resolution, suggestionLabel,
} from "./media/format";
import { JobProgress } from "./media/JobProgress";
import { LinkLabel } from "./media/LinkLabel";
import { UploadPanel } from "./media/UploadPanel";
import { PageTitle } from "../components/PageFrame";

/** Dailies: upload clips, stills and card offloads (resumable), watch each rendition get made, link them to takes, build a selects reel. */
export function Dailies() {
  const id = useProductionId();
  const production = useProduction(id).data;
  const media = useMedia(id);
  const jobs = useJobs(id).data;
  const viewer = production?.my_role === "viewer";

  const assets = media.data ?? [];
  const jobById = new Map((jobs ?? []).map((j) => [j.id, j]));
  return (
    <Stack>
      <Group justify="space-between">
        <PageTitle>Dailies</PageTitle>
        <Group gap="sm">
          <Text c="dimmed" size="sm">{assets.length} clip{assets.length === 1 ? "" : "s"}</Text>
          {!viewer && <SelectsReel production={id} />}
        </Group>
      </Group>

      <UploadPanel production={id} disabled={viewer} />

      {media.error && <Alert color="red">{media.error.message}</Alert>}
      {media.isPending && <Text c="dimmed">Loading dailies…</Text>}
      {media.data && assets.length === 0 && <Text c="dimmed" data-testid="dailies-empty">No dailies yet. Upload the first clip of the day.</Text>}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, xl: 4 }}>
        {assets.map((a) => <AssetCard key={a.id} production={id} asset={a} job={a.job ? jobById.get(a.job) : undefined} canWrite={!viewer} />)}
      </SimpleGrid>
    </Stack>
  );
}

function AssetCard({ production, asset, job, canWrite }: { production: Id; asset: MediaAsset; job: Job | undefined; canWrite: boolean }) {
  const poster = readyRendition(asset, "poster");
  const to = `/productions/${production}/dailies/${asset.id}`;
  const approval = asset.approval_status ?? "pending";
  const navigate = useNavigate();
  return (
    // The whole card opens the review page, except its own links and buttons (Apply, the scene link).
    <Card withBorder padding="sm" style={{ cursor: "pointer" }} onClick={(e) => { if (!(e.target as HTMLElement).closest("a,button,[role=tooltip]")) void navigate(to); }}
      data-testid="asset-card" data-asset-id={asset.id} data-name={asset.original_name} data-status={asset.status}>
      <Card.Section component={Link} to={to} aria-label={`Review ${asset.original_name}`}>
        <AspectRatio ratio={16 / 9}>
          {poster ? (
            <Image src={poster.url} alt={`Poster frame of ${asset.original_name}`} data-testid="asset-poster" fit="cover" loading="lazy" />
          ) : (
            <Center bg="dark.6"><IconMovie size={40} stroke={1.2} color="var(--mantine-color-dark-2)" /></Center>
          )}
        </AspectRatio>
      </Card.Section>
      <Group justify="space-between" mt="xs" wrap="nowrap" gap="xs">
        <Text component={Link} to={to} fw={600} truncate title={asset.original_name} data-testid="asset-name" style={{ flex: 1, minWidth: 0 }}>{asset.original_name}</Text>
        {asset.kind === "reel" && <Badge color="grape" variant="light" style={{ flexShrink: 0 }}>reel</Badge>}
        {(asset.version_number ?? 1) > 1 || asset.first_version != null
          ? <Badge color="cyan" variant="outline" data-testid="asset-version" style={{ flexShrink: 0 }}>v{asset.version_number ?? 1}</Badge> : null}
        <Badge color={mediaStatusColor[asset.status]} variant="light" data-testid="asset-status" style={{ flexShrink: 0, overflow: "visible" }}>{asset.status}</Badge>
      </Group>
      <Box mt={4}>
        <Text size="sm" c="dimmed" data-testid="asset-meta">
          {seconds(asset.duration_s)} · {resolution(asset.width, asset.height)} · {codecs(asset.video_codec, asset.audio_codec)}
        </Text>
        <Text size="sm" c="dimmed" ff="monospace" data-testid="asset-timecode">TC {asset.start_timecode || "—"}{asset.reel_name ? ` · ${asset.reel_name}` : ""}</Text>
      </Box>
      <Group gap={4} mt={6} data-testid="rendition-chips">
        {RENDITION_KINDS.map((kind) => {
          const r = renditionOf(asset, kind);
          if (!r) return null;
          const status = r.status ?? "ready";
          return (
            <Tooltip key={kind} label={r.error || `${renditionLabel[kind]}: ${status}`} multiline maw={320} disabled={!r.error && status !== "skipped"}>
              <Badge size="sm" variant={status === "ready" ? "light" : "outline"} color={renditionStatusColor[status]}
                data-testid="rendition-chip" data-kind={kind} data-status={status}>{renditionLabel[kind]}</Badge>
            </Tooltip>
          );
        })}
        {asset.kind !== "reel" && <Badge size="sm" color={approvalColor[approval]} variant="dot" data-testid="asset-approval">{approvalLabel[approval]}</Badge>}
      </Group>
      <Box mt={6}>
        <LinkLabel production={production} asset={asset} />
        {canWrite && <SuggestionApply asset={asset} />}
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

/** "Suggested: Sc 12 / Sh A / Tk 3 — Apply" for an unlinked clip whose name or slate metadata says where it belongs. */
export function SuggestionApply({ asset }: { asset: MediaAsset }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const label = suggestionLabel(asset.link_suggestion);
  if (!label || asset.take != null) return null;
  async function apply() {
    setBusy(true);
    try {
      storeAsset(qc, await post<MediaAsset>(`/api/media/${asset.id}/apply-link-suggestion/`, { version: asset.version }));
    } catch (e) {
      notifications.show({ color: "red", title: "Not linked", message: e instanceof ApiError ? e.message : "The server could not be reached." });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Group gap={6} wrap="nowrap" mt={4} data-testid="link-suggestion">
      <Text size="sm" c="yellow" truncate>Suggested: {label}</Text>
      <Button size="compact-sm" variant="light" color="yellow" h={36} loading={busy} onClick={() => void apply()} data-testid="link-suggestion-apply">Apply</Button>
    </Group>
  );
}

/** Pick a shoot day → POST /api/media/selects-reel/: the circled takes' proxies in scene/shot/take order, as a new asset made by a job. */
function SelectsReel({ production }: { production: Id }) {
  const qc = useQueryClient();
  const jobs = useJobs(production).data;
  const [open, setOpen] = useState(false);
  const [date, setDate] = useState(() => new Date().toISOString().slice(0, 10));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = jobId ? jobs?.find((j) => j.id === jobId) : undefined;

  async function make() {
    setBusy(true);
    setError(null);
    try {
      const made = await post<{ asset: MediaAsset; job: Job }>("/api/media/selects-reel/", { production, date });
      seedJob(qc, production, made.job);
      seedAsset(qc, production, made.asset);
      setJobId(made.job.id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <Button variant="light" leftSection={<IconPlaylistAdd size={18} />} h={44} onClick={() => setOpen(true)} data-testid="selects-reel-open">Selects reel</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Selects reel of a shoot day">
        <Stack>
          <Text size="sm" c="dimmed">The circled takes recorded that day, in scene / shot / take order, each with a burnt-in slate line.</Text>
          <TextInput type="date" label="Shoot day" value={date} onChange={(e) => setDate(e.currentTarget.value)} data-testid="selects-reel-date" />
          {error && <Alert color="red" data-testid="selects-reel-error">{error}</Alert>}
          {job && <JobProgress job={job} testId="selects-reel-progress" label="Selects reel" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)} h={44}>Close</Button>
            <Button onClick={() => void make()} loading={busy} disabled={!date} h={44} data-testid="selects-reel-make">Make the reel</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
