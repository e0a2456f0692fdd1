// Cast: the actors engaged, by cast id (call-sheet number), with contact and agent; add, edit, delete.
import { Anchor, Button, Group, NumberInput, Stack, Table, Text, Textarea, TextInput, VisuallyHidden } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { useCastMembers, useCharacters, useMe, useProduction } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { CastMember, Id } from "../../api/types";
import { castLabel, matches, sortCast } from "./breakdown";
import { seesContacts } from "./members";
import { ConfirmDelete, FormModal, RowActions } from "./ui";
import { TabFrame } from "./TabFrame";
import { useEntitySave, type EntitySave } from "./useEntitySave";

const FIELDS = ["name", "cast_id", "email", "phone", "address", "emergency_contact", "agent", "notes"] as const;

export function CastTab({ production, canWrite }: { production: Id; canWrite: boolean }) {
  const cast = useCastMembers(production);
  const characters = useCharacters(production);
  const myRole = useProduction(production).data?.my_role;
  const me = useMe().data?.id;
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<{ item: CastMember | null } | null>(null);
  const [deleting, setDeleting] = useState<CastMember | null>(null);
  const saver = useEntitySave<CastMember>({ resource: "cast-members", listKey: keys.castMembers(production), production, label: "cast member", known: FIELDS });

  const plays = useMemo(() => {
    const out = new Map<Id, string[]>();
    for (const c of characters.data ?? []) if (c.cast_member != null) out.set(c.cast_member, [...(out.get(c.cast_member) ?? []), c.name]);
    return out;
  }, [characters.data]);
  const rows = useMemo(() => sortCast(cast.data ?? []).filter((c) => matches(query, c.name, c.agent, c.email, ...(plays.get(c.id) ?? []))), [cast.data, query, plays]);

  const open = (item: CastMember | null) => { saver.clearErrors(); setEditing({ item }); };
  return (
    <>
      <TabFrame query={query} onQuery={setQuery} placeholder="Filter by name, agent, character" loading={cast.isPending} error={cast.error}
        count={rows.length} noun="cast member" empty={!cast.data?.length}
        action={canWrite && <Button leftSection={<IconPlus size={18} />} onClick={() => open(null)} data-testid="cast-add">Add cast member</Button>}>
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover verticalSpacing={4} data-testid="cast-table">
            <Table.Thead>
              <Table.Tr><Table.Th w={84} style={{ whiteSpace: "nowrap" }}>Cast id</Table.Th><Table.Th>Name</Table.Th><Table.Th>Plays</Table.Th><Table.Th>Contact</Table.Th><Table.Th>Agent</Table.Th>{canWrite && <Table.Th w={100}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id} data-testid="cast-row" data-id={c.id}>
                  <Table.Td><Text fw={700}>{c.cast_id ?? "—"}</Text></Table.Td>
                  <Table.Td><Text fw={600}>{c.name}</Text>{c.notes && <Text size="xs" c="dimmed" lineClamp={1}>{c.notes}</Text>}</Table.Td>
                  <Table.Td><Text size="sm">{plays.get(c.id)?.join(", ") || "—"}</Text></Table.Td>
                  <Table.Td>
                    <Stack gap={0}>
                      {c.email && <Anchor href={`mailto:${c.email}`} size="sm">{c.email}</Anchor>}
                      {c.phone && <Anchor href={`tel:${c.phone}`} size="sm">{c.phone}</Anchor>}
                      {!c.email && !c.phone && <Text size="sm" c="dimmed">—</Text>}
                    </Stack>
                  </Table.Td>
                  <Table.Td><Text size="sm">{c.agent || "—"}</Text></Table.Td>
                  {canWrite && <Table.Td><RowActions label={c.name} onEdit={() => open(c)} onDelete={() => setDeleting(c)} /></Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </TabFrame>
        {editing && (
          <CastForm key={editing.item?.id ?? "new"} item={editing.item} saver={saver} onClose={() => setEditing(null)}
            contacts={seesContacts(myRole, me, editing.item?.user)} />
        )}
        {saver.dialog}
        <ConfirmDelete what={deleting ? castLabel(deleting) : null} onClose={() => setDeleting(null)}
          consequence="Their characters become uncast. Everyone on the production sees it at once."
          onConfirm={() => (deleting ? saver.remove(deleting) : Promise.resolve(true))} />
    </>
  );
}

/** Add or edit a cast member; the contact fields only for those who may see them (`contacts`: the server ignores them from others). */
function CastForm({ item, saver, onClose, contacts }: { item: CastMember | null; saver: EntitySave<CastMember>; onClose: () => void; contacts: boolean }) {
  const [v, setV] = useState({
    name: item?.name ?? "", cast_id: item?.cast_id ?? null as number | null, agent: item?.agent ?? "", notes: item?.notes ?? "",
  });
  const [c, setC] = useState({ email: item?.email ?? "", phone: item?.phone ?? "", address: item?.address ?? "", emergency_contact: item?.emergency_contact ?? "" });
  const setContact = <K extends keyof typeof c>(k: K, value: string) => setC((old) => ({ ...old, [k]: value }));
  const set = <K extends keyof typeof v>(k: K, value: (typeof v)[K]) => setV((old) => ({ ...old, [k]: value }));
  const err = saver.errors.fields;
  return (
    <FormModal title={item ? `Edit ${item.name}` : "Add cast member"} onClose={onClose} saving={saver.saving} formError={saver.errors.form} testid="cast-form"
      onSubmit={() => void saver.save(item, { ...v, ...(contacts ? c : {}), name: v.name.trim() }, onClose)}>
      <Group grow align="flex-start">
        <TextInput label="Name" required value={v.name} onChange={(e) => set("name", e.currentTarget.value)} error={err.name} data-autofocus data-testid="field-name" />
        <NumberInput label="Cast id" description="Call-sheet number, 1 = lead" min={1} clampBehavior="none" allowDecimal={false} allowNegative={false} maw={160}
          value={v.cast_id ?? ""} onChange={(n) => set("cast_id", typeof n === "number" ? n : null)} error={err.cast_id} data-testid="field-cast_id" />
      </Group>
      {contacts && (
        <>
          <Group grow align="flex-start">
            <TextInput label="Email" type="email" value={c.email} onChange={(e) => setContact("email", e.currentTarget.value)} error={err.email} data-testid="field-email" />
            <TextInput label="Phone" type="tel" value={c.phone} onChange={(e) => setContact("phone", e.currentTarget.value)} error={err.phone} data-testid="field-phone" />
          </Group>
          <Textarea label="Address" autosize minRows={1} value={c.address} onChange={(e) => setContact("address", e.currentTarget.value)} error={err.address}
            data-testid="field-address" />
          <TextInput label="Emergency contact" description="Name, relation and phone" value={c.emergency_contact}
            onChange={(e) => setContact("emergency_contact", e.currentTarget.value)} error={err.emergency_contact} data-testid="field-emergency_contact" />
        </>
      )}
      <TextInput label="Agent" value={v.agent} onChange={(e) => set("agent", e.currentTarget.value)} error={err.agent} />
      <Textarea label="Notes" autosize minRows={2} value={v.notes} onChange={(e) => set("notes", e.currentTarget.value)} error={err.notes} />
    </FormModal>
  );
}
