// The editable sections of a call sheet: call times (night shoots: "00:15 (+1)"), locations, hospital (and its route), weather, cast calls, crew calls, notes.
import { ActionIcon, Button, Checkbox, Group, NumberInput, Paper, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import type { ReactNode } from "react";
import type { CallSheetEdit, CastCall, CrewCall } from "../../api/schedule";
import { BLOCK_LIMITS, byDepartment, callMinutes, callTimeDisplay, offsetText, type SheetIssue } from "./callsheet";
import { ScrollRegion } from "../../components/ScrollRegion";

interface Props { edit: CallSheetEdit; onChange: (next: CallSheetEdit) => void; readOnly: boolean; issues: SheetIssue[] }

export function Section({ title, children, testid, right }: { title: string; children: ReactNode; testid?: string; right?: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" data-testid={testid}>
      <Group justify="space-between" mb="sm"><Title order={2} size="h4">{title}</Title>{right}</Group>
      {children}
    </Paper>
  );
}

/** A time input ("HH:MM", the browser's own picker), or the time as text when read-only. */
function TimeField({ label, value, onChange, readOnly, error, testid, size, hideLabel }: {
  label: string; value: string | null; onChange: (v: string | null) => void; readOnly: boolean; error?: string; testid?: string; size?: "xs" | "sm" | "md" | "lg"; hideLabel?: boolean;
}) {
  if (readOnly) {
    return hideLabel ? <Text size="sm" data-testid={testid}>{value || "—"}</Text> : (
      <div><Text size="xs" c="dimmed">{label}</Text><Text size={size === "lg" ? "xl" : "md"} fw={700} data-testid={testid}>{value || "—"}</Text></div>
    );
  }
  return (
    <TextInput type="time" label={hideLabel ? undefined : label} aria-label={label} size={size} value={value ?? ""} error={error} data-testid={testid}
      onChange={(e) => onChange(e.currentTarget.value || null)} miw={hideLabel ? 110 : undefined} />
  );
}

/**
 * A call time of the shoot day as text, so a night shoot can say so: "22:30", "00:15 (+1)" or "24:15" (the server reads
 * all three; the sheet shows "00:15 (+1)"). Read-only: the time as people read it.
 */
function CallTimeField({ label, value, onChange, readOnly, error, testid, size, hideLabel }: {
  label: string; value: string | null; onChange: (v: string | null) => void; readOnly: boolean; error?: string; testid?: string; size?: "xs" | "sm" | "md" | "lg"; hideLabel?: boolean;
}) {
  const shown = callTimeDisplay(value) || "—";
  if (readOnly) {
    return hideLabel ? <Text size="sm" data-testid={testid}>{shown}</Text> : (
      <div><Text size="xs" c="dimmed">{label}</Text><Text size={size === "lg" ? "xl" : "md"} fw={700} data-testid={testid}>{shown}</Text></div>
    );
  }
  return (
    <TextInput label={hideLabel ? undefined : label} aria-label={label} size={size} value={value ?? ""} error={error} data-testid={testid}
      placeholder="HH:MM" title='24-hour "HH:MM"; after midnight "00:15 (+1)" or "24:15"' inputMode="text" autoComplete="off"
      description={hideLabel ? undefined : "After midnight: 00:15 (+1)"}
      onChange={(e) => onChange(e.currentTarget.value || null)} onBlur={() => { if (value && !Number.isNaN(callMinutes(value) ?? 0)) onChange(callTimeDisplay(value)); }}
      miw={hideLabel ? 120 : undefined} />
  );
}

function TextField({ label, value, onChange, readOnly, testid }: { label: string; value: string; onChange: (v: string) => void; readOnly: boolean; testid?: string }) {
  if (readOnly) return <div><Text size="xs" c="dimmed">{label}</Text><Text size="sm" data-testid={testid}>{value || "—"}</Text></div>;
  return <TextInput label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)} data-testid={testid} />;
}

const issueAt = (issues: SheetIssue[], path: string) => issues.filter((i) => i.path === path).map((i) => i.message).join(" ") || undefined;

