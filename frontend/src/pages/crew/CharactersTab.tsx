// Characters: the parts, who plays them, and the scenes they speak in (badges link to the scene); add, edit.
import { Button, Select, Table, Text, Textarea, TextInput, VisuallyHidden } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { useCastMembers, useCharacters, useScenes } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Character, Id, Scene } from "../../api/types";
import { castLabel, matches, sortByName, sortCast } from "./breakdown";
import { TabFrame } from "./TabFrame";
import { FormModal, RowActions, SceneBadges, ScenePicker, useScenesById } from "./ui";
import { useEntitySave, type EntitySave } from "./useEntitySave";

const FIELDS = ["name", "description", "cast_member", "scenes", "personality", "goals", "voice", "backstory"] as const;
/** The character sheet: what AI writing is told about the part. */
const SHEET = [
  { key: "personality", label: "Personality", placeholder: "Guarded, dry wit, fiercely loyal" },
  { key: "goals", label: "Goals", placeholder: "What they want, in the story and in this scene" },
  { key: "voice", label: "Voice", placeholder: "Clipped sentences; never swears" },
  { key: "backstory", label: "Backstory", placeholder: "What happened before page one" },
] as const;
type SheetKey = (typeof SHEET)[number]["key"];

export function CharactersTab({ production, canWrite }: { production: Id; canWrite: boolean }) {
  const characters = useCharacters(production);
  const cast = useCastMembers(production);
  const scenes = useScenes(production);
  const byId = useScenesById(scenes.data);
  const castById = useMemo(() => new Map((cast.data ?? []).map((c) => [c.id, c])), [cast.data]);
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<{ item: Character | null } | null>(null);
  const saver = useEntitySave<Character>({ resource: "characters", listKey: keys.characters(production), production, label: "character", known: FIELDS });

  const rows = useMemo(() => sortByName(characters.data ?? []).filter((c) => {
    const actor = c.cast_member != null ? castById.get(c.cast_member)?.name : "";
    return matches(query, c.name, c.description, actor);
  }), [characters.data, query, castById]);

  const open = (item: Character | null) => { saver.clearErrors(); setEditing({ item }); };
  return (
    <>
      <TabFrame query={query} onQuery={setQuery} placeholder="Filter by character or actor" loading={characters.isPending} error={characters.error}
        count={rows.length} noun="character" empty={!characters.data?.length}
        action={canWrite && <Button leftSection={<IconPlus size={18} />} onClick={() => open(null)} data-testid="characters-add">Add character</Button>}>
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover verticalSpacing={4} data-testid="characters-table">
            <Table.Thead>
              <Table.Tr><Table.Th>Character</Table.Th><Table.Th>Played by</Table.Th><Table.Th>Speaks in scenes</Table.Th>{canWrite && <Table.Th w={60}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => {
                const actor = c.cast_member != null ? castById.get(c.cast_member) : undefined;
                return (
                  <Table.Tr key={c.id} data-testid="characters-row" data-id={c.id}>
                    <Table.Td maw={320}><Text fw={700}>{c.name}</Text>{c.description && <Text size="xs" c="dimmed" lineClamp={2}>{c.description}</Text>}</Table.Td>
                    <Table.Td><Text size="sm" c={actor ? undefined : "dimmed"}>{actor ? castLabel(actor) : "Not cast"}</Text></Table.Td>
                    <Table.Td><SceneBadges ids={c.scenes} byId={byId} production={production} /></Table.Td>
                    {canWrite && <Table.Td><RowActions label={c.name} onEdit={() => open(c)} /></Table.Td>}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </TabFrame>
        {editing && (
          <CharacterForm key={editing.item?.id ?? "new"} item={editing.item} saver={saver} onClose={() => setEditing(null)}
            castOptions={sortCast(cast.data ?? []).map((c) => ({ value: String(c.id), label: castLabel(c) }))} scenes={scenes.data ?? []} />
        )}
        {saver.dialog}
    </>
  );
}

function CharacterForm({ item, saver, onClose, castOptions, scenes }: {
  item: Character | null; saver: EntitySave<Character>; onClose: () => void;
  castOptions: { value: string; label: string }[]; scenes: Scene[];
}) {
  const [name, setName] = useState(item?.name ?? "");
  const [description, setDescription] = useState(item?.description ?? "");
  const [castMember, setCastMember] = useState<Id | null>(item?.cast_member ?? null);
  const [sceneIds, setSceneIds] = useState<Id[]>(item?.scenes ?? []);
  const [sheet, setSheet] = useState<Record<SheetKey, string>>({
    personality: item?.personality ?? "", goals: item?.goals ?? "", voice: item?.voice ?? "", backstory: item?.backstory ?? "",
  });
  const err = saver.errors.fields;
  return (
    <FormModal title={item ? `Edit ${item.name}` : "Add character"} onClose={onClose} saving={saver.saving} formError={saver.errors.form} testid="characters-form"
      onSubmit={() => void saver.save(item, { name: name.trim().toUpperCase(), description, cast_member: castMember, scenes: sceneIds, ...sheet }, onClose)}>
      <TextInput label="Name" description="As in the character cues (upper case)" required value={name} onChange={(e) => setName(e.currentTarget.value)}
        error={err.name} data-autofocus data-testid="field-name" styles={{ input: { textTransform: "uppercase" } }} />
      <Textarea label="Description" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={err.description} />
      <Select label="Played by" placeholder="Not cast" data={castOptions} value={castMember != null ? String(castMember) : null}
        onChange={(v) => setCastMember(v ? Number(v) : null)} clearable searchable error={err.cast_member} nothingFoundMessage="No such cast member" data-testid="field-cast_member" />
      <ScenePicker label="Speaks in scenes" scenes={scenes} value={sceneIds} onChange={setSceneIds} error={err.scenes} />
      {SHEET.map((f) => (
        <Textarea key={f.key} label={f.label} placeholder={f.placeholder} autosize minRows={1} maxRows={5} value={sheet[f.key]} error={err[f.key]}
          onChange={(e) => { const v = e.currentTarget.value; setSheet((old) => ({ ...old, [f.key]: v })); }} data-testid={`field-${f.key}`} />
      ))}
    </FormModal>
  );
}
