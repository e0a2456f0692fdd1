// "Assigned": the production members told when the scene's status changes (Scene.assignees).
import { MultiSelect } from "@mantine/core";
import { useMembers, useProduction } from "../../api/hooks";
import type { Scene } from "../../api/types";
import type { SceneSaver } from "./useSceneSave";

export function SceneAssignees({ scene, saver }: { scene: Scene; saver: SceneSaver }) {
  const members = useMembers(scene.production).data ?? [];
  const role = useProduction(scene.production).data?.my_role;
  const value = (scene.assignees ?? []).map(String);
  const data = members.map((m) => ({ value: String(m.user.id), label: m.user.display_name || m.user.name || m.user.email }));
  // An assignee no longer on the crew still shows (by id) until someone removes them.
  for (const id of value) if (!data.some((d) => d.value === id)) data.push({ value: id, label: `User ${id}` });
  return (
    <MultiSelect label="Assigned" placeholder={value.length ? undefined : "Nobody"} data={data} value={value} searchable clearable w={{ base: "100%", xs: 260 }}
      disabled={role == null || role === "viewer" || saver.saving.has(scene.id)} nothingFoundMessage="No such crew member" data-testid="scene-assignees"
      onChange={(next) => void saver.save(scene, { assignees: next.map(Number) })} />
  );
}