export function CallTimes({ edit, onChange, readOnly, issues }: Props) {
  return (
    <Section title="Calls" testid="section-calls">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <CallTimeField label="Crew call" size="lg" value={edit.crew_call} readOnly={readOnly} error={issueAt(issues, "crew_call")} testid="crew-call"
          onChange={(v) => onChange({ ...edit, crew_call: v })} />
        <CallTimeField label="Shooting call" value={edit.shooting_call} readOnly={readOnly} error={issueAt(issues, "shooting_call")} testid="shooting-call"
          onChange={(v) => onChange({ ...edit, shooting_call: v })} />
        <CallTimeField label="First meal" value={edit.first_meal} readOnly={readOnly} error={issueAt(issues, "first_meal")} testid="first-meal"
          onChange={(v) => onChange({ ...edit, first_meal: v })} />
        <CallTimeField label="Estimated wrap" value={edit.wrap} readOnly={readOnly} error={issueAt(issues, "wrap")} testid="wrap"
          onChange={(v) => onChange({ ...edit, wrap: v })} />
      </SimpleGrid>
    </Section>
  );
}

export function Locations({ edit, onChange, readOnly }: Props) {
  const set = (i: number, field: "name" | "address" | "parking" | "notes", value: string) =>
    onChange({ ...edit, locations: edit.locations.map((l, j) => (j === i ? { ...l, [field]: value } : l)) });
  return (
    <Section title="Locations" testid="section-locations" right={!readOnly && (
      <Button size="xs" variant="default" leftSection={<IconPlus size={14} />} onClick={() => onChange({ ...edit, locations: [...edit.locations, { name: "", address: "", parking: "", notes: "" }] })}>
        Add location
      </Button>
    )}>
      <Stack gap="sm">
        {edit.locations.length === 0 && <Text size="sm" c="dimmed">No locations.</Text>}
        {edit.locations.map((l, i) => (
          <Paper key={i} withBorder p="sm" radius="sm" data-testid="location-row">
            <Group align="flex-start" wrap="nowrap">
              <SimpleGrid cols={{ base: 1, sm: 2 }} style={{ flex: 1 }}>
                <TextField label="Name" value={l.name} readOnly={readOnly} onChange={(v) => set(i, "name", v)} />
                <TextField label="Address" value={l.address} readOnly={readOnly} onChange={(v) => set(i, "address", v)} />
                <TextField label="Parking" value={l.parking} readOnly={readOnly} onChange={(v) => set(i, "parking", v)} />
                <TextField label="Notes" value={l.notes} readOnly={readOnly} onChange={(v) => set(i, "notes", v)} />
              </SimpleGrid>
              {!readOnly && (
                <ActionIcon variant="subtle" color="red" aria-label={`Remove location ${l.name || i + 1}`} mt={24}
                  onClick={() => onChange({ ...edit, locations: edit.locations.filter((_, j) => j !== i) })}><IconTrash size={16} /></ActionIcon>
              )}
            </Group>
          </Paper>
        ))}
      </Stack>
    </Section>
  );
}

