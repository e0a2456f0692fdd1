import { ActionIcon, Alert, Anchor, Badge, Button, Card, FileInput, Grid, Group, Progress, Select, Stack, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconFileText, IconFileTypePdf, IconFileTypeXml, IconFileDiff, IconDownload, IconFiles, IconNotes, IconUpload } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ApiError, upload } from "../api/client";
import { useJobs, useProduction, useScenes, useScripts, useScriptVersions } from "../api/hooks";
import { keys } from "../api/keys";
import type { Id, Job, Script } from "../api/types";
import { eighths } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import { seedJob } from "./media/cache";
import { isActiveJob, jobKindLabel, percent, shortWhen, when } from "./media/format";
import { JobProgress } from "./media/JobProgress";
import { checkUploadSize, MAX_SCRIPT_UPLOAD_BYTES, SCRIPT_ACCEPT, titleFromFileName, uploadErrorMessage } from "./media/uploads";
import { changesText, sourceColor, sourceLabel } from "./script/diff";
import { ExportButton } from "./script/ExportButton";
import { PageLock } from "./script/PageLock";
import { revisionColour } from "./script/revisions";
import { ScriptWorkspace } from "./script/ScriptWorkspace";
import { PageTitle } from "../components/PageFrame";

const IMPORT_KIND = "script.import";
type FieldErrors = Partial<Record<"file" | "title" | "script" | "form", string>>;

/** The screenplay: import a Fountain, Final Draft or PDF file (new script or next version), watch the import, see its scenes and versions. */
export function ScriptPage() {
  const id = useProductionId();
  const scripts = useScripts(id);
  const jobs = useJobs(id).data;
  const [importJobId, setImportJobId] = useState<string | null>(null);

  // The import this user started, else the newest one still running (someone else's) — the workspace is shared.
  const running = jobs?.find((j) => j.kind === IMPORT_KIND && isActiveJob(j));
  const job = (importJobId ? jobs?.find((j) => j.id === importJobId) : undefined) ?? running;

  return (
    <Stack>
      <PageTitle>Screenplay</PageTitle>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 4 }}>
          <ImportForm production={id} scripts={scripts.data ?? []} onStarted={setImportJobId} busy={isActiveJob(job)} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 8 }}>
          <Stack>
            {job && <ImportStatus production={id} job={job} />}
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">Scripts</Title>
              {scripts.error && <Alert color="red">{scripts.error.message}</Alert>}
              {scripts.data?.length === 0 && <Text c="dimmed" size="sm">No screenplay yet: import a Fountain, Final Draft or PDF file.</Text>}
              <Stack>{scripts.data?.map((s) => <ScriptVersions key={s.id} script={s} />)}</Stack>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
      {scripts.data && scripts.data.length > 0 && <ScriptWorkspace production={id} scripts={scripts.data} />}
      <SceneList production={id} />
    </Stack>
  );
}

