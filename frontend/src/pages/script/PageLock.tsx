// Lock a script's pages at its latest version (the white script: later versions then print as revision pages), or unlock them.
import { Badge, Button, Group, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLock, IconLockOpen } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, ApiError } from "../../api/client";
import { useProduction } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Script, ScriptVersion } from "../../api/types";
import { isManager } from "../crew/members";
import { putInList } from "../scene/cache";

/** The lock's state, and for the production's owners and producers the button that locks or unlocks the pages. */
export function PageLock({ script, versions }: { script: Script; versions: ScriptVersion[] }) {
  const qc = useQueryClient();
  const manager = isManager(useProduction(script.production).data?.my_role);
  const [busy, setBusy] = useState(false);
  const locked = script.locked_version != null ? versions.find((v) => v.id === script.locked_version) : undefined;
  const latest = versions.at(-1);

  async function toggle() {
    setBusy(true);
    try {
      const action = script.locked_version != null ? "unlock" : "lock";
      putInList(qc, keys.scripts(script.production), await api<Script>(`/api/scripts/${script.id}/${action}/`, { method: "POST", json: { version: script.version } }));
    } catch (e) {
      notifications.show({ color: "red", title: "The page lock did not change", message: e instanceof ApiError ? e.message : "The server could not be reached. Try again." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Group gap={4} wrap="nowrap">
      {script.locked_version != null && (
        <Tooltip label="Page numbers never change: later versions print as revision pages (blue, pink…), new pages as 12A.">
          <Badge variant="light" color="gray" leftSection={<IconLock size={12} />} data-testid="pages-locked">Pages locked{locked ? ` at v${locked.number}` : ""}</Badge>
        </Tooltip>
      )}
      {manager && (script.locked_version != null || latest) && (
        <Button size="compact-xs" variant="subtle" color="gray" loading={busy} onClick={() => void toggle()} data-testid="page-lock"
          leftSection={script.locked_version != null ? <IconLockOpen size={14} /> : <IconLock size={14} />}>
          {script.locked_version != null ? "Unlock pages" : `Lock pages at v${latest?.number}`}
        </Button>
      )}
    </Group>
  );
}
