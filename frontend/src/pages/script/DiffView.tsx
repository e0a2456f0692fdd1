// What changed between two versions of a script: per scene a status badge and its line diff, + green and − red.
import { Alert, Badge, Box, Card, Group, Loader, Select, Stack, Switch, Text } from "@mantine/core";
import { useEffect, useMemo, useState, type CSSProperties } from "react";
import { useScriptDiff } from "../../api/hooks";
import type { Id, ScriptDiffScene, ScriptVersion } from "../../api/types";
import { JobProgress } from "../media/JobProgress";
import { renderLabel, useLiveJob, useSeedJob } from "./jobs";
import {
  classifyLine, DIFF_STATUSES, defaultDiffPair, diffStatusColor, diffStatusLabel, lineCounts, lineSign, visibleScenes, type LineKind,
} from "./diff";

const lineStyle: Record<LineKind, CSSProperties> = {
  added: { background: "var(--mantine-color-green-light)", color: "var(--mantine-color-green-light-color)" },
  removed: { background: "var(--mantine-color-red-light)", color: "var(--mantine-color-red-light-color)", textDecoration: "line-through", textDecorationColor: "rgba(255,255,255,0.25)" },
  context: {},
  hunk: { color: "var(--mantine-color-dimmed)", fontStyle: "italic" },
};

/**
 * `from`/`to` are version numbers (`from` 0 is an empty script); `onPick` moves them (the page keeps them in the URL).
 * A big script's diff is made by a job: its progress is shown live, then the diff is asked for again.
 */
export function DiffView({ production, scriptId, versions, from, to, onPick }: {
  production: Id; scriptId: number; versions: ScriptVersion[]; from: number | null; to: number | null; onPick: (from: number, to: number) => void;
}) {
  const pair = defaultDiffPair(versions.map((v) => v.number), from, to);
  const answer = useScriptDiff(scriptId, pair?.from ?? null, pair?.to ?? null);
  const seed = useSeedJob(production);
  const answered = answer.data?.kind === "job" ? answer.data.job : null;
  const job = useLiveJob(production, answered);
  const { refetch } = answer;
  useEffect(() => { if (answered) seed(answered); }, [answered, seed]);
  useEffect(() => { if (job?.status === "succeeded") void refetch(); }, [job?.status, refetch]);
  const data = answer.data?.kind === "ready" ? answer.data.value : undefined;
  const [showUnchanged, setShowUnchanged] = useState(false);
  const options = useMemo(() => [...versions].sort((a, b) => b.number - a.number).map((v) => ({
    value: String(v.number), label: `v${v.number}${v.summary ? ` — ${v.summary}` : v.source_name ? ` — ${v.source_name}` : ""}`,
  })), [versions]);
  if (!pair) return <Text c="dimmed" size="sm">No versions to compare yet.</Text>;
  const scenes = data ? visibleScenes(data, showUnchanged) : [];
  return (
    <Stack gap="sm" data-testid="script-diff" data-from={pair.from} data-to={pair.to}>
      <Group align="flex-end" wrap="wrap">
        <Select label="From" data={[{ value: "0", label: "v0 — empty script" }, ...options]} value={String(pair.from)} allowDeselect={false} w={260}
          onChange={(v) => v != null && onPick(Number(v), pair.to)} data-testid="diff-from" />
        <Select label="To" data={options} value={String(pair.to)} allowDeselect={false} w={260}
          onChange={(v) => v != null && onPick(pair.from, Number(v))} data-testid="diff-to" />
        <Switch label="Show unchanged scenes" checked={showUnchanged} onChange={(e) => setShowUnchanged(e.currentTarget.checked)} mb={8} />
      </Group>
      {answer.isPending && <Group gap="xs"><Loader size="sm" /><Text size="sm" c="dimmed">Comparing…</Text></Group>}
      {job && job.status !== "succeeded" && <JobProgress job={job} testId="diff-job" label={renderLabel(job)} />}
      {answer.error && <Alert color="red">{answer.error.message}</Alert>}
      {data && (
        <>
          <Group gap="xs" data-testid="diff-summary">
            <Text size="sm" fw={600}>v{data.from} → v{data.to}:</Text>
            {DIFF_STATUSES.map((s) => (data.summary[s] ?? 0) > 0 && (
              <Badge key={s} color={diffStatusColor[s]} variant="light" data-testid={`diff-summary-${s}`}>{data.summary[s]} {diffStatusLabel[s].toLowerCase()}</Badge>
            ))}
          </Group>
          {scenes.length === 0 && <Text size="sm" c="dimmed">No scene differs between these versions.</Text>}
          {scenes.map((s, i) => <DiffScene key={`${s.from_index ?? "x"}-${s.to_index ?? "x"}-${i}`} scene={s} />)}
        </>
      )}
    </Stack>
  );
}

function DiffScene({ scene }: { scene: ScriptDiffScene }) {
  const counts = lineCounts(scene.lines);
  const hasLines = scene.lines.length > 0 && scene.status !== "unchanged";
  return (
    <Card withBorder padding="xs" data-testid="diff-scene" data-status={scene.status} data-moved={scene.moved || undefined}
      style={{ borderLeft: `4px solid var(--mantine-color-${diffStatusColor[scene.status]}-6)` }}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <Badge color={diffStatusColor[scene.status]} variant="filled" data-testid="diff-status" style={{ flexShrink: 0 }}>{diffStatusLabel[scene.status]}</Badge>
          {scene.moved && scene.status !== "moved" && <Badge color="blue" variant="light" style={{ flexShrink: 0 }}>Moved</Badge>}
          <Text fw={700} style={{ flexShrink: 0 }}>{scene.number}</Text>
          <Text size="sm" fw={600} truncate>{scene.heading}</Text>
        </Group>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {scene.from_index != null && scene.to_index != null && scene.from_index !== scene.to_index ? `position ${scene.from_index + 1} → ${scene.to_index + 1} · ` : ""}
          {hasLines ? `+${counts.added} −${counts.removed}` : ""}
        </Text>
      </Group>
      {hasLines && (
        <Box component="pre" mt={6} mb={0} data-testid="diff-lines"
          style={{ fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12, lineHeight: 1.45, overflowX: "auto", margin: 0, maxHeight: 420 }}>
          {scene.lines.map((raw, i) => {
            const line = classifyLine(raw);
            return (
              <div key={i} data-kind={line.kind} style={{ ...lineStyle[line.kind], padding: "0 6px", whiteSpace: "pre-wrap" }}>
                <span aria-hidden style={{ display: "inline-block", width: 14, opacity: 0.8 }}>{lineSign[line.kind]}</span>{line.text || " "}
              </div>
            );
          })}
        </Box>
      )}
    </Card>
  );
}