function ImportForm({ production, scripts, onStarted, busy }: { production: Id; scripts: Script[]; onStarted: (job: string) => void; busy: boolean }) {
  const qc = useQueryClient();
  const viewer = useProduction(production).data?.my_role === "viewer";
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState("");
  const [titleTyped, setTitleTyped] = useState(false); // else it follows the chosen file's name
  const [script, setScript] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [progress, setProgress] = useState<number | null>(null);

  function pick(f: File | null) {
    setFile(f);
    setErrors({});
    if (f) {
      const refused = checkUploadSize(f, MAX_SCRIPT_UPLOAD_BYTES, "screenplay");
      if (refused) setErrors({ file: refused });
      // The same file again is the next version of its script: say so in the form rather than leave it implicit.
      const same = scripts.find((s) => s.title === f.name || s.title === titleFromFileName(f.name));
      if (same && !titleTyped) { setScript(String(same.id)); setTitle(""); }
      else if (!titleTyped && !script) setTitle(titleFromFileName(f.name));
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) { setErrors({ file: "Choose a .fountain, .fdx or .pdf file." }); return; }
    const refused = checkUploadSize(file, MAX_SCRIPT_UPLOAD_BYTES, "screenplay");
    if (refused) { setErrors({ file: refused }); return; }
    const form = new FormData();
    form.append("production", String(production));
    form.append("file", file);
    form.append("title", title.trim());
    if (script) form.append("script", script);
    setErrors({});
    setProgress(0);
    try {
      const { job, ...saved } = await upload<Script & { job: Job }>("/api/scripts/", form, setProgress);
      seedJob(qc, production, job);
      qc.setQueryData<Script[]>(keys.scripts(production), (old) => (old && !old.some((s) => s.id === saved.id) ? [saved, ...old] : old));
      onStarted(job.id);
      notifications.show({ color: "blue", title: "Importing", message: `${file.name} is uploaded; Slate is reading its scenes.` });
      setFile(null);
      setTitle("");
      setTitleTyped(false);
      setScript(null);
    } catch (err) {
      setErrors(fieldErrors(err));
    } finally {
      setProgress(null);
    }
  }

  return (
    <Card withBorder component="form" onSubmit={submit} data-testid="script-upload-form">
      <Title order={2} size="h4" mb="xs">Import a screenplay</Title>
      <Stack gap="sm">
        <FileInput label="Screenplay file" placeholder="Choose a .fountain, .fdx or .pdf file" accept={SCRIPT_ACCEPT} value={file} onChange={pick} clearable
          leftSection={<IconFileText size={18} />} error={errors.file} data-testid="script-file" disabled={progress !== null}
          description={`Fountain (UTF-8 text), Final Draft (.fdx) or PDF, at most ${MAX_SCRIPT_UPLOAD_BYTES / 1024 ** 2} MiB. Slate tells them apart by their content.`} />
        <TextInput label="Title" placeholder={script ? "Keeps the script's title" : "Defaults to the file name"} value={title} onChange={(e) => { setTitle(e.currentTarget.value); setTitleTyped(e.currentTarget.value !== ""); }}
          error={errors.title} data-testid="script-title" maxLength={200} disabled={progress !== null || script !== null} />
        <Select label="New version of" placeholder="A new script" clearable value={script} onChange={(v) => { setScript(v); if (v) { setTitle(""); setTitleTyped(false); } }}
          data={scripts.map((s) => ({ value: String(s.id), label: s.title }))} error={errors.script} data-testid="script-of"
          description="Leave empty to start a new script (or the next version of one with the same title)." disabled={progress !== null} />
        {errors.form && <Alert color="red" data-testid="script-upload-error">{errors.form}</Alert>}
        {progress !== null && <Progress value={percent(progress)} data-testid="upload-progress" data-progress={progress} striped animated={progress >= 1} />}
        <Group justify="flex-end">
          <Button type="submit" leftSection={<IconUpload size={18} />} loading={progress !== null} disabled={viewer || !!errors.file || busy}
            data-testid="script-upload-submit">
            Import
          </Button>
        </Group>
        {viewer && <Text size="sm" c="dimmed">Viewers cannot import screenplays.</Text>}
        {busy && !viewer && <Text size="sm" c="dimmed">Wait for the running import to finish.</Text>}
      </Stack>
    </Card>
  );
}

/** Server errors next to their fields: the file's own problems (unsupported_format, not_fountain, empty_file, too_large) under the file. */
function fieldErrors(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return { form: uploadErrorMessage(err) };
  const fields = err.fields;
  const out: FieldErrors = {};
  if (fields.file) out.file = fields.file;
  if (fields.title) out.title = fields.title;
  if (fields.script) out.script = fields.script;
  if (["unsupported_format", "not_fountain", "empty_file", "too_large"].includes(err.code)) out.file = err.message;
  if (Object.keys(out).length === 0) out.form = uploadErrorMessage(err);
  return out;
}

/** The import's live progress; when it succeeds the scenes and versions are refetched (the events also bring them). */
function ImportStatus({ production, job }: { production: Id; job: Job }) {
  const qc = useQueryClient();
  const scriptId = typeof job.params.script_id === "number" ? job.params.script_id : null;
  useEffect(() => {
    if (job.status !== "succeeded") return;
    void qc.invalidateQueries({ queryKey: keys.scenes(production) });
    if (scriptId != null) void qc.invalidateQueries({ queryKey: keys.scriptVersions(scriptId) });
  }, [job.status, production, scriptId, qc]);
  const count = job.result.scene_count;
  return (
    <Card withBorder data-testid="script-import">
      <JobProgress job={job} testId="job-progress" label={`${jobKindLabel(job.kind)} · ${when(job.created_at)}`} />
      {job.status === "succeeded" && typeof count === "number" && (
        <Text size="sm" c="green" mt="xs" data-testid="import-result">Imported {count} scene{count === 1 ? "" : "s"}.</Text>
      )}
    </Card>
  );
}

