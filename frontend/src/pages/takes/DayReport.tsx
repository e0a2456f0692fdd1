// A shoot day's daily reports as a page, live while the day is shot: the production report's figures (today,
// previously, to date), the scenes, and the script supervisor's log of every take; each report as CSV and PDF.
import { Alert, Anchor, Badge, Center, Group, Loader, Paper, Select, SimpleGrid, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useState } from "react";
import type { Id } from "../../api/types";
import { eighths } from "../../format";
import { useProductionId } from "../../hooks/useProductionId";
import { useShootDays } from "../schedule/queries";
import { shortDate, sortDays } from "../schedule/strips";
import { defaultDay, localToday, reportFile, useDayReport, type DayReport as Report, type ReportTake } from "./report";
import { durationText, minutesText } from "./takelog";

const SOUND = { sync: "Sync", mos: "MOS", wild_track: "Wild track" } as const;

/** /productions/:id/takes/report */
export function DayReport() {
  const production = useProductionId();
  const days = useShootDays(production);
  const [chosen, setChosen] = useState<Id | null>(null);
  const day = chosen ?? defaultDay(days.data ?? [], localToday());
  const report = useDayReport(production, day);

  if (days.isPending) return <Center h={200}><Loader /></Center>;
  if (days.error) return <Alert color="red" title="The shoot days could not be loaded">{days.error.message}</Alert>;
  if (!days.data.length) return <Paper withBorder p="lg"><Text c="dimmed">No shoot days yet: add them on the schedule.</Text></Paper>;
  const options = sortDays(days.data).map((d) => ({ value: String(d.id), label: `Day ${d.number} · ${shortDate(d.date)} · ${d.unit}` }));
  return (
    <Stack gap="sm" data-testid="day-report" data-day={day ?? ""}>
      <Group justify="space-between" align="flex-end">
        <Select size="lg" label="Shoot day" data={options} value={day != null ? String(day) : null} allowDeselect={false}
          onChange={(v) => setChosen(v ? Number(v) : null)} data-testid="pick-day" w={340} />
        {day != null && (
          <Group gap="md">
            {(["production", "script"] as const).map((kind) => (
              <Group key={kind} gap={0}>
                <Text size="sm" fw={600} mr={4}>{kind === "script" ? "Script supervisor’s report" : "Production report"}</Text>
                {(["pdf", "csv"] as const).map((format) => (
                  <Anchor key={format} href={reportFile(day, kind, format)} download data-testid={`download-${kind}-${format}`}
                    aria-label={`${kind === "script" ? "Script supervisor’s report" : "Production report"} as ${format.toUpperCase()}`}
                    style={{ display: "inline-flex", alignItems: "center", gap: 4, minHeight: 44, minWidth: 44, padding: "0 8px" }}>
                    <IconDownload size={18} aria-hidden /> {format.toUpperCase()}
                  </Anchor>
                ))}
              </Group>
            ))}
          </Group>
        )}
      </Group>
      {report.isPending && <Center h={200}><Loader /></Center>}
      {report.error && <Alert color="red" title="The report could not be loaded">{report.error.message}</Alert>}
      {report.data && <ReportBody report={report.data} />}
    </Stack>
  );
}

function Figure({ label, value, testid }: { label: string; value: string | number; testid: string }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testid} data-value={value}>
      <Text size="sm" c="dimmed">{label}</Text>
      <Text fz={28} fw={800}>{value}</Text>
    </Paper>
  );
}

