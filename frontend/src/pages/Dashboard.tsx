import { lazy, memo, Suspense } from "react";
import { Badge, Card, Group, Progress, SimpleGrid, Stack, Text, Timeline, Title } from "@mantine/core";
import { Link } from "react-router-dom";
import { useEvents, useJobs, useProduction } from "../api/hooks";
import { useProductionId } from "../hooks/useProductionId";
import { eighths, statusColor } from "../format";
import { useScenes } from "../api/hooks";
import type { EntityEvent } from "../realtime/events";
import { PageTitle } from "../components/PageFrame";
import { useWhenIdle } from "../lazy";

// The chart library (src/charts.ts) and the activity feed's 50 events load once the rest of the dashboard has shown
// and the browser is idle: on a slow link they came before the page's first paint (docs/performance.md).
const DonutChart = lazy(() => import("../charts").then((m) => ({ default: m.DonutChart })));

/** The room the chart takes, kept for it until it shows (pixels): Mantine's DonutChart, 160 high, with its labels. */
const CHART_HEIGHT = 240;

const Stat = memo(function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Card withBorder>
      <Text size="xs" c="dimmed" tt="uppercase">{label}</Text>
      <Text size="xl" fw={700} data-testid={testId}>{value}</Text>
    </Card>
  );
});

function describe(e: EntityEvent): string {
  const d = e.data as unknown as Record<string, unknown>;
  const name = d.number ?? d.title ?? d.name ?? d.original_name ?? d.kind ?? e.entity_id;
  const verb = e.type.split(".")[1];
  if (e.type === "scene.updated" && typeof d.status === "string") return `scene ${String(name)} → ${d.status.replace("_", " ")}`;
  if (e.type === "job.updated" && typeof d.status === "string") return `${String(d.kind)} ${d.status}`;
  return `${verb} ${e.entity.replace("_", " ")} ${String(name)}`;
}

/** Live stats, completion chart, running jobs and the activity feed of a production. */
export function Dashboard() {
  const id = useProductionId();
  const production = useProduction(id).data;
  const scenes = useScenes(id).data ?? [];
  const jobs = useJobs(id).data ?? [];
  const later = useWhenIdle(production !== undefined);
  const events = useEvents(id, later).data ?? NO_EVENTS;
  if (!production) return null;
  const s = production.stats;
  const byStatus = ["completed", "in_progress", "on_hold", "not_started"].map((status) => ({
    name: status.replace("_", " "), value: scenes.filter((x) => x.status === status).length, color: `${statusColor[status]}.6`,
  }));
  const active = jobs.filter((j) => j.status === "running" || j.status === "pending");
  return (
    <Stack>
      <PageTitle title={`Dashboard · ${production.title}`}>{production.title}</PageTitle>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Scenes done" value={`${s.completed_scene_count}/${s.scene_count}`} testId="stat-scenes" />
        <Stat label="Complete" value={`${s.completion_percent}%`} testId="stat-percent" />
        <Stat label="Shots" value={String(s.shot_count)} testId="stat-shots" />
        <Stat label="Pages shot" value={`${eighths(s.completed_eighths)} / ${eighths(s.total_eighths)}`} testId="stat-pages" />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">Scenes by status</Title>
          <Suspense fallback={<div style={{ height: CHART_HEIGHT }} />}>
            {later ? <DonutChart data={byStatus.filter((x) => x.value > 0).length ? byStatus : [{ name: "none", value: 1, color: "gray.6" }]} withLabelsLine withLabels chartLabel={`${s.completion_percent}%`} />
              : <div style={{ height: CHART_HEIGHT }} />}
          </Suspense>
        </Card>
        <Card withBorder>
          <Group justify="space-between" mb="sm"><Title order={2} size="h4">Jobs running</Title><Link to={`/productions/${id}/jobs`} data-testid="dashboard-all-jobs">All jobs</Link></Group>
          <Stack gap="xs">
            {active.length === 0 && <Text c="dimmed" size="sm">Nothing running.</Text>}
            {active.map((j) => (
              <div key={j.id} data-testid="dashboard-job">
                <Group justify="space-between"><Text size="sm">{j.kind}</Text><Badge color={statusColor[j.status]}>{j.status}</Badge></Group>
                <Progress value={j.progress * 100} animated={j.status === "running"} />
                <Text size="xs" c="dimmed">{j.message}</Text>
              </div>
            ))}
          </Stack>
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">Activity</Title>
          <Activity events={events} />
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

const NO_EVENTS: EntityEvent[] = [];

/** The latest 15 events. Memoised: rendered again when the events change, not with each render of the dashboard. */
const Activity = memo(function Activity({ events }: { events: EntityEvent[] }) {
  return (
    <Timeline bulletSize={12} lineWidth={2} data-testid="activity">
      {events.filter((e) => e.type !== "production.updated").slice(0, 15).map((e) => (
        <Timeline.Item key={e.id} title={e.actor?.name ?? "Slate"}>
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>{describe(e)}</Text>
          <Text size="xs" c="dimmed">{new Date(e.at).toLocaleTimeString()}</Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
});
