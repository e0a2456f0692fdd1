// Props: what actors handle on camera, how many, where the props department stands (quick status change), which scenes.
import { Badge, Button, Group, Menu, NumberInput, SegmentedControl, Table, Text, Textarea, TextInput, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { IconCheck, IconChevronDown, IconPlus } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { useProps, useScenes } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Id, Prop, Scene } from "../../api/types";
import { matches, PROP_STATUSES, propStatusColor, propStatusLabel, sortByName } from "./breakdown";
import { TabFrame } from "./TabFrame";
import { ConfirmDelete, FormModal, RowActions, SceneBadges, ScenePicker, useScenesById } from "./ui";
import { useEntitySave, type EntitySave } from "./useEntitySave";

const FIELDS = ["name", "description", "quantity", "status", "scenes"] as const;

export function PropsTab({ production, canWrite }: { production: Id; canWrite: boolean }) {
  const props = useProps(production);
  const scenes = useScenes(production);
  const byId = useScenesById(scenes.data);
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState<"all" | Prop["status"]>("all");
  const [editing, setEditing] = useState<{ item: Prop | null } | null>(null);
  const [deleting, setDeleting] = useState<Prop | null>(null);
  const saver = useEntitySave<Prop>({ resource: "props", listKey: keys.props(production), production, label: "prop", known: FIELDS });

  const rows = useMemo(() => sortByName(props.data ?? []).filter((p) => (status === "all" || p.status === status) && matches(query, p.name, p.description)),
    [props.data, query, status]);
  const open = (item: Prop | null) => { saver.clearErrors(); setEditing({ item }); };

  return (
    <>
      <TabFrame query={query} onQuery={setQuery} placeholder="Filter props" loading={props.isPending} error={props.error}
        count={rows.length} noun="prop" empty={!props.data?.length}
        action={
          <Group gap="sm">
            <SegmentedControl value={status} onChange={(v) => setStatus(v as typeof status)} aria-label="Status"
              data={[{ value: "all", label: "All" }, ...PROP_STATUSES.map((s) => ({ value: s, label: propStatusLabel[s] }))]} />
            {canWrite && <Button leftSection={<IconPlus size={18} />} onClick={() => open(null)} data-testid="props-add">Add prop</Button>}
          </Group>
        }>
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover verticalSpacing={4} data-testid="props-table">
            <Table.Thead>
              <Table.Tr><Table.Th>Prop</Table.Th><Table.Th w={60} ta="right">Qty</Table.Th><Table.Th w={170}>Status</Table.Th><Table.Th>Scenes</Table.Th>{canWrite && <Table.Th w={100}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => (
                <Table.Tr key={p.id} data-testid="props-row" data-id={p.id}>
                  <Table.Td maw={320}><Text fw={600}>{p.name}</Text>{p.description && <Text size="xs" c="dimmed" lineClamp={2}>{p.description}</Text>}</Table.Td>
                  <Table.Td ta="right"><Text fw={600}>{p.quantity}</Text></Table.Td>
                  <Table.Td><PropStatus prop={p} onChange={canWrite ? (s) => void saver.quick(p, { status: s }) : undefined} /></Table.Td>
                  <Table.Td><SceneBadges ids={p.scenes} byId={byId} production={production} /></Table.Td>
                  {canWrite && <Table.Td><RowActions label={p.name} onEdit={() => open(p)} onDelete={() => setDeleting(p)} /></Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </TabFrame>
        {editing && <PropForm key={editing.item?.id ?? "new"} item={editing.item} saver={saver} scenes={scenes.data ?? []} onClose={() => setEditing(null)} />}
        {saver.dialog}
        <ConfirmDelete what={deleting?.name ?? null} onClose={() => setDeleting(null)} onConfirm={() => (deleting ? saver.remove(deleting) : Promise.resolve(true))} />
    </>
  );
}

/** The status badge; for those who may write, a menu to move it on (44 px target). */
function PropStatus({ prop, onChange }: { prop: Prop; onChange?: (status: Prop["status"]) => void }) {
  const badge = (
    <Badge color={propStatusColor[prop.status]} variant="light" rightSection={onChange ? <IconChevronDown size={12} /> : undefined} data-testid="prop-status" data-status={prop.status}>
      {propStatusLabel[prop.status]}
    </Badge>
  );
  if (!onChange) return badge;
  return (
    // No focus placeholder (see UserMenu): focus goes to the first status, all of them enabled.
    <Menu position="bottom-start" withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <UnstyledButton aria-label={`Status of ${prop.name}: ${propStatusLabel[prop.status]}. Change`} style={{ minHeight: 44, display: "flex", alignItems: "center" }} data-testid="prop-status-button">
          {badge}
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        {PROP_STATUSES.map((s) => (
          <Menu.Item key={s} onClick={() => s !== prop.status && onChange(s)} mih={44} data-testid={`prop-status-${s}`}
            leftSection={s === prop.status ? <IconCheck size={16} /> : <span style={{ width: 16 }} />}>
            <Badge color={propStatusColor[s]} variant="light">{propStatusLabel[s]}</Badge>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function PropForm({ item, saver, scenes, onClose }: { item: Prop | null; saver: EntitySave<Prop>; scenes: Scene[]; onClose: () => void }) {
  const [name, setName] = useState(item?.name ?? "");
  const [description, setDescription] = useState(item?.description ?? "");
  const [quantity, setQuantity] = useState<number | string>(item?.quantity ?? 1);
  const [status, setStatus] = useState<Prop["status"]>(item?.status ?? "needed");
  const [sceneIds, setSceneIds] = useState<Id[]>(item?.scenes ?? []);
  const err = saver.errors.fields;
  return (
    <FormModal title={item ? `Edit ${item.name}` : "Add prop"} onClose={onClose} saving={saver.saving} formError={saver.errors.form} testid="props-form"
      onSubmit={() => void saver.save(item, { name: name.trim(), description, quantity: typeof quantity === "number" ? quantity : Number(quantity) || 1, status, scenes: sceneIds }, onClose)}>
      <Group grow align="flex-start">
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={err.name} data-autofocus data-testid="field-name" />
        <NumberInput label="Quantity" min={1} clampBehavior="none" allowDecimal={false} allowNegative={false} maw={140} value={quantity} onChange={setQuantity} error={err.quantity} data-testid="field-quantity" />
      </Group>
      <Textarea label="Description" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={err.description} />
      <div>
        <Text size="sm" fw={500} mb={4}>Status</Text>
        <SegmentedControl fullWidth value={status} onChange={(v) => setStatus(v as Prop["status"])} data={PROP_STATUSES.map((s) => ({ value: s, label: propStatusLabel[s] }))} data-testid="field-status" />
        {err.status && <Text size="xs" c="red">{err.status}</Text>}
      </div>
      <ScenePicker label="Scenes that need it" scenes={scenes} value={sceneIds} onChange={setSceneIds} error={err.scenes} />
    </FormModal>
  );
}
