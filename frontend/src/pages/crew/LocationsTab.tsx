// Locations: the real places the unit shoots at — address, who to call, where the trucks park, which scenes.
import { Button, Table, Text, Textarea, TextInput, VisuallyHidden } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { useLocations, useScenes } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Id, Location, Scene } from "../../api/types";
import { matches, sortByName } from "./breakdown";
import { TabFrame } from "./TabFrame";
import { ConfirmDelete, FormModal, RowActions, SceneBadges, ScenePicker, useScenesById } from "./ui";
import { useEntitySave, type EntitySave } from "./useEntitySave";

const FIELDS = ["name", "address", "contact", "parking", "notes", "scenes"] as const;

const Multiline = ({ text }: { text: string }) => (text ? <Text size="sm" lineClamp={3} style={{ whiteSpace: "pre-line" }}>{text}</Text> : <Text size="sm" c="dimmed">—</Text>);

export function LocationsTab({ production, canWrite }: { production: Id; canWrite: boolean }) {
  const locations = useLocations(production);
  const scenes = useScenes(production);
  const byId = useScenesById(scenes.data);
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<{ item: Location | null } | null>(null);
  const [deleting, setDeleting] = useState<Location | null>(null);
  const saver = useEntitySave<Location>({ resource: "locations", listKey: keys.locations(production), production, label: "location", known: FIELDS });

  const rows = useMemo(() => sortByName(locations.data ?? []).filter((l) => matches(query, l.name, l.address, l.contact, l.notes)), [locations.data, query]);
  const open = (item: Location | null) => { saver.clearErrors(); setEditing({ item }); };

  return (
    <>
      <TabFrame query={query} onQuery={setQuery} placeholder="Filter by name, address, contact" loading={locations.isPending} error={locations.error}
        count={rows.length} noun="location" empty={!locations.data?.length}
        action={canWrite && <Button leftSection={<IconPlus size={18} />} onClick={() => open(null)} data-testid="locations-add">Add location</Button>}>
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover verticalSpacing={4} data-testid="locations-table">
            <Table.Thead>
              <Table.Tr><Table.Th>Location</Table.Th><Table.Th>Address</Table.Th><Table.Th>Contact</Table.Th><Table.Th>Parking</Table.Th><Table.Th>Notes</Table.Th><Table.Th>Scenes</Table.Th>{canWrite && <Table.Th w={100}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((l) => (
                <Table.Tr key={l.id} data-testid="locations-row" data-id={l.id}>
                  <Table.Td><Text fw={700}>{l.name}</Text></Table.Td>
                  <Table.Td maw={220}><Multiline text={l.address} /></Table.Td>
                  <Table.Td maw={180}><Multiline text={l.contact} /></Table.Td>
                  <Table.Td maw={200}><Multiline text={l.parking} /></Table.Td>
                  <Table.Td maw={220}><Multiline text={l.notes} /></Table.Td>
                  <Table.Td><SceneBadges ids={l.scenes} byId={byId} production={production} /></Table.Td>
                  {canWrite && <Table.Td><RowActions label={l.name} onEdit={() => open(l)} onDelete={() => setDeleting(l)} /></Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </TabFrame>
        {editing && <LocationForm key={editing.item?.id ?? "new"} item={editing.item} saver={saver} scenes={scenes.data ?? []} onClose={() => setEditing(null)} />}
        {saver.dialog}
        <ConfirmDelete what={deleting?.name ?? null} onClose={() => setDeleting(null)} onConfirm={() => (deleting ? saver.remove(deleting) : Promise.resolve(true))} />
    </>
  );
}

function LocationForm({ item, saver, scenes, onClose }: { item: Location | null; saver: EntitySave<Location>; scenes: Scene[]; onClose: () => void }) {
  const [v, setV] = useState({ name: item?.name ?? "", address: item?.address ?? "", contact: item?.contact ?? "", parking: item?.parking ?? "", notes: item?.notes ?? "" });
  const [sceneIds, setSceneIds] = useState<Id[]>(item?.scenes ?? []);
  const set = (k: keyof typeof v) => (e: { currentTarget: { value: string } }) => { const value = e.currentTarget.value; setV((old) => ({ ...old, [k]: value })); };
  const err = saver.errors.fields;
  return (
    <FormModal title={item ? `Edit ${item.name}` : "Add location"} onClose={onClose} saving={saver.saving} formError={saver.errors.form} testid="locations-form"
      onSubmit={() => void saver.save(item, { ...v, name: v.name.trim(), scenes: sceneIds }, onClose)}>
      <TextInput label="Name" description="The slugline location it serves, e.g. LIBRARY" required value={v.name} onChange={set("name")} error={err.name} data-autofocus data-testid="field-name" />
      <Textarea label="Address" autosize minRows={2} value={v.address} onChange={set("address")} error={err.address} />
      <TextInput label="Contact" placeholder="Name, phone" value={v.contact} onChange={set("contact")} error={err.contact} />
      <Textarea label="Parking" autosize minRows={2} value={v.parking} onChange={set("parking")} error={err.parking} />
      <Textarea label="Notes" autosize minRows={2} value={v.notes} onChange={set("notes")} error={err.notes} />
      <ScenePicker label="Scenes shot here" scenes={scenes} value={sceneIds} onChange={setSceneIds} error={err.scenes} />
    </FormModal>
  );
}
