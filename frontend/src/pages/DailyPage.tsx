import { Alert, Anchor, AspectRatio, Badge, Breadcrumbs, Card, Center, Grid, Group, Image, Stack, Table, Text, Title } from "@mantine/core";
import { IconDownload, IconMovie } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { useJobs, useMediaAsset } from "../api/hooks";
import { keys } from "../api/keys";
import type { Id, Job, Take } from "../api/types";
import { bytes } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import { usePresence } from "../realtime/RealtimeProvider";
import { JobProgress } from "./media/JobProgress";
import { codecs, durationSeconds, frameRate, jobKindLabel, mediaStatusColor, renditionOf, resolution, when } from "./media/format";

/** One clip of dailies: its web proxy in a player, what ffprobe read from it, its take and its processing job. */
export function DailyPage() {
  const production = useProductionId();
  const assetId = Number(useParams().assetId);
  const asset = useMediaAsset(assetId);
  usePresence(production, { media_asset: assetId });

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
  const a = asset.data;
  if (!a) return <Text c="dimmed">Loading clip…</Text>;
  const proxy = renditionOf(a, "proxy");
  const poster = renditionOf(a, "poster");
  const rows: [string, ReactNode][] = [
    ["Duration", durationSeconds(a.duration_s)],
    ["Frame rate", frameRate(a.frame_rate, a.frame_rate_fps)],
    ["Frames", a.frame_count ?? "—"],
    ["Resolution", resolution(a.width, a.height)],
    ["Codecs", codecs(a.video_codec, a.audio_codec)],
    ["Audio channels", a.audio_channels ?? "—"],
    ["Start timecode", <Text span ff="monospace" key="tc">{a.start_timecode || "—"}</Text>],
    ["Reel", a.reel_name || "—"],
    ["Container", a.format_name || "—"],
    ["Size", bytes(a.size_bytes)],
    ["Uploaded", when(a.created_at)],
  ];

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/productions/${production}/dailies`}>Dailies</Anchor>
        <Text style={{ overflowWrap: "anywhere" }}>{a.original_name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" wrap="nowrap">
        <Title order={2} style={{ overflowWrap: "anywhere" }} data-testid="daily-title">{a.original_name}</Title>
        <Badge size="lg" color={mediaStatusColor[a.status]} variant="light" data-testid="daily-status" style={{ flexShrink: 0, overflow: "visible" }}>{a.status}</Badge>
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card withBorder padding={0}>
            <AspectRatio ratio={a.width && a.height ? a.width / a.height : 16 / 9} style={{ background: "black" }}>
              {proxy ? (
                <video key={proxy.url} controls playsInline preload="metadata" data-testid="proxy-player" src={proxy.url} poster={poster?.url}
                  style={{ width: "100%", height: "100%", background: "black" }}>
                  Your browser cannot play this proxy.
                </video>
              ) : poster ? (
                <Image src={poster.url} alt={`Poster frame of ${a.original_name}`} data-testid="asset-poster" fit="contain" />
              ) : (
                <Center><Stack align="center" gap={4}><IconMovie size={48} stroke={1.2} color="gray" /><Text c="dimmed" size="sm">
                  {a.status === "failed" ? "No proxy: processing failed." : "The web proxy is being made…"}
                </Text></Stack></Center>
              )}
            </AspectRatio>
          </Card>
          {a.status === "failed" && <Alert color="red" mt="sm" title="Processing failed" data-testid="asset-error">{a.error || "No reason given."}</Alert>}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack>
            {a.job && <ProcessingJob production={production} jobId={a.job} />}
            {a.take != null && <TakeLink production={production} take={a.take} />}
            <Card withBorder>
              <Title order={4} mb="xs">Metadata</Title>
              <Table data-testid="asset-metadata" verticalSpacing={6}>
                <Table.Tbody>
                  {rows.map(([label, value]) => (
                    <Table.Tr key={label} data-field={label}>
                      <Table.Th w="45%" fw={500} c="dimmed">{label}</Table.Th>
                      <Table.Td>{value}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Group mt="sm" gap="md">
                <Anchor href={`/api/media/${a.id}/original/`} size="sm" download><Group gap={4}><IconDownload size={16} />Original file</Group></Anchor>
                {proxy && <Anchor href={proxy.url} size="sm" download><Group gap={4}><IconDownload size={16} />Proxy ({bytes(proxy.size_bytes)})</Group></Anchor>}
              </Group>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
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
        <Title order={4}>Processing</Title>
        <Anchor component={Link} to={`/productions/${production}/jobs`} size="sm">All jobs</Anchor>
      </Group>
      {job && <Text size="xs" c="dimmed" mb={4}>Started {when(job.started_at)}{job.finished_at ? ` · finished ${when(job.finished_at)}` : ""} · attempt {job.attempts}</Text>}
      {job ? <JobProgress job={job} testId="job-progress" label={jobKindLabel(job.kind)} />
        : <Text c="dimmed" size="sm">{single.error ? "The job is no longer available." : "Loading…"}</Text>}
    </Card>
  );
}

/** "Scene 12 · Shot 12A · Take 3 (circled)", linking to the scene. */
function TakeLink({ production, take }: { production: Id; take: Id }) {
  const t = useQuery({ queryKey: ["take", take], queryFn: () => api<Take>(`/api/takes/${take}/`) });
  return (
    <Card withBorder data-testid="daily-take">
      <Title order={4} mb={4}>Take</Title>
      {t.data ? (
        <Anchor component={Link} to={`/productions/${production}/scenes/${t.data.scene}`} data-testid="take-link">
          Take {t.data.number}{t.data.circled ? " (circled)" : ""}{t.data.no_good ? " (NG)" : ""}
          {t.data.timecode_in ? ` · ${t.data.timecode_in}–${t.data.timecode_out}` : ""}
        </Anchor>
      ) : <Text c="dimmed" size="sm">{t.error ? "This take is not available." : "Loading…"}</Text>}
    </Card>
  );
}
