// The typed-in blocks of a call sheet beside its calls: key contacts, walkie channels, safety notes / hazards of the day.
// Schedulers edit them (rows added and removed, each input labelled); everyone else reads them. Key contacts' phones
// come back "" to readers who may not see contacts (apps/callsheets/serializers.py): they read the role and name only.
import { ActionIcon, Anchor, Button, Group, SimpleGrid, Stack, Table, Text, TextInput, Textarea } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useEffect, useRef, useState } from "react";
import type { CallSheetEdit, KeyContact, WalkieChannel } from "../../api/schedule";
import { BLOCK_LIMITS, type SheetIssue } from "./callsheet";
import { Section } from "./CallSheetForm";

interface Props { edit: CallSheetEdit; onChange: (next: CallSheetEdit) => void; readOnly: boolean; issues: SheetIssue[] }

const issueAt = (issues: SheetIssue[], path: string) => issues.filter((i) => i.path === path).map((i) => i.message).join(" ") || undefined;

/** The index of the row just added, and a ref for its first input: focused once, so the keyboard carries on there. */
function useFocusAdded() {
  const [added, setAdded] = useState<number | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (added !== null) { first.current?.focus(); setAdded(null); }
  }, [added]);
  return { added, setAdded, first };
}

function AddButton({ label, onClick, testid }: { label: string; onClick: () => void; testid: string }) {
  return <Button size="xs" variant="default" leftSection={<IconPlus size={14} />} onClick={onClick} data-testid={testid}>{label}</Button>;
}

export function KeyContacts({ edit, onChange, readOnly, issues }: Props) {
  const rows = edit.key_contacts;
  const focus = useFocusAdded();
  const set = (i: number, patch: Partial<KeyContact>) => onChange({ ...edit, key_contacts: rows.map((k, j) => (j === i ? { ...k, ...patch } : k)) });
  const add = () => { onChange({ ...edit, key_contacts: [...rows, { role: "", name: "", phone: "" }] }); focus.setAdded(rows.length); };
  return (
    <Section title="Key contacts" testid="section-key-contacts" right={!readOnly && <AddButton label="Add contact" onClick={add} testid="add-key-contact" />}>
      {rows.length === 0 ? <Text size="sm" c="dimmed">No key contacts.</Text> : readOnly ? (
        <Stack gap={4}>
          {rows.map((k, i) => (
            <Group key={i} justify="space-between" wrap="wrap" gap="xs" data-testid="key-contact-row">
              <Text size="sm"><Text span size="sm" c="dimmed" tt="uppercase">{k.role}</Text>{k.role && k.name ? " " : ""}<Text span size="sm" fw={600}>{k.name}</Text></Text>
              {k.phone && <Anchor size="sm" href={`tel:${k.phone.replace(/[^\d+]/g, "")}`} data-testid="key-contact-phone">{k.phone}</Anchor>}
            </Group>
          ))}
        </Stack>
      ) : (
        <Stack gap="xs">
          {rows.map((k, i) => {
            const who = k.name || k.role || `contact ${i + 1}`;
            return (
              <Group key={i} gap="xs" wrap="nowrap" align="flex-start" data-testid="key-contact-row">
                <TextInput aria-label={`Role of key contact ${i + 1}`} placeholder="Role" value={k.role} maxLength={BLOCK_LIMITS.role} w={150}
                  ref={focus.added === i ? focus.first : undefined} onChange={(e) => set(i, { role: e.currentTarget.value })} data-testid="key-contact-role" />
                <TextInput aria-label={`Name of key contact ${i + 1}`} placeholder="Name" value={k.name} maxLength={BLOCK_LIMITS.name} style={{ flex: 1 }}
                  error={issueAt(issues, `key_contacts.${i}.name`)} onChange={(e) => set(i, { name: e.currentTarget.value })} data-testid="key-contact-name" />
                <TextInput aria-label={`Phone of key contact ${i + 1}`} placeholder="Phone" type="tel" value={k.phone} maxLength={BLOCK_LIMITS.phone} w={150}
                  onChange={(e) => set(i, { phone: e.currentTarget.value })} data-testid="key-contact-phone" />
                <ActionIcon variant="subtle" color="red" aria-label={`Remove key contact ${who}`} mt={6}
                  onClick={() => onChange({ ...edit, key_contacts: rows.filter((_, j) => j !== i) })}><IconTrash size={16} /></ActionIcon>
              </Group>
            );
          })}
        </Stack>
      )}
    </Section>
  );
}

