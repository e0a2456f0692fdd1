// Small pieces the breakdown tabs share: row actions sized for tablets, delete confirmation, scene badges, the scene picker.
import { ActionIcon, Alert, Badge, Button, Group, Modal, MultiSelect, Stack, Text, Tooltip, type ComboboxItem, type OptionsFilter } from "@mantine/core";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import { useMemo, useState, type FormEvent, type ReactNode } from "react";
import { Link } from "react-router-dom";
import type { Id, Scene } from "../../api/types";
import { useFocusBackOnUnmount } from "../../hooks/useReturnFocus";
import { scenesOf, sceneOptions } from "./breakdown";

/** Edit and delete buttons of a row: 44 px targets (tablets on set). */
export function RowActions({ label, onEdit, onDelete }: { label: string; onEdit?: () => void; onDelete?: () => void }) {
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      {onEdit && (
        <Tooltip label={`Edit ${label}`}>
          <ActionIcon variant="subtle" size={44} onClick={onEdit} aria-label={`Edit ${label}`} data-testid="row-edit"><IconPencil size={20} /></ActionIcon>
        </Tooltip>
      )}
      {onDelete && (
        <Tooltip label={`Delete ${label}`}>
          <ActionIcon variant="subtle" color="red" size={44} onClick={onDelete} aria-label={`Delete ${label}`} data-testid="row-delete"><IconTrash size={20} /></ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}

/** "Delete X?" with the consequence spelled out; resolves through `onConfirm` (true = deleted). */
export function ConfirmDelete({ what, consequence, onConfirm, onClose, verb = "Delete" }: {
  what: string | null; consequence?: string; onConfirm: () => Promise<boolean>; onClose: () => void; verb?: string;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={what !== null} onClose={onClose} title={`${verb} ${what ?? ""}?`} data-testid="confirm-delete">
      <Stack>
        <Text size="sm">{consequence ?? "Everyone on the production sees it disappear. This cannot be undone."}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button color="red" loading={busy} data-testid="confirm-delete-button"
            onClick={async () => { setBusy(true); const ok = await onConfirm(); setBusy(false); if (ok) onClose(); }}>
            {verb}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Scene numbers as badges, in script order, each a link to its scene page. */
export function SceneBadges({ ids, byId, production }: { ids: readonly Id[]; byId: ReadonlyMap<Id, Scene>; production: Id }) {
  const scenes = scenesOf(ids, byId);
  if (!scenes.length) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      {scenes.map((s) => (
        <Tooltip key={s.id} label={s.slugline || `Scene ${s.number}`}>
          <Badge component={Link} to={`/productions/${production}/scenes/${s.id}`} variant="light" color="gray" radius="sm"
            style={{ cursor: "pointer", textTransform: "none" }} data-testid="scene-badge">
            {s.number}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

/** Pick scenes by number; the list shows each scene's slugline too, and searching matches either. */
export function ScenePicker({ scenes, value, onChange, label, error, disabled }: {
  scenes: readonly Scene[]; value: Id[]; onChange: (ids: Id[]) => void; label: string; error?: string; disabled?: boolean;
}) {
  const data = useMemo(() => sceneOptions(scenes), [scenes]);
  const sluglines = useMemo(() => new Map(scenes.map((s) => [String(s.id), s.slugline])), [scenes]);
  const filter: OptionsFilter = ({ options, search }) => {
    const q = search.trim().toLowerCase();
    if (!q) return options;
    return (options as ComboboxItem[]).filter((o) => o.label.toLowerCase().startsWith(q) || (sluglines.get(o.value) ?? "").toLowerCase().includes(q));
  };
  return (
    <MultiSelect label={label} data={data} value={value.map(String)} onChange={(v) => onChange(v.map(Number))} searchable clearable
      filter={filter} error={error} disabled={disabled} nothingFoundMessage="No such scene" placeholder={value.length ? undefined : "Scene numbers"}
      renderOption={({ option }) => (
        <Group gap="xs" wrap="nowrap"><Text size="sm" fw={600} w={40}>{option.label}</Text><Text size="xs" c="dimmed" truncate>{sluglines.get(option.value)}</Text></Group>
      )}
      comboboxProps={{ withinPortal: true }} maxDropdownHeight={280} data-testid="scenes-select" />
  );
}

/** A modal form, rendered only while it is open: the error that belongs to no field on top, Cancel and Save below; focus goes back to what opened it. */
export function FormModal({ title, onClose, onSubmit, formError, saving, children, testid }: {
  title: string; onClose: () => void; onSubmit: () => void; formError: string | null; saving: boolean; children: ReactNode; testid: string;
}) {
  useFocusBackOnUnmount(); // rendered only while open (each tab renders it for the item being edited)
  return (
    <Modal opened onClose={onClose} title={title} size="lg" data-testid={testid} zIndex={190 /* under the conflict dialog (200), which opens over it */}>
      <form onSubmit={(e: FormEvent) => { e.preventDefault(); onSubmit(); }}>
        <Stack gap="sm">
          {formError && <Alert color="red" data-testid="form-error">{formError}</Alert>}
          {children}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={saving} data-testid="form-save">Save</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export const useScenesById = (scenes: readonly Scene[] | undefined) => useMemo(() => new Map((scenes ?? []).map((s) => [s.id, s])), [scenes]);
