// AI writing on the screenplay page: a version from the logline, or one scene written / rewritten; the text streams live to everyone.
import { Alert, Anchor, Box, Button, Card, Group, Loader, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconSparkles, IconWand } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { ApiError } from "../../api/client";
import { post, useAiStatus, useJobs } from "../../api/hooks";
import type { Id, Job, Scene, Script, ScriptVersion } from "../../api/types";
import { seedJob } from "../media/cache";
import { when } from "../media/format";
import { JobProgress } from "../media/JobProgress";
import { AiOff } from "./AiOff";
import { jobToShow, notConfiguredVariable, WRITE_SCENE_KIND, WRITE_SCRIPT_KIND, writtenVersion } from "./status";

const FORMS = [
  { value: "outline", label: "Outline — three acts of scene headings with synopses" },
  { value: "treatment", label: "Treatment — the scenes in prose" },
  { value: "screenplay", label: "Screenplay" },
];
type SceneMode = "regenerate" | "after" | "end";

export function AiWritingPanel({ script, scenes, versions, canWrite, onOpenVersion }: {
  script: Script; scenes: Scene[]; versions: ScriptVersion[]; canWrite: boolean; onOpenVersion: (number: number) => void;
}) {
  const qc = useQueryClient();
  const status = useAiStatus();
  const jobs = useJobs(script.production).data;
  const [mine, setMine] = useState<string | null>(null);
  const [offVariable, setOffVariable] = useState<string | null>(null);
  const job = jobToShow(jobs, mine, (j) => (j.kind === WRITE_SCRIPT_KIND || j.kind === WRITE_SCENE_KIND) && j.params.script_id === script.id);

  async function start(path: string, body: object): Promise<Record<string, string> | null> {
    try {
      const { job: started } = await post<{ job: Job }>(path, body);
      seedJob(qc, script.production, started);
      setMine(started.id);
      return null;
    } catch (e) {
      const variable = notConfiguredVariable(e);
      if (variable !== null) { setOffVariable(variable); return null; }
      if (e instanceof ApiError && Object.keys(e.fields).length) return e.fields;
      notifications.show({ color: "red", title: "AI writing did not start", message: e instanceof ApiError ? e.message : "The server could not be reached." });
      return null;
    }
  }

  const writing = status.data?.writing;
  let body: ReactNode;
  if (status.isPending) body = <Group gap="xs"><Loader size="sm" /><Text size="sm" c="dimmed">Checking what this server offers…</Text></Group>;
  else if (status.error) body = <Alert color="red">Could not read which AI features are on: {status.error.message}</Alert>;
  else if (!writing?.configured || offVariable !== null) body = <AiOff feature="AI writing" variable={offVariable || writing?.variable || "ANTHROPIC_API_KEY"} />;
  else {
    const busy = job?.status === "pending" || job?.status === "running";
    body = (
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <GenerateScript script={script} disabled={!canWrite || busy} onStart={(b) => start(`/api/ai/scripts/${script.id}/generate/`, b)} />
        <GenerateScene scenes={scenes} disabled={!canWrite || busy} onStart={(b) => start(`/api/ai/scripts/${script.id}/scenes/generate/`, b)} />
      </SimpleGrid>
    );
  }
  return (
    <Stack gap="sm" data-testid="ai-writing">
      {writing?.configured && <Text size="xs" c="dimmed">Written by {writing.model}. Nothing is overwritten: the result is saved as the next version.</Text>}
      {body}
      {!canWrite && <Text size="sm" c="dimmed">Viewers cannot start AI writing.</Text>}
      {job && <WritingJob job={job} versions={versions} onOpenVersion={onOpenVersion} />}
    </Stack>
  );
}