export function HospitalAndWeather({ edit, onChange, readOnly }: Props) {
  const h = edit.hospital;
  const w = edit.weather;
  const setH = (field: keyof typeof h, value: string) => onChange({ ...edit, hospital: { ...h, [field]: value } });
  const setW = <K extends keyof typeof w>(field: K, value: (typeof w)[K]) => onChange({ ...edit, weather: { ...w, [field]: value } });
  const degrees = (label: string, value: number | null, field: "high_c" | "low_c") => readOnly
    ? <div><Text size="xs" c="dimmed">{label}</Text><Text size="sm">{value == null ? "—" : `${value} °C`}</Text></div>
    : <NumberInput label={label} value={value ?? ""} suffix=" °C" allowDecimal={false} onChange={(v) => setW(field, typeof v === "number" ? v : null)} />;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Section title="Nearest hospital" testid="section-hospital">
        <Stack gap="xs">
          <TextField label="Name" value={h.name ?? ""} readOnly={readOnly} onChange={(v) => setH("name", v)} testid="hospital-name" />
          <TextField label="Address" value={h.address ?? ""} readOnly={readOnly} onChange={(v) => setH("address", v)} />
          <TextField label="Phone" value={h.phone ?? ""} readOnly={readOnly} onChange={(v) => setH("phone", v)} />
          {readOnly ? <div><Text size="xs" c="dimmed">Route from set</Text><Text size="sm" style={{ whiteSpace: "pre-wrap" }} data-testid="hospital-route">{h.route || "—"}</Text></div>
            : <Textarea label="Route from set" autosize minRows={2} maxLength={BLOCK_LIMITS.route} value={h.route ?? ""} onChange={(e) => setH("route", e.currentTarget.value)} data-testid="hospital-route" />}
        </Stack>
      </Section>
      <Section title="Weather" testid="section-weather">
        <Stack gap="xs">
          <TextField label="Forecast" value={w.summary ?? ""} readOnly={readOnly} onChange={(v) => setW("summary", v)} testid="weather-summary" />
          <SimpleGrid cols={2}>
            {degrees("High", w.high_c, "high_c")}
            {degrees("Low", w.low_c, "low_c")}
            <TimeField label="Sunrise" value={w.sunrise} readOnly={readOnly} onChange={(v) => setW("sunrise", v)} />
            <TimeField label="Sunset" value={w.sunset} readOnly={readOnly} onChange={(v) => setW("sunset", v)} />
          </SimpleGrid>
        </Stack>
      </Section>
    </SimpleGrid>
  );
}

export function CastCalls({ edit, onChange, readOnly, issues }: Props) {
  const set = (i: number, field: "pickup" | "hair_makeup" | "on_set", value: string | null) =>
    onChange({ ...edit, cast_calls: edit.cast_calls.map((c, j) => (j === i ? { ...c, [field]: value } : c)) });
  const setNotes = (i: number, value: string) => onChange({ ...edit, cast_calls: edit.cast_calls.map((c, j) => (j === i ? { ...c, notes: value } : c)) });
  const who = (c: CastCall) => [c.cast_id != null ? String(c.cast_id) : "", c.name ?? ""].filter(Boolean).join(" ");
  return (
    <Section title="Cast calls" testid="section-cast-calls">
      {edit.cast_calls.length === 0 ? <Text size="sm" c="dimmed">No cast in the day's scenes.</Text> : (
        <ScrollRegion label="Cast calls">
          <Table verticalSpacing={6} style={{ minWidth: 640 }}>
            <Table.Thead>
              <Table.Tr><Table.Th>#</Table.Th><Table.Th>Cast</Table.Th><Table.Th>Character</Table.Th><Table.Th>Pickup</Table.Th><Table.Th>H/MU</Table.Th><Table.Th>On set</Table.Th><Table.Th>Notes</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {edit.cast_calls.map((c, i) => {
                const errors = ["pickup", "hair_makeup", "on_set"].map((f) => issueAt(issues, `cast_calls.${i}.${f}`)).filter(Boolean);
                return [
                  <Table.Tr key={`${c.cast_member}`} data-testid={`cast-call-${c.cast_member}`}>
                    <Table.Td fw={700}>{c.cast_id ?? ""}</Table.Td>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td><Text size="sm" c="dimmed">{(c.characters ?? []).join(", ")}</Text></Table.Td>
                    <Table.Td><CallTimeField hideLabel label={`Pickup of ${who(c)}`} value={c.pickup} readOnly={readOnly} onChange={(v) => set(i, "pickup", v)} testid="cast-pickup" /></Table.Td>
                    <Table.Td><CallTimeField hideLabel label={`Hair and makeup of ${who(c)}`} value={c.hair_makeup} readOnly={readOnly} onChange={(v) => set(i, "hair_makeup", v)} testid="cast-hair-makeup" /></Table.Td>
                    <Table.Td><CallTimeField hideLabel label={`On set of ${who(c)}`} value={c.on_set} readOnly={readOnly} onChange={(v) => set(i, "on_set", v)} testid="cast-on-set" /></Table.Td>
                    <Table.Td>{readOnly ? <Text size="sm">{c.notes}</Text> : <TextInput aria-label={`Notes for ${who(c)}`} value={c.notes} onChange={(e) => setNotes(i, e.currentTarget.value)} />}</Table.Td>
                  </Table.Tr>,
                  errors.length > 0 && (
                    <Table.Tr key={`${c.cast_member}-err`}><Table.Td colSpan={7} pt={0}><Text size="xs" c="red">{errors.join(" ")}</Text></Table.Td></Table.Tr>
                  ),
                ];
              })}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      )}
    </Section>
  );
}