export function WalkieChannels({ edit, onChange, readOnly, issues }: Props) {
  const rows = edit.walkie_channels;
  const focus = useFocusAdded();
  const set = (i: number, patch: Partial<WalkieChannel>) => onChange({ ...edit, walkie_channels: rows.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  const add = () => {
    const next = String(rows.reduce((n, w) => Math.max(n, Number.parseInt(w.channel, 10) || 0), 0) + 1);
    onChange({ ...edit, walkie_channels: [...rows, { channel: next, use: "" }] });
    focus.setAdded(rows.length);
  };
  return (
    <Section title="Walkie channels" testid="section-walkies" right={!readOnly && <AddButton label="Add channel" onClick={add} testid="add-walkie" />}>
      {rows.length === 0 ? <Text size="sm" c="dimmed">No walkie channels.</Text> : readOnly ? (
        <Table verticalSpacing={4}>
          <Table.Thead><Table.Tr><Table.Th w={80}>Channel</Table.Th><Table.Th>Use</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {rows.map((w, i) => <Table.Tr key={i} data-testid="walkie-row"><Table.Td fw={700}>{w.channel}</Table.Td><Table.Td>{w.use}</Table.Td></Table.Tr>)}
          </Table.Tbody>
        </Table>
      ) : (
        <Stack gap="xs">
          {rows.map((w, i) => (
            <Group key={i} gap="xs" wrap="nowrap" align="flex-start" data-testid="walkie-row">
              <TextInput aria-label={`Channel of walkie row ${i + 1}`} placeholder="Ch" value={w.channel} maxLength={BLOCK_LIMITS.channel} w={80} required
                error={issueAt(issues, `walkie_channels.${i}.channel`)} onChange={(e) => set(i, { channel: e.currentTarget.value })} data-testid="walkie-channel" />
              <TextInput aria-label={`Use of walkie channel ${w.channel || i + 1}`} placeholder="Production, Camera…" value={w.use} maxLength={BLOCK_LIMITS.use}
                style={{ flex: 1 }} ref={focus.added === i ? focus.first : undefined} onChange={(e) => set(i, { use: e.currentTarget.value })} data-testid="walkie-use" />
              <ActionIcon variant="subtle" color="red" aria-label={`Remove walkie channel ${w.channel || i + 1}`} mt={6}
                onClick={() => onChange({ ...edit, walkie_channels: rows.filter((_, j) => j !== i) })}><IconTrash size={16} /></ActionIcon>
            </Group>
          ))}
        </Stack>
      )}
    </Section>
  );
}

export function SafetyNotes({ edit, onChange, readOnly }: Props) {
  return (
    <Section title="Safety notes / hazards" testid="section-safety">
      {readOnly ? <Text size="sm" style={{ whiteSpace: "pre-wrap" }} data-testid="safety-notes">{edit.safety_notes || "—"}</Text>
        : <Textarea aria-label="Safety notes and hazards of the day" autosize minRows={2} value={edit.safety_notes}
          onChange={(e) => onChange({ ...edit, safety_notes: e.currentTarget.value })} data-testid="safety-notes" />}
    </Section>
  );
}

/** Key contacts and walkie channels side by side on a wide screen, then the safety notes. */
export function SheetBlocks(props: Props) {
  return (
    <>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <KeyContacts {...props} />
        <WalkieChannels {...props} />
      </SimpleGrid>
      <SafetyNotes {...props} />
    </>
  );
}
