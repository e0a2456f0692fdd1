// Day out of days: cast × shoot days with start/work/hold/finish/drop codes, totals, and the CSV.
import { Alert, Badge, Button, Center, Group, Loader, Paper, Stack, Table, Text } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useProductionId } from "../../hooks/useProductionId";
import { codeColor, doodTotals } from "./dood";
import { useDood } from "./queries";
import { shortDate } from "./strips";
import { PageTitle } from "../../components/PageFrame";
import { ScrollRegion } from "../../components/ScrollRegion";

/** /productions/:id/dood */
export function DoodPage() {
  const production = useProductionId();
  const dood = useDood(production);
  if (dood.isPending) return <Center h={200}><Loader /></Center>;
  if (dood.error) return <Alert color="red" title="The day out of days could not be loaded">{dood.error.message}</Alert>;
  const { days, cast, legend } = dood.data;
  const totals = doodTotals(cast);
  const sticky = { position: "sticky", left: 0, zIndex: 1, background: "var(--mantine-color-body)" } as const;
  return (
    <Stack gap="sm" data-testid="dood">
      <Group justify="space-between" align="center">
        <div>
          <PageTitle>Day out of days</PageTitle>
          <Text size="sm" c="dimmed">{cast.length} cast members over {days.length} shoot days · {totals.work} work days, {totals.hold} hold days, {totals.drop} drop days</Text>
        </div>
        <Button component="a" href={`/api/productions/${production}/dood.csv`} download leftSection={<IconDownload size={18} />} variant="default" data-testid="dood-csv">
          Download CSV
        </Button>
      </Group>
      <Group gap="xs" data-testid="dood-legend">
        {Object.entries(legend).map(([code, label]) => (
          <Group key={code} gap={4} wrap="nowrap">
            <Badge variant="light" color={codeColor(code)} radius="sm" miw={44}>{code}</Badge>
            <Text size="xs" c="dimmed">{label}</Text>
          </Group>
        ))}
      </Group>
      {days.length === 0 || cast.length === 0 ? (
        <Paper withBorder p="lg" radius="md"><Text c="dimmed">{days.length === 0 ? "No shoot days yet: schedule scenes first." : "No cast in the scheduled scenes yet."}</Text></Paper>
      ) : (
        <ScrollRegion label="Day out of days" style={{ paddingBottom: 4 }}>
          <Table withTableBorder withColumnBorders striped highlightOnHover style={{ whiteSpace: "nowrap" }} data-testid="dood-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th style={sticky}>Cast</Table.Th>
                {days.map((d) => (
                  <Table.Th key={d.id} ta="center"><div>Day {d.number}</div><Text size="xs" c="dimmed" fw={400}>{shortDate(d.date)}</Text></Table.Th>
                ))}
                <Table.Th ta="right">Work</Table.Th><Table.Th ta="right">Hold</Table.Th><Table.Th ta="right">Drop</Table.Th>
                <Table.Th>Start</Table.Th><Table.Th>Finish</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cast.map((c) => (
                <Table.Tr key={c.cast_member} data-testid={`dood-row-${c.cast_member}`}>
                  <Table.Td style={sticky}>
                    <Text size="sm" fw={600}>{c.cast_id != null ? `${c.cast_id}. ` : ""}{c.name}</Text>
                    {c.characters.length > 0 && <Text size="xs" c="dimmed">{c.characters.join(", ")}</Text>}
                  </Table.Td>
                  {days.map((d, i) => {
                    const code = c.codes[i] ?? "";
                    return (
                      <Table.Td key={d.id} ta="center" title={code ? legend[code] ?? code : "Not needed"} data-code={code}>
                        {code && <Badge variant={code === "D" ? "outline" : "light"} color={codeColor(code)} radius="sm">{code}</Badge>}
                      </Table.Td>
                    );
                  })}
                  <Table.Td ta="right">{c.work_days}</Table.Td><Table.Td ta="right">{c.hold_days}</Table.Td><Table.Td ta="right">{c.drop_days}</Table.Td>
                  <Table.Td>{shortDate(c.start_date)}</Table.Td><Table.Td>{shortDate(c.finish_date)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      )}
    </Stack>
  );
}
