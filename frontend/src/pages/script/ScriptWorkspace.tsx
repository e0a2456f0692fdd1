// One script's workspace on the screenplay page: its details, a diff between versions, the Fountain editor, AI writing.
import { Badge, Card, Group, Select, Tabs, Text, Title } from "@mantine/core";
import { IconFileDiff, IconInfoCircle, IconPencil, IconSparkles } from "@tabler/icons-react";
import { useSearchParams } from "react-router-dom";
import { useProduction, useScenes, useScriptVersions } from "../../api/hooks";
import type { Id, Script } from "../../api/types";
import { AiWritingPanel } from "../ai/AiWritingPanel";
import { DiffView } from "./DiffView";
import { EditView } from "./EditView";
import { ScriptDetails } from "./ScriptDetails";

const VIEWS = ["details", "diff", "edit", "ai"] as const;
type View = (typeof VIEWS)[number];
const parseView = (v: string | null): View => (VIEWS as readonly string[]).includes(v ?? "") ? (v as View) : "details";
const numberParam = (v: string | null): number | null => (v != null && /^\d+$/.test(v) ? Number(v) : null);

/** `?script=`, `?view=`, `?from=`, `?to=` keep the choice in the URL, so a link opens the same diff. */
export function ScriptWorkspace({ production, scripts }: { production: Id; scripts: Script[] }) {
  const [params, setParams] = useSearchParams();
  const role = useProduction(production).data?.my_role;
  const canWrite = role != null && role !== "viewer";
  const wanted = numberParam(params.get("script"));
  const script = scripts.find((s) => s.id === wanted) ?? scripts[0];
  const view = parseView(params.get("view"));
  const versions = useScriptVersions(script?.id ?? 0);
  const scenes = useScenes(production);
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v == null) next.delete(k); else next.set(k, v);
    setParams(next, { replace: true });
  };
  if (!script) return null;
  const list = versions.data ?? [];
  const versionIds = new Set(list.map((v) => v.id));
  const ownScenes = (scenes.data ?? []).filter((s) => s.script_version != null && versionIds.has(s.script_version));
  const openDiff = (to: number, from?: number) => update({ view: "diff", to: String(to), from: from != null ? String(from) : null });
  return (
    <Card withBorder data-testid="script-workspace" data-script-id={script.id}>
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Group gap="xs">
          <Title order={2} size="h4">{script.title}</Title>
          {script.numbering_locked && <Badge color="orange" variant="light" data-testid="numbering-locked">Numbers locked</Badge>}
        </Group>
        {scripts.length > 1 && (
          <Select aria-label="Script" data={scripts.map((s) => ({ value: String(s.id), label: s.title }))} value={String(script.id)} allowDeselect={false}
            onChange={(v) => v && update({ script: v, from: null, to: null })} w={260} data-testid="workspace-script" />
        )}
      </Group>
      <Tabs value={view} onChange={(v) => update({ view: parseView(v) })} keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="details" leftSection={<IconInfoCircle size={16} />} data-testid="view-details">Details</Tabs.Tab>
          <Tabs.Tab value="diff" leftSection={<IconFileDiff size={16} />} data-testid="view-diff">Diff</Tabs.Tab>
          <Tabs.Tab value="edit" leftSection={<IconPencil size={16} />} data-testid="view-edit">Edit</Tabs.Tab>
          <Tabs.Tab value="ai" leftSection={<IconSparkles size={16} />} data-testid="view-ai">AI writing</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="details"><ScriptDetails key={script.id} script={script} canWrite={canWrite} /></Tabs.Panel>
        <Tabs.Panel value="diff">
          {versions.isPending ? <Text size="sm" c="dimmed">Loading versions…</Text> : (
            <DiffView production={production} scriptId={script.id} versions={list} from={numberParam(params.get("from"))} to={numberParam(params.get("to"))}
              onPick={(from, to) => update({ from: String(from), to: String(to) })} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="edit">
          <EditView key={script.id} script={script} versions={list} canWrite={canWrite} onSaved={(number) => openDiff(number)} />
        </Tabs.Panel>
        <Tabs.Panel value="ai">
          <AiWritingPanel script={script} scenes={ownScenes.length ? ownScenes : (scenes.data ?? [])} versions={list} canWrite={canWrite} onOpenVersion={(n) => openDiff(n)} />
        </Tabs.Panel>
      </Tabs>
    </Card>
  );
}
