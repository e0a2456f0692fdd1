// Call sheets by shoot day: each day's status (draft / published rev N / changed since rev N), confirmations, and create.
import { Alert, Anchor, Badge, Button, Center, Group, Loader, Paper, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api } from "../../api/client";
import { useProduction } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { CallSheet, ShootDay } from "../../api/schedule";
import type { Id } from "../../api/types";
import { pagesLabel, scenesLabel } from "../../format";
import { useProductionId } from "../../hooks/useProductionId";
import { sheetErrorMessage, statusBadge } from "./callsheet";
import { canSchedule, useCallSheets, useShootDays } from "./queries";
import { shortDate, sortDays } from "./strips";
import { PageTitle } from "../../components/PageFrame";
import { ScrollRegion } from "../../components/ScrollRegion";

/** /productions/:id/call-sheets */
export function CallSheets() {
  const production = useProductionId();
  const editable = canSchedule(useProduction(production).data?.my_role);
  const days = useShootDays(production);
  const sheets = useCallSheets(production);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [creating, setCreating] = useState<Id | null>(null);
  const [errors, setErrors] = useState<Record<Id, string>>({});
  const sheetByDay = useMemo(() => new Map((sheets.data ?? []).map((s) => [s.shoot_day, s])), [sheets.data]);

  async function create(day: ShootDay) {
    setCreating(day.id);
    setErrors((e) => ({ ...e, [day.id]: "" }));
    try {
      const sheet = await api<CallSheet>("/api/call-sheets/", { method: "POST", json: { production, shoot_day: day.id } });
      qc.setQueryData(keys.callSheet(sheet.id), sheet);
      void qc.invalidateQueries({ queryKey: keys.callSheets(production) });
      void navigate(`/productions/${production}/call-sheets/${sheet.id}`);
    } catch (error) {
      setErrors((e) => ({ ...e, [day.id]: sheetErrorMessage(error, day.number) }));
    } finally {
      setCreating(null);
    }
  }

  if (days.isPending || sheets.isPending) return <Center h={200}><Loader /></Center>;
  const error = days.error ?? sheets.error;
  if (error) return <Alert color="red" title="The call sheets could not be loaded">{error.message}</Alert>;
  const ordered = sortDays(days.data ?? []);

  return (
    <Stack gap="sm" data-testid="call-sheets">
      <Group justify="space-between">
        <PageTitle>Call sheets</PageTitle>
        <Button component={Link} to={`/productions/${production}/schedule`} variant="default">Schedule</Button>
      </Group>
      {ordered.length === 0 ? (
        <Paper withBorder p="lg" radius="md"><Text c="dimmed">No shoot days yet. Add days on the schedule first; each day gets one call sheet.</Text></Paper>
      ) : (
        <Paper withBorder radius="md">
          <ScrollRegion label="Call sheets by day">
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr><Table.Th>Day</Table.Th><Table.Th>Date</Table.Th><Table.Th>Unit</Table.Th><Table.Th>Scenes</Table.Th><Table.Th>Status</Table.Th><Table.Th>Confirmed</Table.Th><Table.Th><VisuallyHidden>Call sheet</VisuallyHidden></Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ordered.map((day) => {
                const sheet = sheetByDay.get(day.id);
                const badge = statusBadge(sheet);
                return (
                  <Table.Tr key={day.id} data-testid={`call-sheet-day-${day.number}`} data-sheet-id={sheet?.id}>
                    <Table.Td fw={700}>Day {day.number}</Table.Td>
                    <Table.Td>{shortDate(day.date)}</Table.Td>
                    <Table.Td>{day.unit}</Table.Td>
                    <Table.Td>{scenesLabel(day.scene_count)} · {pagesLabel(day.page_eighths)}</Table.Td>
                    <Table.Td>{sheet ? <Badge color={badge.color} variant="light" data-testid="call-sheet-status">{badge.label}</Badge> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                    <Table.Td>
                      {sheet && sheet.revision > 0 ? <Text size="sm">{sheet.distribution.confirmed} of {sheet.distribution.recipients}</Text> : <Text size="sm" c="dimmed">—</Text>}
                    </Table.Td>
                    <Table.Td ta="right">
                      {sheet ? (
                        <Anchor component={Link} to={`/productions/${production}/call-sheets/${sheet.id}`} data-testid="open-call-sheet">Open call sheet</Anchor>
                      ) : editable ? (
                        <Stack gap={4} align="flex-end">
                          <Button size="xs" loading={creating === day.id} onClick={() => void create(day)} data-testid="create-call-sheet">Create call sheet</Button>
                          {errors[day.id] && <Text size="xs" c="red" maw={320} ta="right" data-testid="create-call-sheet-error">{errors[day.id]}</Text>}
                        </Stack>
                      ) : <Text size="sm" c="dimmed">Not written yet</Text>}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          </ScrollRegion>
        </Paper>
      )}
    </Stack>
  );
}
