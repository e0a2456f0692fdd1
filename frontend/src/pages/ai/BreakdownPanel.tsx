// AI breakdown of one scene: run it (or see that it is off), then accept or reject each suggested item; live for everyone.
import { Alert, Badge, Blockquote, Button, Card, Group, Loader, Stack, Switch, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCheck, IconSparkles, IconX } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../../api/client";
import { post, useAiStatus, useBreakdownSuggestions, useJobs } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { BreakdownSuggestion, Id, Job } from "../../api/types";
import { suggestionOrder } from "../../realtime/dispatch";
import { seedJob } from "../media/cache";
import { JobProgress } from "../media/JobProgress";
import { putInList } from "../scene/cache";
import { AiOff } from "./AiOff";
import { BREAKDOWN_KIND, categoryLabel, groupSuggestions, jobToShow, notConfiguredVariable, suggestionCounts } from "./status";

const statusColor: Record<BreakdownSuggestion["status"], string> = { pending: "gray", accepted: "green", rejected: "red" };

export function BreakdownPanel({ productionId, sceneId, canWrite }: { productionId: Id; sceneId: Id; canWrite: boolean }) {
  const qc = useQueryClient();
  const status = useAiStatus();
  const suggestions = useBreakdownSuggestions(sceneId);
  const jobs = useJobs(productionId).data;
  const [mine, setMine] = useState<string | null>(null);
  const [offVariable, setOffVariable] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [showDecided, setShowDecided] = useState(false);
  const job = jobToShow(jobs, mine, (j) => j.kind === BREAKDOWN_KIND && Array.isArray(j.params.scene_ids) && j.params.scene_ids.includes(sceneId));
  const running = job?.status === "pending" || job?.status === "running";
  const feature = status.data?.breakdown;

  async function run() {
    setStarting(true);
    try {
      const { job: started } = await post<{ job: Job }>("/api/ai/breakdown/", { scene: sceneId });
      seedJob(qc, productionId, started);
      setMine(started.id);
    } catch (e) {
      const variable = notConfiguredVariable(e);
      if (variable !== null) setOffVariable(variable);
      else notifications.show({ color: "red", title: "The breakdown did not start", message: e instanceof ApiError ? e.message : "The server could not be reached." });
    } finally {
      setStarting(false);
    }
  }

  const list = suggestions.data ?? [];
  const counts = suggestionCounts(list);
  const shown = showDecided ? list : list.filter((s) => s.status === "pending");
  const off = !status.isPending && (!feature?.configured || offVariable !== null);
  return (
    <Card withBorder data-testid="breakdown-panel">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Group gap="xs">
          <Title order={2} size="h3">Breakdown</Title>
          {counts.pending > 0 && <Badge variant="light" data-testid="suggestions-pending">{counts.pending} to review</Badge>}
        </Group>
        {!off && canWrite && (
          <Button leftSection={<IconSparkles size={18} />} variant="light" onClick={() => void run()} loading={starting || status.isPending} disabled={running}
            data-testid="run-breakdown">
            {list.length ? "Run AI breakdown again" : "Run AI breakdown"}
          </Button>
        )}
      </Group>
      <Stack gap="sm">
        {off && <AiOff feature="AI breakdown" variable={offVariable || feature?.variable || "ANTHROPIC_API_KEY"} />}
        {job && <JobProgress job={job} testId="breakdown-job-progress" label="AI breakdown" />}
        {suggestions.error && <Alert color="red">{suggestions.error.message}</Alert>}
        {suggestions.isPending && <Group gap="xs"><Loader size="sm" /><Text size="sm" c="dimmed">Loading suggestions…</Text></Group>}
        {suggestions.data && list.length === 0 && (
          <Text size="sm" c="dimmed">No suggested items yet.{off ? "" : " Run the AI breakdown to have Claude read the scene and list its cast, props, wardrobe…"}</Text>
        )}
        {list.length > 0 && (
          <Group justify="space-between">
            <Text size="xs" c="dimmed">{counts.accepted} accepted · {counts.rejected} rejected · {counts.pending} pending</Text>
            <Switch size="xs" label="Show decided" checked={showDecided} onChange={(e) => setShowDecided(e.currentTarget.checked)} data-testid="show-decided" />
          </Group>
        )}
        {groupSuggestions(shown).map((group) => (
          <Stack key={group.category} gap={6} data-testid="suggestion-group" data-category={group.category}>
            <Text size="xs" fw={700} tt="uppercase" c="dimmed">{categoryLabel[group.category] ?? group.category} · {group.items.length}</Text>
            {group.items.map((s) => <SuggestionRow key={s.id} suggestion={s} canWrite={canWrite} />)}
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}

function SuggestionRow({ suggestion: s, canWrite }: { suggestion: BreakdownSuggestion; canWrite: boolean }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState<"accept" | "reject" | null>(null);
  const store = (x: BreakdownSuggestion) => putInList(qc, keys.breakdownSuggestions(x.scene), x, suggestionOrder);

  async function decide(action: "accept" | "reject") {
    setBusy(action);
    try {
      store(await post<BreakdownSuggestion>(`/api/breakdown-suggestions/${s.id}/${action}/`, { version: s.version }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.extra.current) {
        const current = e.extra.current as BreakdownSuggestion;
        store(current);
        notifications.show({ color: "yellow", title: `${s.name} changed meanwhile`, message: `Someone else already ${current.status === "pending" ? "changed" : current.status} it.` });
      } else notifications.show({ color: "red", title: `${s.name} was not ${action}ed`, message: e instanceof ApiError ? e.message : "The server could not be reached." });
    } finally {
      setBusy(null);
    }
  }

  return (
    <Card withBorder padding="xs" data-testid="suggestion" data-suggestion-id={s.id} data-status={s.status} data-category={s.category}
      style={{ opacity: s.status === "rejected" ? 0.6 : 1 }}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs" wrap="wrap">
            <Text fw={700} size="sm">{s.name}</Text>
            {s.status !== "pending" && <Badge size="xs" color={statusColor[s.status]} variant="light" data-testid="suggestion-status">{s.status}</Badge>}
          </Group>
          {s.description && <Text size="sm">{s.description}</Text>}
          {s.evidence && (
            <Blockquote p={6} pl="sm" mt={2} color="gray" fz="xs" fs="italic" data-testid="suggestion-evidence" style={{ whiteSpace: "pre-wrap" }}>
              “{s.evidence}”
            </Blockquote>
          )}
        </Stack>
        {canWrite && s.status === "pending" && (
          <Group gap={4} wrap="nowrap">
            <Button title={s.category === "cast" ? "Accept: adds the character" : s.category === "props" ? "Accept: adds the prop" : "Accept into the breakdown"} size="compact-sm" color="green" variant="light" leftSection={<IconCheck size={14} />} aria-label={`Accept ${s.name}`}
              loading={busy === "accept"} disabled={busy !== null} onClick={() => void decide("accept")} data-testid="suggestion-accept">Accept</Button>
            <Button size="compact-sm" color="red" variant="subtle" leftSection={<IconX size={14} />} aria-label={`Reject ${s.name}`}
              loading={busy === "reject"} disabled={busy !== null} onClick={() => void decide("reject")} data-testid="suggestion-reject">Reject</Button>
          </Group>
        )}
      </Group>
    </Card>
  );
}
