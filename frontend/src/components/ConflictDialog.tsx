// When a save comes back 409: show what the other person changed; keep mine or take theirs.
import { Button, Group, Modal, Table, Text } from "@mantine/core";
import { useCallback, useState, type ReactNode } from "react";
import { ApiError } from "../api/client";

interface Pending<T> { mine: Partial<T>; theirs: T; keepMine: (theirs: T) => void; takeTheirs: (theirs: T) => void; label: string }

const show = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));

/**
 * `handle(error, mine, actions)` opens the dialog for a 409 `conflict` (and returns true);
 * any other error returns false for the caller to show. `dialog` must be rendered.
 */
export function useConflict<T extends { version: number }>(label: string): {
  handle: (error: unknown, mine: Partial<T>, actions: { keepMine: (theirs: T) => void; takeTheirs: (theirs: T) => void }) => boolean;
  dialog: ReactNode;
} {
  const [pending, setPending] = useState<Pending<T> | null>(null);
  const handle = useCallback((error: unknown, mine: Partial<T>, actions: { keepMine: (theirs: T) => void; takeTheirs: (theirs: T) => void }) => {
    if (!(error instanceof ApiError) || error.status !== 409 || !error.extra.current) return false;
    setPending({ mine, theirs: error.extra.current as T, label, ...actions });
    return true;
  }, [label]);
  const fields = pending ? Object.keys(pending.mine).filter((k) => k !== "version") : [];
  const dialog = (
    <Modal opened={pending !== null} onClose={() => setPending(null)} title={`Someone else changed this ${label}`} size="lg">
      {pending && (
        <div data-testid="conflict-dialog">
          <Text size="sm" mb="sm">Your save was based on an older version (now version {pending.theirs.version}). Compare and choose:</Text>
          <Table withTableBorder>
            <Table.Thead><Table.Tr><Table.Th>Field</Table.Th><Table.Th>Yours</Table.Th><Table.Th>Theirs (saved)</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {fields.map((f) => (
                <Table.Tr key={f}>
                  <Table.Td>{f}</Table.Td>
                  <Table.Td>{show(pending.mine[f as keyof T])}</Table.Td>
                  <Table.Td>{show(pending.theirs[f as keyof T])}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end" mt="md">
            <Button variant="default" onClick={() => { pending.takeTheirs(pending.theirs); setPending(null); }}>Take theirs</Button>
            <Button onClick={() => { pending.keepMine(pending.theirs); setPending(null); }}>Keep mine</Button>
          </Group>
        </div>
      )}
    </Modal>
  );
  return { handle, dialog };
}