function GenerateScript({ script, disabled, onStart }: { script: Script; disabled: boolean; onStart: (body: object) => Promise<Record<string, string> | null> }) {
  const [logline, setLogline] = useState("");
  const [form, setForm] = useState("screenplay");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  async function submit() {
    setBusy(true);
    setErrors((await onStart({ logline: logline.trim(), form })) ?? {});
    setBusy(false);
  }
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void submit(); }} data-testid="ai-generate-form">
      <Title order={3} size="h5" mb="xs">Generate from logline</Title>
      <Stack gap="xs">
        <Textarea label="Logline" placeholder={script.logline || "The story in a sentence or two"} autosize minRows={2} value={logline}
          description={script.logline ? "Empty: the script's own logline." : undefined} onChange={(e) => setLogline(e.currentTarget.value)}
          error={errors.logline} data-testid="ai-logline" />
        <Select label="Form" data={FORMS} value={form} allowDeselect={false} onChange={(v) => v && setForm(v)} error={errors.form} data-testid="ai-form" />
        {(script.genre || script.tone) && <Text size="xs" c="dimmed">Genre {script.genre || "—"}{script.genre_locked ? " (locked)" : ""} · tone {script.tone || "—"}{script.tone_locked ? " (locked)" : ""}</Text>}
        <Group justify="flex-end">
          <Button type="submit" leftSection={<IconSparkles size={18} />} loading={busy} disabled={disabled || (!logline.trim() && !script.logline)} data-testid="ai-generate">
            Generate
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function GenerateScene({ scenes, disabled, onStart }: { scenes: Scene[]; disabled: boolean; onStart: (body: object) => Promise<Record<string, string> | null> }) {
  const [mode, setMode] = useState<SceneMode>("regenerate");
  const [scene, setScene] = useState<string | null>(null);
  const [brief, setBrief] = useState({ setting: "", goal: "", tension: "", tone: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const options = scenes.map((s) => ({ value: String(s.id), label: `${s.number}. ${s.slugline || "(no slugline)"}` }));
  const needsScene = mode !== "end";
  async function submit() {
    setBusy(true);
    const target: Record<string, Id | null> = mode === "regenerate" ? { scene: Number(scene) } : mode === "after" ? { after_scene: Number(scene) } : {};
    const fields = await onStart({ ...target, ...brief });
    setErrors(fields ?? {});
    setBusy(false);
  }
  const field = (k: keyof typeof brief, label: string, placeholder: string) => (
    <TextInput label={label} placeholder={placeholder} value={brief[k]} error={errors[k]} data-testid={`ai-scene-${k}`}
      onChange={(e) => { const v = e.currentTarget.value; setBrief((b) => ({ ...b, [k]: v })); }} />
  );
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => { e.preventDefault(); void submit(); }} data-testid="ai-scene-form">
      <Title order={3} size="h5" mb="xs">Write / regenerate a scene</Title>
      <Stack gap="xs">
        <SegmentedControl value={mode} onChange={(v) => setMode(v as SceneMode)} data-testid="ai-scene-mode"
          data={[{ value: "regenerate", label: "Regenerate" }, { value: "after", label: "New, after scene" }, { value: "end", label: "New, at the end" }]} />
        {needsScene && (
          <Select label={mode === "regenerate" ? "Scene" : "After scene"} placeholder="Pick a scene" data={options} value={scene} onChange={setScene} searchable
            error={errors.scene ?? errors.after_scene} data-testid="ai-scene-select" nothingFoundMessage="No such scene" />
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          {field("setting", "Setting", "The library after closing, rain on the skylight")}
          {field("goal", "Goal", "Ana finds the letter")}
          {field("tension", "Tension", "The guard is on his way back")}
          {field("tone", "Tone", "Hushed, menacing")}
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" leftSection={<IconWand size={18} />} loading={busy} data-testid="ai-write-scene"
            disabled={disabled || (needsScene && !scene) || (mode !== "regenerate" && !brief.setting.trim() && !brief.goal.trim())}>
            {mode === "regenerate" ? "Regenerate scene" : "Write scene"}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** The job's live text (every member watching sees it: the dispatch keeps `job.progress` `text` on the cached job), then the version it made. */
function WritingJob({ job, versions, onOpenVersion }: { job: Job; versions: ScriptVersion[]; onOpenVersion: (number: number) => void }) {
  const ref = useRef<HTMLPreElement>(null);
  const text = job.text ?? "";
  useEffect(() => { const el = ref.current; if (el) el.scrollTop = el.scrollHeight; }, [text]);
  const written = writtenVersion(job);
  const version = written ? versions.find((v) => v.id === written.id) : undefined;
  const label = `${job.kind === WRITE_SCENE_KIND ? "Writing a scene" : "Writing from the logline"} · ${when(job.created_at)}`;
  return (
    <Card withBorder data-testid="ai-job" data-status={job.status}>
      <JobProgress job={job} testId="ai-job-progress" label={label} />
      {(text || job.status === "running") && (
        <Box component="pre" ref={ref} data-testid="ai-stream" data-length={text.length} mt="xs" mb={0}
          style={{ fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12, whiteSpace: "pre-wrap", maxHeight: 360, overflowY: "auto",
            background: "var(--mantine-color-default-hover)", padding: 8, borderRadius: 4 }}>
          {text || "Waiting for the first words…"}
        </Box>
      )}
      {written && (
        <Group gap="xs" mt="xs" data-testid="ai-result" data-version={written.number}>
          <Text size="sm" c="green">Saved as v{written.number}{version?.summary ? ` — ${version.summary}` : ""}.</Text>
          <Anchor component="button" type="button" size="sm" onClick={() => onOpenVersion(written.number)} data-testid="ai-open-version">See what changed</Anchor>
          <Anchor size="sm" href={`/api/script-versions/${written.id}/export.fountain`}>.fountain</Anchor>
          <Anchor size="sm" href={`/api/script-versions/${written.id}/export.pdf`}>PDF</Anchor>
        </Group>
      )}
    </Card>
  );
}
