// Read-only parts of a call sheet page: the day's scenes, the advance schedule, what changed, and the distribution list.
import { Alert, Anchor, Badge, Group, List, Loader, Stack, Table, Text, Tooltip } from "@mantine/core";
import type { CallSheet, CallSheetRecipient, CallSheetRevision, CallSheetScene } from "../../api/schedule";
import { eighths, pagesLabel, scenesLabel } from "../../format";
import { changeLine, clock, distributionCounts, recipientStatus } from "./callsheet";
import { Section } from "./CallSheetForm";
import { dayNight, shortDate, stripTone, toneStyle } from "./strips";
import { ScrollRegion } from "../../components/ScrollRegion";

export function ScenesTable({ scenes, testid, label }: { scenes: CallSheetScene[]; testid: string; label: string }) {
  if (scenes.length === 0) return <Text size="sm" c="dimmed">No scenes.</Text>;
  return (
    <ScrollRegion label={label}>
      <Table verticalSpacing={4} data-testid={testid} style={{ minWidth: 560 }}>
        <Table.Thead>
          <Table.Tr><Table.Th>Sc</Table.Th><Table.Th>Set / description</Table.Th><Table.Th>D/N</Table.Th><Table.Th ta="right">Pages</Table.Th><Table.Th>Cast</Table.Th></Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {scenes.map((s) => (
            <Table.Tr key={s.scene} style={{ boxShadow: `inset 4px 0 0 ${toneStyle[stripTone(s.int_ext, s.time_of_day)].edge}` }}>
              <Table.Td fw={700}>{s.number}</Table.Td>
              <Table.Td><Text size="sm" fw={600}>{[s.int_ext, s.location].filter(Boolean).join(". ")}</Text>{s.synopsis && <Text size="xs" c="dimmed">{s.synopsis}</Text>}</Table.Td>
              <Table.Td>{dayNight(s.time_of_day)}</Table.Td>
              <Table.Td ta="right">{eighths(s.page_eighths)}</Table.Td>
              <Table.Td>{s.cast_ids.join(", ")}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollRegion>
  );
}

export function DayScenes({ sheet }: { sheet: CallSheet }) {
  const total = sheet.scenes.reduce((n, s) => n + s.page_eighths, 0);
  return (
    <Section title="Scenes" testid="section-scenes" right={<Text size="sm" c="dimmed">{scenesLabel(sheet.scenes.length)} · {pagesLabel(total)}</Text>}>
      <ScenesTable scenes={sheet.scenes} testid="sheet-scenes" label="Scenes" />
      {sheet.banners.length > 0 && (
        <Group gap="xs" mt="xs">{sheet.banners.map((b) => <Badge key={b.id} color="dark" variant="filled" radius="sm">{b.text}</Badge>)}</Group>
      )}
    </Section>
  );
}

export function Advance({ sheet }: { sheet: CallSheet }) {
  const a = sheet.advance;
  return (
    <Section title={a ? `Advance schedule — Day ${a.number}, ${shortDate(a.date)}` : "Advance schedule"} testid="section-advance">
      {a ? <ScenesTable scenes={a.scenes} testid="advance-scenes" label="Advance schedule" /> : <Text size="sm" c="dimmed">This is the last shoot day.</Text>}
    </Section>
  );
}

/** The latest revision's changes ("Crew call: 07:00 → 06:30"), and a PDF of every revision. */
export function WhatChanged({ sheet, revisions, loading, error }: { sheet: CallSheet; revisions: CallSheetRevision[] | undefined; loading: boolean; error: Error | null }) {
  const latest = revisions?.[0];
  return (
    <Section title="What changed" testid="what-changed">
      {loading ? <Loader size="sm" /> : error ? <Alert color="red">{error.message}</Alert> : !latest ? (
        <Text size="sm" c="dimmed">Not published yet. The crew sees the changes of every revision here.</Text>
      ) : (
        <Stack gap="xs">
          <Text size="sm" fw={600} data-testid="latest-revision">
            Revision {latest.revision} · {latest.published_by_name ?? "someone"} · {shortDate(latest.published_at.slice(0, 10))} {clock(latest.published_at)}
          </Text>
          {latest.revision === 1 ? <Text size="sm" c="dimmed">First publication.</Text>
            : latest.changes.length === 0 ? <Text size="sm" c="dimmed">Published again with no changes.</Text> : (
              <List size="sm" spacing={4} data-testid="change-list">
                {latest.changes.map((c, i) => <List.Item key={i}>{changeLine(c)}</List.Item>)}
              </List>
            )}
          {sheet.status === "changed" && <Text size="xs" c="orange">Edited since revision {sheet.revision}: these edits reach the crew when a new revision is published.</Text>}
          {revisions.length > 1 && (
            <Group gap="xs">
              <Text size="xs" c="dimmed">Earlier:</Text>
              {revisions.slice(1).map((r) => (
                <Anchor key={r.revision} size="xs" href={`/api/call-sheets/${sheet.id}/pdf/?revision=${r.revision}`} target="_blank" rel="noopener">rev {r.revision} PDF</Anchor>
              ))}
            </Group>
          )}
        </Stack>
      )}
    </Section>
  );
}

/** Who it was sent to, who has seen it and who confirmed, live (`callsheet_recipient` events land in this list). */
export function Distribution({ recipients, loading, error }: { recipients: CallSheetRecipient[] | undefined; loading: boolean; error: Error | null }) {
  const list = [...(recipients ?? [])].sort((a, b) => a.name.localeCompare(b.name) || a.user - b.user);
  const counts = distributionCounts(list);
  return (
    <Section title="Distribution" testid="distribution" right={list.length > 0 && (
      <Group gap={6}>
        <Badge color="green" variant="light" data-testid="confirmed-count">{counts.confirmed} of {counts.total} confirmed</Badge>
        <Badge color="blue" variant="light" data-testid="seen-count">{counts.seen} seen</Badge>
      </Group>
    )}>
      {loading ? <Loader size="sm" /> : error ? <Alert color="red">{error.message}</Alert> : list.length === 0 ? (
        <Text size="sm" c="dimmed">Publishing sends it to everyone on the production.</Text>
      ) : (
        <ScrollRegion label="Distribution">
          <Table verticalSpacing={4} data-testid="distribution-table">
            <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Rev</Table.Th><Table.Th>Seen</Table.Th><Table.Th>Confirmed</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {list.map((r) => {
                const status = recipientStatus(r);
                return (
                  <Table.Tr key={r.id} data-testid={`recipient-${r.user}`} data-status={status}>
                    <Table.Td><Text size="sm" fw={600}>{r.name}</Text><Text size="xs" c="dimmed">{r.role.replace(/_/g, " ")}</Text></Table.Td>
                    <Table.Td>{r.revision}</Table.Td>
                    <Table.Td>{r.seen_at ? <Tooltip label={new Date(r.seen_at).toLocaleString()}><Text size="sm">{clock(r.seen_at)}</Text></Tooltip> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                    <Table.Td>
                      {status === "confirmed" && r.confirmed_at
                        ? <Tooltip label={new Date(r.confirmed_at).toLocaleString()}><Badge color="green" variant="light">{clock(r.confirmed_at)}</Badge></Tooltip>
                        : <Text size="sm" c="dimmed">{r.confirmed_at ? `rev ${r.confirmed_revision ?? ""} only` : "—"}</Text>}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      )}
    </Section>
  );
}