function ReportBody({ report }: { report: Report }) {
  const { totals, previously, to_date: toDate } = report;
  const running = [
    { label: "Scenes completed", get: (t: typeof toDate) => String(t.scenes_completed) },
    { label: "Pages", get: (t: typeof toDate) => eighths(t.page_eighths) },
    { label: "Setups", get: (t: typeof toDate) => String(t.setups) },
    { label: "Takes", get: (t: typeof toDate) => String(t.takes) },
    { label: "Minutes", get: (t: typeof toDate) => minutesText(t.duration_s) },
  ];
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Day {report.shoot_day.number} of {report.shoot_day.day_count} · from {report.window.start.slice(11, 16)} to{" "}
        {report.window.end.slice(0, 16).replace("T", " ")} · timecode at {report.production.timecode_rate} fps
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} spacing="xs">
        <Figure label="Pages shot" value={eighths(totals.page_eighths)} testid="figure-pages" />
        <Figure label="Scenes completed" value={totals.scenes_completed} testid="figure-scenes" />
        <Figure label="Setups" value={totals.setups} testid="figure-setups" />
        <Figure label="Takes" value={totals.takes} testid="figure-takes" />
        <Figure label="Circled" value={totals.circled} testid="figure-circled" />
        <Figure label="Wild tracks" value={totals.wild_tracks} testid="figure-wild-tracks" />
        <Figure label="Minutes" value={minutesText(totals.duration_s)} testid="figure-minutes" />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Paper withBorder radius="md" p="sm">
          <Title order={2} size="h4" mb="xs">Production report</Title>
          <Table data-testid="progress">
            <Table.Thead><Table.Tr><Table.Th><VisuallyHidden>Figure</VisuallyHidden></Table.Th><Table.Th>Today</Table.Th><Table.Th>Previously</Table.Th><Table.Th>To date</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {running.map((row) => (
                <Table.Tr key={row.label}><Table.Th scope="row">{row.label}</Table.Th><Table.Td>{row.get(totals)}</Table.Td>
                  <Table.Td>{row.get(previously)}</Table.Td><Table.Td>{row.get(toDate)}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="sm" mt="xs">
            Scheduled {totals.scheduled_scenes} scenes ({eighths(totals.scheduled_eighths)} pages) · completed {totals.completed_scenes.join(", ") || "none"}
            {totals.part_scenes.length > 0 && ` · part ${totals.part_scenes.join(", ")}`} · NG {totals.no_good} · MOS {totals.mos}
            {totals.untimed_takes > 0 && ` · ${totals.untimed_takes} without timecode`}
          </Text>
          <Text size="sm">Camera rolls {report.camera_rolls.join(" ") || "—"} · sound rolls {report.sound_rolls.join(" ") || "—"}</Text>
          {report.shoot_day.notes && <Text size="sm" mt="xs">{report.shoot_day.notes}</Text>}
        </Paper>
        <Paper withBorder radius="md" p="sm" style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-labelledby="report-scenes-title">
          <Title order={2} size="h4" mb="xs" id="report-scenes-title">Scenes</Title>
          <Table data-testid="report-scenes">
            <Table.Thead><Table.Tr><Table.Th>Sc</Table.Th><Table.Th>Set</Table.Th><Table.Th>Pages</Table.Th><Table.Th>Shot</Table.Th><Table.Th>Setups</Table.Th><Table.Th>Takes</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {report.scenes.map((s) => (
                <Table.Tr key={s.scene} data-scene={s.scene} data-completed={s.completed}>
                  <Table.Td>{s.number}</Table.Td><Table.Td>{s.slugline}</Table.Td><Table.Td>{eighths(s.page_eighths)}</Table.Td>
                  <Table.Td><Badge variant="light" color={s.completed ? "green" : s.worked ? "blue" : "gray"}>{s.completed ? "Completed" : s.worked ? "Part" : "Not shot"}</Badge></Table.Td>
                  <Table.Td>{s.setups}</Table.Td><Table.Td>{s.takes}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
      <Paper withBorder radius="md" p="sm" style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-labelledby="script-report-title">
        <Title order={2} size="h4" mb="xs" id="script-report-title">Script supervisor’s report</Title>
        <TakesTable takes={[...report.takes, ...report.wild_tracks]} />
      </Paper>
    </Stack>
  );
}

function TakesTable({ takes }: { takes: ReportTake[] }) {
  if (!takes.length) return <Text c="dimmed">Nothing rolled on this day yet.</Text>;
  return (
    <Table striped data-testid="report-takes" miw={760}>
      <Table.Thead>
        <Table.Tr>{["Sc", "Shot", "Take", "Rolled", "Sound", "Camera rolls", "Lens", "Sound roll", "TC in", "TC out", "Length", "Notes"].map((h) => <Table.Th key={h}>{h}</Table.Th>)}</Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {takes.map((t) => (
          <Table.Tr key={t.id} data-take-id={t.id} data-testid="report-take">
            <Table.Td>{t.scene_number}</Table.Td><Table.Td>{t.shot_number}</Table.Td>
            <Table.Td><Text span fw={700} td={t.no_good ? "line-through" : undefined} c={t.no_good ? "red.4" : undefined} style={t.circled ? { border: "2px solid var(--mantine-color-green-6)", borderRadius: 12, padding: "0 6px" } : undefined}>
              {t.number}</Text></Table.Td>
            <Table.Td>{t.recorded_at.slice(11, 16)}</Table.Td><Table.Td>{SOUND[t.sound]}</Table.Td><Table.Td>{t.camera_rolls}</Table.Td>
            <Table.Td>{t.lens}</Table.Td><Table.Td>{t.sound_roll}</Table.Td><Table.Td>{t.timecode_in}</Table.Td><Table.Td>{t.timecode_out}</Table.Td>
            <Table.Td>{durationText(t.duration_s)}</Table.Td><Table.Td>{t.notes}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