function ScriptVersions({ script }: { script: Script }) {
  const versions = useScriptVersions(script.id);
  const [params, setParams] = useSearchParams();
  const lockedNumber = versions.data?.find((v) => v.id === script.locked_version)?.number;
  // "Diff" on a row opens the workspace's diff of that version against the one it was made from.
  const openDiff = (number: number) => {
    const next = new URLSearchParams(params);
    next.set("script", String(script.id));
    next.set("view", "diff");
    next.set("to", String(number));
    next.delete("from");
    setParams(next, { replace: true });
    document.querySelector("[data-testid=script-workspace]")?.scrollIntoView({ behavior: "smooth", block: "start" });
  };
  return (
    <div data-testid="script-card" data-script-id={script.id}>
      <Group gap="xs" mb={4}>
        <Text fw={600}>{script.title}</Text>
        {versions.data && <Badge variant="light">{versions.data.length} version{versions.data.length === 1 ? "" : "s"}</Badge>}
        {versions.data && <PageLock script={script} versions={versions.data} />}
      </Group>
      {script.logline && <Text size="sm" c="dimmed" mb={4} lineClamp={2}>{script.logline}</Text>}
      {versions.data && versions.data.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing={4} fz="sm">
            <Table.Thead><Table.Tr><Table.Th>Version</Table.Th><Table.Th>Source</Table.Th><Table.Th>Summary · by · when</Table.Th><Table.Th>Scenes</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {[...versions.data].reverse().map((v) => {
                const changes = changesText(v.changes);
                // Once the pages are locked, each later version is a revision: its changed pages print on the next colour.
                const level = lockedNumber != null ? v.number - lockedNumber : 0;
                return (
                  <Table.Tr key={v.id} data-testid="script-version" data-number={v.number} data-source={v.source}>
                    <Table.Td fw={600}>v{v.number}{level > 0 && <Text span size="xs" c="dimmed" fw={400} data-testid="version-revision"> · {revisionColour(level)}</Text>}</Table.Td>
                    <Table.Td miw={88}>
                      <Tooltip label={v.source_name} disabled={!v.source_name}>
                        <Badge size="sm" variant="light" color={sourceColor[v.source] ?? "gray"} data-testid="version-source" style={{ overflow: "visible" }}>{sourceLabel[v.source] ?? v.source}</Badge>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td maw={340}>
                      <Text size="sm" truncate title={v.summary || v.source_name}>{v.summary || v.source_name || "—"}</Text>
                      <Text size="xs" c="dimmed" truncate title={when(v.created_at)}>
                        {[v.created_by_name, shortWhen(v.created_at)].filter(Boolean).join(" · ")}
                        {changes && <span data-testid="version-changes"> · {changes}</span>}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>{v.scene_count} · {eighths(v.page_eighths)} pp</Table.Td>
                    <Table.Td>
                      <Group gap={2} wrap="nowrap">
                        <ExportButton production={script.production} url={`/api/script-versions/${v.id}/export.fountain`} filename={`${script.title} v${v.number}.fountain`}
                          label={`Download v${v.number} as Fountain`} testId="download-fountain">
                          <IconDownload size={16} />
                        </ExportButton>
                        <ExportButton production={script.production} url={`/api/script-versions/${v.id}/export.fdx`} filename={`${script.title} v${v.number}.fdx`}
                          label={`Download v${v.number} as Final Draft`} testId="download-fdx">
                          <IconFileTypeXml size={16} />
                        </ExportButton>
                        <ExportButton production={script.production} url={`/api/script-versions/${v.id}/export.pdf`} filename={`${script.title} v${v.number}.pdf`}
                          label={`Download v${v.number} as PDF`} testId="download-pdf">
                          <IconFileTypePdf size={16} />
                        </ExportButton>
                        <ExportButton production={script.production} url={`/api/script-versions/${v.id}/export.pdf?notes=1`}
                          filename={`${script.title} v${v.number} with notes.pdf`} label={`Download v${v.number} as PDF with the writer's notes`}
                          testId="download-pdf-notes">
                          <IconNotes size={16} />
                        </ExportButton>
                        {level > 0 && (
                          <ExportButton production={script.production} url={`/api/script-versions/${v.id}/export.pdf?revision=pages`}
                            filename={`${script.title} v${v.number} revision pages.pdf`} label={`Download v${v.number}'s ${revisionColour(level).toLowerCase()} revision pages`}
                            testId="download-revision-pages">
                            <IconFiles size={16} />
                          </ExportButton>
                        )}
                        <Tooltip label={v.number > 1 ? `What changed in v${v.number}` : `v${v.number} against an empty script`}>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Diff of v${v.number}`} onClick={() => openDiff(v.number)} data-testid="version-diff">
                            <IconFileDiff size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {versions.isPending && <Text size="sm" c="dimmed">Loading versions…</Text>}
    </div>
  );
}

function SceneList({ production }: { production: Id }) {
  const scenes = useScenes(production);
  const list = scenes.data ?? [];
  const total = list.reduce((sum, s) => sum + s.page_eighths, 0);
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">Scenes</Title>
        {list.length > 0 && <Text size="sm" c="dimmed">{list.length} scenes · {eighths(total)} pages</Text>}
      </Group>
      {scenes.isPending && <Text c="dimmed" size="sm">Loading scenes…</Text>}
      {scenes.data && list.length === 0 && <Text c="dimmed" size="sm">No scenes yet: they appear when a screenplay is imported.</Text>}
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={480}>
          <Table striped highlightOnHover data-testid="scene-list">
            <Table.Thead><Table.Tr><Table.Th w={80}>Scene</Table.Th><Table.Th>Slugline</Table.Th><Table.Th w={100}>Pages</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {list.map((s) => (
                <Table.Tr key={s.id} data-testid="scene-row" data-scene-id={s.id}>
                  <Table.Td fw={700}>{s.number}</Table.Td>
                  <Table.Td><Anchor component={Link} to={`/productions/${production}/scenes/${s.id}`}>{s.slugline || "(no slugline)"}</Anchor></Table.Td>
                  <Table.Td>{eighths(s.page_eighths)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
