// "Assigned": the production members told when the scene's status changes (Scene.assignees).
import { Combobox, Input, MultiSelect } from "@mantine/core";
import { useId, useState } from "react";
import { useMembers, useProduction } from "../../api/hooks";
import type { Scene } from "../../api/types";
import type { SceneSaver } from "./useSceneSave";

const WIDTH = { base: "100%", xs: 260 };

/**
 * The scene's assignees: a button that shows them until first pressed, then Mantine's MultiSelect (searchable), opened
 * with the focus in it. A MultiSelect sets up its dropdown (a Popover with floating-ui, a ScrollArea) when it renders,
 * opened or not: on a tablet that was the scene page's longest task after its header (about 200 ms at 4× CPU;
 * docs/performance.md, "Sixth pass"), for a control most visits never touch. The button is named by the label and
 * the names it shows (`aria-labelledby`) and says it opens a list (`aria-haspopup="listbox"`); disabled for a viewer
 * and while a save of the scene is on its way. The MultiSelect is disabled for a viewer, and read-only while a save is
 * on its way (a disabled field would drop the focus of someone picking several people one after the other).
 */
export function SceneAssignees({ scene, saver }: { scene: Scene; saver: SceneSaver }) {
  const [used, setUsed] = useState(false);
  const ids = useId();
  const members = useMembers(scene.production).data ?? [];
  const role = useProduction(scene.production).data?.my_role;
  const value = (scene.assignees ?? []).map(String);
  const data = members.map((m) => ({ value: String(m.user.id), label: m.user.display_name || m.user.name || m.user.email }));
  // An assignee no longer on the crew still shows (by id) until someone removes them.
  for (const id of value) if (!data.some((d) => d.value === id)) data.push({ value: id, label: `User ${id}` });
  const saving = saver.saving.has(scene.id);
  const disabled = role == null || role === "viewer";

  if (!used) {
    const names = value.map((id) => data.find((d) => d.value === id)?.label ?? `User ${id}`).join(", ");
    return (
      <Input.Wrapper label="Assigned" labelElement="div" labelProps={{ id: `${ids}-label` }} w={WIDTH}>
        <Input component="button" type="button" pointer disabled={disabled || saving} rightSection={<Combobox.Chevron />} rightSectionPointerEvents="none"
          aria-haspopup="listbox" aria-labelledby={`${ids}-label ${ids}-value`} data-testid="scene-assignees" onClick={() => setUsed(true)}>
          <span id={`${ids}-value`} style={{ display: "block", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
            {names || <Input.Placeholder>Nobody</Input.Placeholder>}
          </span>
        </Input>
      </Input.Wrapper>
    );
  }
  return (
    <MultiSelect label="Assigned" placeholder={value.length ? undefined : "Nobody"} data={data} value={value} searchable clearable w={WIDTH}
      disabled={disabled} readOnly={saving} nothingFoundMessage="No such crew member" data-testid="scene-assignees" autoFocus defaultDropdownOpened
      onChange={(next) => void saver.save(scene, { assignees: next.map(Number) })} />
  );
}
