// The choice a conflicting outbox item asks for: someone else saved the object after the person's change was made.
// Both versions side by side; keep mine (sent again on the current version), take theirs (mine dropped by choice),
// or, for text, keep a merge of the two that the person can edit first. A new take another device logged first: is
// it the same take, or is mine the next one?
import { Button, Group, Modal, Stack, Table, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { mergeText } from "./merge";
import type { Outbox } from "./outbox";
import type { OutboxItem } from "./types";

const shown = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
const words = (field: string) => field.replace(/_/g, " ");

/** The fields of `item` that are text on both sides and differ: what a merge can join. */
export function mergeable(item: OutboxItem): string[] {
  const theirs = item.theirs ?? {};
  return Object.keys(item.body).filter((f) => f !== "version" && typeof item.body[f] === "string" && typeof theirs[f] === "string" && item.body[f] !== theirs[f]);
}

/** The merged text of each mergeable field (diff3 from the value the person saw when acting). */
export function mergedFields(item: OutboxItem): Record<string, string> {
  const theirs = item.theirs ?? {};
  return Object.fromEntries(mergeable(item).map((f) => [f, mergeText(item.before?.[f] as string | undefined, item.body[f] as string, theirs[f] as string)]));
}

export function ConflictChoice({ item, box, onClose }: { item: OutboxItem | null; box: Outbox; onClose: () => void }) {
  const [merged, setMerged] = useState<Record<string, string> | null>(null);
  const close = () => { setMerged(null); onClose(); };
  if (!item?.theirs) return <Modal opened={false} onClose={close} title="" />;
  const theirs = item.theirs;
  const newTake = item.kind === "take.new";
  const fields = Object.keys(item.body).filter((f) => f !== "version");
  const texts = mergeable(item);
  const title = newTake ? `Take ${shown(theirs.number)} was logged on another device` : `Someone else changed this ${item.entity.replace("_", " ")}`;
  return (
    <Modal opened onClose={close} title={title} size="lg" data-testid="conflict-choice">
      <Stack gap="sm" data-testid="conflict-choice-body" data-item-id={item.id}>
        <Text size="sm">{item.label}</Text>
        {newTake ? (
          <Text size="sm">
            While this tablet was offline another device logged take {shown(theirs.number)} on this shot
            {Array.isArray(theirs.cameras) && theirs.cameras.length > 0 ? ` (rolls ${theirs.cameras.map((c: { roll?: string }) => c.roll || "—").join(", ")})` : ""}.
            If it is the take you logged, keep theirs; if yours is another take, it becomes take {Number(theirs.number) + 1}.
          </Text>
        ) : (
          <>
            <Text size="sm">Your change was made on an older version (the server has version {shown(theirs.version)} now). Compare and choose:</Text>
            <Table withTableBorder data-testid="conflict-table">
              <Table.Thead><Table.Tr><Table.Th>Field</Table.Th><Table.Th>Yours</Table.Th><Table.Th>Theirs (saved)</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {fields.map((f) => (
                  <Table.Tr key={f}>
                    <Table.Td>{words(f)}</Table.Td>
                    <Table.Td style={{ whiteSpace: "pre-wrap" }} data-testid={`conflict-mine-${f}`}>{shown(item.body[f])}</Table.Td>
                    <Table.Td style={{ whiteSpace: "pre-wrap" }} data-testid={`conflict-theirs-${f}`}>{shown(theirs[f])}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
        {merged && texts.map((f) => (
          <Textarea key={f} label={`Merged ${words(f)}`} description="Both versions joined; edit before saving." autosize minRows={3} value={merged[f] ?? ""}
            onChange={(e) => { const text = e.currentTarget.value; setMerged((m) => ({ ...m, [f]: text })); }} data-testid={`conflict-merged-${f}`} />
        ))}
        <Group justify="flex-end" gap="xs" wrap="wrap">
          <Button variant="default" onClick={close} data-testid="conflict-later">Decide later</Button>
          <Button variant="default" onClick={() => { void box.takeTheirs(item.id); close(); }} data-testid="conflict-take-theirs">
            {newTake ? "It is the same take" : "Take theirs"}
          </Button>
          {!newTake && texts.length > 0 && !merged && (
            <Button variant="light" onClick={() => setMerged(mergedFields(item))} data-testid="conflict-merge">Merge the text</Button>
          )}
          {merged ? (
            <Button onClick={() => { void box.keepMine(item.id, merged); close(); }} data-testid="conflict-save-merged">Save the merged text</Button>
          ) : (
            <Button onClick={() => { void box.keepMine(item.id); close(); }} data-testid="conflict-keep-mine">
              {newTake ? `Log mine as take ${Number(theirs.number) + 1}` : "Keep mine"}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
