import { Alert, Anchor, Badge, Breadcrumbs, Card, Grid, Group, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { Link, useParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { useComments, useJobs, useMediaAsset, useProduction } from "../api/hooks";
import { keys } from "../api/keys";
import type { Comment, Id, Job, MediaAsset } from "../api/types";
import { bytes } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import { usePresence } from "../realtime/RealtimeProvider";
import { JobProgress } from "./media/JobProgress";
import {
  codecs, durationSeconds, frameRate, jobKindLabel, mediaStatusColor, readyRendition, RENDITION_KINDS, renditionLabel, renditionOf, renditionStatusColor, resolution, when,
} from "./media/format";
import { fpsOf } from "./media/timecode";
import { ClipsPanel } from "./review/ClipsPanel";
import { FrameComments } from "./review/FrameComments";
import type { FrameClock } from "./review/playback";
import { ReviewPlayer } from "./review/ReviewPlayer";
import { Approval, LinkEditor, Versions } from "./review/ReviewSide";
import { useFramePlayer } from "./review/useFramePlayer";
import { PageTitle } from "../components/PageFrame";

/** Review of one daily: the proxy in a frame-accurate player with timeline, notes pinned to frames (live for everyone
 * watching), clips from I/O marks, versions and approval, the scene/shot/take link, and what ffprobe read. */
export function DailyPage() {
  const production = useProductionId();
  const assetId = Number(useParams().assetId);
  const asset = useMediaAsset(assetId);
  const me = useProduction(production).data;
  const canWrite = !!me && me.my_role !== "viewer";
  usePresence(production, { media_asset: assetId });
  const target = useMemo(() => ({ kind: "media_asset" as const, id: assetId }), [assetId]);
  const comments = useComments(target);
  const a = asset.data;
  const clock = useMemo(() => clockOf(a), [a?.frame_rate, a?.frame_rate_fps, a?.frame_count, a?.timecode_start_frames, a?.start_timecode, a?.drop_frame]); // eslint-disable-line react-hooks/exhaustive-deps
  const proxy = a ? readyRendition(a, "proxy") : undefined;
  const player = useFramePlayer(clock, proxy?.url);
  const [activeId, setActiveId] = useState<Id | null>(null);

  if (asset.error) {
    const gone = asset.error instanceof ApiError && asset.error.status === 404;
    return (
      <Stack>
        <Alert color={gone ? "yellow" : "red"} title={gone ? "This clip is not here" : "Could not load the clip"} data-testid="daily-missing">
          {gone ? "It was deleted, or belongs to another production." : asset.error.message}
        </Alert>
        <Anchor component={Link} to={`/productions/${production}/dailies`}>Back to dailies</Anchor>
      </Stack>
    );
  }
  if (!a) return <Text c="dimmed">Loading clip…</Text>;
  const seekTo = (c: Comment) => {
    setActiveId(c.id);
    if (c.frame != null) player.seek(c.frame);
  };
  const rows: [string, ReactNode][] = [
    ["Duration", <span key="d">{durationSeconds(a.duration_s)}{a.duration_timecode ? ` · ${a.duration_timecode}` : ""}</span>],
    ["Frame rate", frameRate(a.frame_rate, a.frame_rate_fps)],
    ["Frames", a.frame_count ?? "—"],
    ["Resolution", resolution(a.width, a.height)],
    ["Codecs", codecs(a.video_codec, a.audio_codec)],
    ["Audio channels", a.audio_channels ?? "—"],
    ["Timecode", <Text span ff="monospace" key="tc">{a.start_timecode || "—"}{a.end_timecode ? ` – ${a.end_timecode}` : ""}{a.drop_frame ? " (drop-frame)" : ""}</Text>],
    ["Reel / clip", [a.reel_name, a.clip_name].filter(Boolean).join(" / ") || "—"],
    ["Recorded", when(a.recorded_at)],
    ["Container", a.format_name || "—"],
    ["Size", bytes(a.size_bytes)],
    ["SHA-256", a.sha256 ? <Text span ff="monospace" size="xs" key="sha" style={{ overflowWrap: "anywhere" }}>{a.sha256}</Text> : "—"],
    ["Uploaded", when(a.created_at)],
  ];

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/productions/${production}/dailies`}>Dailies</Anchor>
        <Text style={{ overflowWrap: "anywhere" }}>{a.original_name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <PageTitle style={{ overflowWrap: "anywhere" }} data-testid="daily-title">{a.original_name}</PageTitle>
          <Badge size="lg" color={mediaStatusColor[a.status]} variant="light" data-testid="daily-status" style={{ flexShrink: 0, overflow: "visible" }}>{a.status}</Badge>
        </Group>
        <Versions production={production} asset={a} canWrite={canWrite} />
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack>
            <ReviewPlayer asset={a} clock={clock} player={player} comments={comments.data ?? []} onMarkerClick={seekTo} />
            {a.status === "failed" && <Alert color="red" title="Processing failed" data-testid="asset-error">{a.error || "No reason given."}</Alert>}
            <RenditionStatuses asset={a} />
            {a.kind !== "image" && <ClipsPanel production={production} assetId={a.id} clock={clock} marks={player.marks} canWrite={canWrite} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack>
            <FrameComments production={production} assetId={a.id} comments={comments.data ?? []} loading={comments.isPending} clock={clock}
              frame={player.frame} marks={player.marks} activeId={activeId} onSeek={seekTo} canWrite={canWrite} />
            {a.kind !== "reel" && <Approval production={production} asset={a} canWrite={canWrite} />}
            {a.kind !== "reel" && <LinkEditor key={`${a.id}-${a.version}`} production={production} asset={a} canWrite={canWrite} />}
            {a.job && <ProcessingJob production={production} jobId={a.job} />}
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">Metadata</Title>
              <Table data-testid="asset-metadata" verticalSpacing={6}>
                <Table.Tbody>
                  {rows.map(([label, value]) => (
                    <Table.Tr key={label} data-field={label}>
                      <Table.Th w="40%" fw={500} c="dimmed">{label}</Table.Th>
                      <Table.Td>{value}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Group mt="sm" gap="md">
                <Anchor href={a.original_url || `/api/media/${a.id}/original/`} size="sm" download><Group gap={4}><IconDownload size={16} />Original file</Group></Anchor>
                {proxy && <Anchor href={proxy.url} size="sm" download><Group gap={4}><IconDownload size={16} />Proxy ({bytes(proxy.size_bytes)})</Group></Anchor>}
              </Group>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** The frame clock of an asset once probed (rate and frame count known), else null. */
function clockOf(a: MediaAsset | undefined): FrameClock | null {
  if (!a || !a.frame_count) return null;
  let fps = a.frame_rate_fps ?? 0;
  try { if (a.frame_rate) fps = fpsOf(a.frame_rate); } catch { /* keep the float */ }
  if (!(fps > 0)) return null;
  return {
    fps, frameCount: a.frame_count, rate: a.frame_rate || fps, startFrames: a.timecode_start_frames ?? 0,
    dropFrame: a.drop_frame ?? a.start_timecode.includes(";"),
  };
}

/** Each rendition with its own status: a failed waveform never hides a ready proxy. */
function RenditionStatuses({ asset }: { asset: MediaAsset }) {
  if (!asset.renditions.length) return null;
  return (
    <Group gap="xs" data-testid="daily-renditions">
      {RENDITION_KINDS.map((kind) => {
        const r = renditionOf(asset, kind);
        if (!r) return null;
        const status = r.status ?? "ready";
        return (
          <Tooltip key={kind} label={r.error || status} multiline maw={360}>
            <Badge variant={status === "ready" ? "light" : "outline"} color={renditionStatusColor[status]} data-testid="rendition-chip" data-kind={kind} data-status={status}>
              {renditionLabel[kind]} · {status}
            </Badge>
          </Tooltip>
        );
      })}
    </Group>
  );
}

/** The clip's processing job, live from the production's job list (fetched on its own when it is too old to be listed). */
function ProcessingJob({ production, jobId }: { production: Id; jobId: string }) {
  const jobs = useJobs(production);
  const listed = jobs.data?.find((j) => j.id === jobId);
  const single = useQuery({
    queryKey: [...keys.jobs(production), "one", jobId],
    queryFn: () => api<Job>(`/api/jobs/${jobId}/`),
    enabled: jobs.isSuccess && !listed,
  });
  const job = listed ?? single.data;
  return (
    <Card withBorder data-testid="daily-job">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">Processing</Title>
        <Anchor component={Link} to={`/productions/${production}/jobs`} size="sm">All jobs</Anchor>
      </Group>
      {job && <Text size="xs" c="dimmed" mb={4}>Started {when(job.started_at)}{job.finished_at ? ` · finished ${when(job.finished_at)}` : ""} · attempt {job.attempts}</Text>}
      {job ? <JobProgress job={job} testId="job-progress" label={jobKindLabel(job.kind)} />
        : <Text c="dimmed" size="sm">{single.error ? "The job is no longer available." : "Loading…"}</Text>}
    </Card>
  );
}

