// The outbox panel: every change waiting on this tablet, in the order made, with its state — waiting (and for what),
// sending, not saved (the server's reason; fix it or discard it), conflict (choose) — and a discard that names what
// goes with it. Nothing leaves the outbox without being sent or the person's choice.
import { Alert, Badge, Button, Drawer, Group, Paper, Stack, Switch, Text, TextInput, Textarea } from "@mantine/core";
import { useState } from "react";
import { bytes } from "../format";
import type { Outbox } from "./outbox";
import { LocalPhoto } from "./PendingBadge";
import { useOutbox } from "./runtime";
import { withDependents } from "./schedule";
import { clockTime, setOutboxPanel, STATE_COLOR, STATE_LABEL, useBrowserOnline, useOutboxPanel, waitingText } from "./status";
import type { OutboxItem } from "./types";

/** Body fields a person may correct (not ids, not the version). */
const FIXABLE = (name: string, value: unknown) =>
  !["version", "scene", "shot", "take", "parent", "after", "continuity_note", "production"].includes(name) && ["string", "boolean"].includes(typeof value);

export function OutboxPanel({ onChoose }: { onChoose: (item: OutboxItem) => void }) {
  const opened = useOutboxPanel();
  const online = useBrowserOnline();
  const { items, blocked, problem, retryAt, box } = useOutbox();
  return (
    <Drawer opened={opened} onClose={() => setOutboxPanel(false)} position="right" size="md" title="Changes on this tablet"
      closeButtonProps={{ "aria-label": "Close the outbox" }} data-testid="outbox-panel">
      <Stack gap="sm">
        <Text size="sm" c="dimmed" data-testid="outbox-summary">
          {items.length === 0 ? "Everything you changed has been saved." : `${waitingText(items.length)}. They are sent in the order you made them.`}
          {!online && " You are offline: they go when the connection is back."}
          {online && problem && ` ${problem}${retryAt ? ` Next try at ${clockTime(retryAt)}.` : ""}`}
        </Text>
        {items.length > 0 && online && <Button variant="default" onClick={() => box.kick()} data-testid="outbox-send-now">Send now</Button>}
        {items.map((item) => <ItemRow key={item.id} item={item} waitsFor={blocked.get(item.id) ?? null} box={box} all={items} onChoose={onChoose} />)}
      </Stack>
    </Drawer>
  );
}

function ItemRow({ item, waitsFor, box, all, onChoose }: { item: OutboxItem; waitsFor: OutboxItem | null; box: Outbox; all: readonly OutboxItem[]; onChoose: (item: OutboxItem) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [fixing, setFixing] = useState<Record<string, unknown> | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const gone = confirming ? withDependents(all, item).slice(1) : [];
  const fields = Object.entries(item.body).filter(([name, value]) => FIXABLE(name, value));
  async function discard() {
    try { await box.discard(item.id); } catch (e) { setProblem(e instanceof Error ? e.message : String(e)); }
  }
  return (
    <Paper withBorder radius="md" p="sm" data-testid="outbox-item" data-state={item.state} data-kind={item.kind} data-item-id={item.id}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Text fw={600} size="sm" style={{ overflowWrap: "anywhere" }} data-testid="outbox-item-label">{item.label}</Text>
          <Text size="xs" c="dimmed">Made at {clockTime(item.createdAt)}{item.attempts > 0 && item.state === "waiting" ? ` · tried ${item.attempts}×` : ""}</Text>
        </div>
        <Badge color={STATE_COLOR[item.state]} variant="light" style={{ flexShrink: 0 }} data-testid="outbox-item-state">{STATE_LABEL[item.state]}</Badge>
      </Group>
      {item.photo && (
        <Group gap="xs" mt={6}>
          <LocalPhoto blob={item.photo.blob} name={item.photo.name} w={64} h={48} />
          <Text size="xs" c="dimmed">{item.photo.name} · {bytes(item.photo.size)}</Text>
        </Group>
      )}
      {waitsFor && item.state === "waiting" && <Text size="sm" mt={6} data-testid="outbox-item-waits">Waits for: {waitsFor.label}</Text>}
      {item.error && item.state !== "waiting" && (
        <Text size="sm" mt={6} c="red.9" role="alert" data-testid="outbox-item-error" style={{ background: "var(--mantine-color-red-0)", padding: 6, borderRadius: 4 }}>
          {item.error.message}{Object.entries(item.error.fields).map(([f, m]) => ` ${f.replace("_", " ")}: ${m}`).join("")}
        </Text>
      )}
      {problem && <Alert color="red" mt={6}>{problem}</Alert>}
      {fixing && (
        <Stack gap="xs" mt="sm">
          {fields.map(([name, value]) => typeof value === "boolean"
            ? <Switch key={name} label={name.replace("_", " ")} checked={Boolean(fixing[name])} onChange={(e) => { const checked = e.currentTarget.checked; setFixing((f) => ({ ...f, [name]: checked })); }} />
            : String(value).length > 60 || String(value).includes("\n")
              ? <Textarea key={name} label={name.replace("_", " ")} autosize minRows={2} value={String(fixing[name] ?? "")} error={item.error?.fields[name]}
                  onChange={(e) => { const text = e.currentTarget.value; setFixing((f) => ({ ...f, [name]: text })); }} />
              : <TextInput key={name} label={name.replace("_", " ")} value={String(fixing[name] ?? "")} error={item.error?.fields[name]} data-testid={`outbox-fix-${name}`}
                  onChange={(e) => { const text = e.currentTarget.value; setFixing((f) => ({ ...f, [name]: text })); }} />)}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setFixing(null)}>Cancel</Button>
            <Button onClick={() => { void box.retry(item.id, fixing); setFixing(null); }} data-testid="outbox-fix-send">Send corrected</Button>
          </Group>
        </Stack>
      )}
      {confirming && (
        <Alert color="red" variant="light" mt="sm" title="Discard this change?" data-testid="outbox-discard-confirm">
          <Text size="sm">It will not be sent, and cannot be brought back.{gone.length > 0 && ` These go with it: ${gone.map((g) => g.label).join("; ")}.`}</Text>
          <Group justify="flex-end" gap="xs" mt="xs">
            <Button variant="default" onClick={() => setConfirming(false)}>Keep it</Button>
            <Button color="red" onClick={() => void discard()} data-testid="outbox-discard-yes">Discard</Button>
          </Group>
        </Alert>
      )}
      {!fixing && !confirming && item.state !== "sending" && (
        <Group justify="flex-end" gap="xs" mt="xs">
          {item.state === "conflict" && <Button size="compact-md" h={44} onClick={() => onChoose(item)} data-testid="outbox-choose">Choose…</Button>}
          {item.state === "failed" && fields.length > 0 && (
            <Button size="compact-md" h={44} variant="light" onClick={() => setFixing(Object.fromEntries(fields))} data-testid="outbox-fix">Fix</Button>
          )}
          {item.state === "failed" && <Button size="compact-md" h={44} variant="default" onClick={() => void box.retry(item.id)} data-testid="outbox-retry">Send again</Button>}
          <Button size="compact-md" h={44} variant="subtle" color="red" onClick={() => setConfirming(true)} data-testid="outbox-discard">Discard</Button>
        </Group>
      )}
    </Paper>
  );
}