export function CrewCalls({ edit, onChange, readOnly }: Props) {
  const set = (i: number, patch: Partial<CrewCall>) => onChange({ ...edit, crew_calls: edit.crew_calls.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <Section title="Crew calls" testid="section-crew-calls" right={!readOnly && (
      <Button size="xs" variant="default" leftSection={<IconPlus size={14} />}
        onClick={() => onChange({ ...edit, crew_calls: [...edit.crew_calls, { department: "", name: "", role: "", user: null, call: edit.crew_call, offset: 0 }] })}>
        Add crew call
      </Button>
    )}>
      {edit.crew_calls.length === 0 ? <Text size="sm" c="dimmed">No crew calls.</Text> : (
        <Stack gap="md">
          {byDepartment(edit.crew_calls).map((group) => (
            <div key={group.department}>
              <Text fw={700} size="sm" tt="uppercase" c="dimmed" mb={4}>{group.department}</Text>
              <Stack gap={4}>
                {group.calls.map(({ call, index }) => readOnly ? (
                  <Group key={index} justify="space-between" wrap="nowrap">
                    <Text size="sm">{call.name || "—"} <Text span size="sm" c="dimmed">{call.role}</Text></Text>
                    <Text size="sm" fw={600}>{callTimeDisplay(call.call ?? edit.crew_call) || "—"}{call.offset != null && call.offset !== 0 && <Text span size="xs" c="dimmed"> ({offsetText(call.offset)})</Text>}</Text>
                  </Group>
                ) : (
                  <Group key={index} gap="xs" wrap="nowrap" align="flex-end">
                    <TextInput aria-label="Department" placeholder="Department" value={call.department} onChange={(e) => set(index, { department: e.currentTarget.value })} w={140} />
                    <TextInput aria-label="Name" placeholder="Name" value={call.name} onChange={(e) => set(index, { name: e.currentTarget.value })} style={{ flex: 1 }} />
                    <TextInput aria-label="Role" placeholder="Role" value={call.role} onChange={(e) => set(index, { role: e.currentTarget.value })} w={140} visibleFrom="sm" />
                    <Checkbox label="Follows call" aria-label={`${call.name || "Crew member"} follows the general call`} checked={call.offset != null} mb={8}
                      onChange={(e) => set(index, e.currentTarget.checked ? { offset: 0 } : { offset: null, call: call.call ?? edit.crew_call })} />
                    {call.offset != null ? (
                      <NumberInput aria-label={`Minutes from the general call for ${call.name || "crew member"}`} value={call.offset} step={5} min={-720} max={720} w={110}
                        allowDecimal={false} suffix=" min" description={offsetText(call.offset)} onChange={(v) => set(index, { offset: typeof v === "number" ? v : 0 })} />
                    ) : (
                      <CallTimeField hideLabel label={`Call of ${call.name || "crew member"}`} value={call.call} readOnly={false} onChange={(v) => set(index, { call: v })} />
                    )}
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove ${call.name || "crew call"}`} mb={4}
                      onClick={() => onChange({ ...edit, crew_calls: edit.crew_calls.filter((_, j) => j !== index) })}><IconTrash size={16} /></ActionIcon>
                  </Group>
                ))}
              </Stack>
            </div>
          ))}
        </Stack>
      )}
    </Section>
  );
}

export function Notes({ edit, onChange, readOnly }: Props) {
  return (
    <Section title="Notes" testid="section-notes">
      {readOnly ? <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{edit.notes || "—"}</Text>
        : <Textarea aria-label="Notes" autosize minRows={3} value={edit.notes} onChange={(e) => onChange({ ...edit, notes: e.currentTarget.value })} data-testid="sheet-notes" />}
    </Section>
  );
}
