// Edit the screenplay as Fountain text and save it as the next version, based on the version the edit started from.
import { Alert, Button, Group, Loader, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDeviceFloppy, IconPencil } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api, apiAll, ApiError } from "../../api/client";
import { post, useJobs, useScriptVersion } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Job, Script, ScriptVersion, ScriptVersionDetail } from "../../api/types";
import { useDraft } from "../../hooks/useDraft";
import { JobProgress } from "../media/JobProgress";
import { isActiveJob } from "../media/format";
import { latestVersion } from "./diff";
import { editOutcome, SCRIPT_JOB_LABEL, useSeedJob } from "./jobs";

const loadText = (qc: ReturnType<typeof useQueryClient>, id: number) =>
  qc.fetchQuery({ queryKey: keys.scriptVersion(id), queryFn: () => api<ScriptVersionDetail>(`/api/script-versions/${id}/`), staleTime: Infinity });

/**
 * The text and the id of the version it started from are drafts (localStorage), so a reload or a lost connection loses nothing;
 * a save whose parent is no longer the latest is refused (409) and the user chooses: load the newer one (their text kept) or save on top.
 * Saving is a job (`script.edit`, 202): its progress shows live; the draft stays until the job has saved the version (its id is a
 * draft too, so a reload keeps watching it). A job that fails because someone saved a version meanwhile opens the same choice.
 */
export function EditView({ script, versions, canWrite, onSaved }: {
  script: Script; versions: ScriptVersion[]; canWrite: boolean; onSaved: (versionNumber: number) => void;
}) {
  const qc = useQueryClient();
  const [text, setText, clearText] = useDraft(`script.${script.id}.edit`);
  const [baseDraft, setBase, clearBase] = useDraft(`script.${script.id}.edit.base`);
  const [mine, setMine, clearMine] = useDraft(`script.${script.id}.edit.mine`);
  const [savingId, setSavingId, clearSavingId] = useDraft(`script.${script.id}.edit.job`);
  const [answered, setAnswered] = useState<Job | null>(null);
  const seed = useSeedJob(script.production);
  const jobs = useJobs(script.production).data;
  const saving = savingId ? (jobs?.find((j) => j.id === savingId) ?? (answered?.id === savingId ? answered : null)) : null;
  const savingActive = saving != null && isActiveJob(saving);
  const [summary, setSummary] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<ScriptVersion | null>(null);
  const conflictRef = useRef<HTMLDivElement>(null);
  // A refused save: bring the choice into view (the editor may be scrolled far below it).
  useEffect(() => { if (conflict) conflictRef.current?.scrollIntoView({ behavior: "smooth", block: "center" }); }, [conflict]);
  const base = baseDraft ? Number(baseDraft) : null;
  const original = useScriptVersion(base);
  const latest = versions.reduce<ScriptVersion | null>((a, b) => (!a || b.number > a.number ? b : a), null);
  const baseVersion = versions.find((v) => v.id === base);
  const stale = base != null && latest != null && latest.id !== base && !savingActive;
  const unchanged = original.data != null && original.data.text === text;

  async function start(from: ScriptVersion) {
    setBusy(true);
    setError(null);
    try {
      const detail = await loadText(qc, from.id);
      setText(detail.text);
      setBase(String(detail.id));
      setConflict(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The server could not be reached. Try again.");
    } finally {
      setBusy(false);
    }
  }

  function stop() { clearText(); clearBase(); setSummary(""); setConflict(null); setError(null); }

  async function save(parent: number) {
    setBusy(true);
    setError(null);
    try {
      const job = await post<Job>(`/api/scripts/${script.id}/versions/`, { text, summary: summary.trim(), parent });
      seed(job);
      setAnswered(job);
      setSavingId(job.id);
      setConflict(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setConflict((e.extra.current as ScriptVersion | undefined) ?? latest);
        void qc.invalidateQueries({ queryKey: keys.scriptVersions(script.id) });
      } else if (e instanceof ApiError) setError(Object.values(e.fields)[0] ?? e.message);
      else setError("The server could not be reached. Your text is kept as a draft; try again.");
    } finally {
      setBusy(false);
    }
  }

  // The saving job ended: the version is saved (the draft goes), or someone saved a newer one first (the choice), or it failed.
  const savingStatus = saving?.status;
  useEffect(() => {
    if (!saving || isActiveJob(saving)) return;
    let cancelled = false;
    void (async () => {
      const fresh = await qc.fetchQuery({ queryKey: keys.scriptVersions(script.id), queryFn: () => apiAll<ScriptVersion>(`/api/scripts/${script.id}/versions/`), staleTime: 0 })
        .catch(() => versions);
      if (cancelled) return;
      const newest = latestVersion(fresh);
      const outcome = editOutcome(saving, base, newest?.id ?? null);
      clearSavingId();
      setAnswered(null);
      if (outcome.kind === "saved") {
        stop();
        notifications.show({ color: "green", title: `Saved v${outcome.number}`, message: summary.trim() || `A new version of ${script.title}.` });
        onSaved(outcome.number);
      } else if (outcome.kind === "conflict") setConflict(newest);
      else if (outcome.kind === "failed") setError(outcome.error);
    })();
    return () => { cancelled = true; };
  }, [savingStatus]); // eslint-disable-line react-hooks/exhaustive-deps -- once per end of the saving job
  // A saving job the page no longer knows of (gone from the newest 100): stop waiting for it, the text stays.
  useEffect(() => { if (savingId && jobs && !saving) clearSavingId(); }, [savingId, jobs, saving, clearSavingId]);

  /** The newer version into the editor; what the user typed stays in a draft to restore or copy from. */
  async function reload(to: ScriptVersion) {
    setMine(text);
    await start(to);
  }

  if (!latest) return <Text size="sm" c="dimmed">Import a screenplay first; then its text can be edited here.</Text>;
  if (base == null) {
    return (
      <Stack gap="xs" align="flex-start" data-testid="script-edit">
        <Text size="sm">Edit the Fountain text of the latest version and save it as the next one. The crew&apos;s scenes are kept and matched, as for an upload.</Text>
        {error && <Alert color="red">{error}</Alert>}
        <Button leftSection={<IconPencil size={18} />} onClick={() => void start(latest)} loading={busy} disabled={!canWrite} data-testid="edit-start">
          Edit v{latest.number}
        </Button>
        {!canWrite && <Text size="sm" c="dimmed">Viewers cannot edit the screenplay.</Text>}
      </Stack>
    );
  }
  const other = conflict ?? (stale ? latest : null);
  return (
    <Stack gap="sm" data-testid="script-edit" data-base={base}>
      <Group justify="space-between">
        <Text size="sm">Editing, based on <b>v{baseVersion?.number ?? "?"}</b>. Your text is kept as a draft until you save or discard it.</Text>
        <Button variant="subtle" color="gray" onClick={stop} disabled={busy} data-testid="edit-discard">Discard edit</Button>
      </Group>
      {other && (
        <Alert ref={conflictRef} color={conflict ? "red" : "yellow"} title={conflict ? "Someone saved a newer version" : "A newer version was saved meanwhile"} data-testid="edit-conflict">
          <Text size="sm">
            v{other.number}{other.created_by_name ? ` by ${other.created_by_name}` : ""}{other.summary ? ` (“${other.summary}”)` : ""} was saved after the version you started from,
            {conflict ? " so your save was refused." : " so saving will be refused."} Load it to edit on top of it — your text stays in a draft — or save yours as the next version anyway.
          </Text>
          <Group mt="xs" gap="xs">
            <Button size="xs" onClick={() => void reload(other)} loading={busy} data-testid="edit-reload">Load v{other.number} (keep my text as a draft)</Button>
            <Button size="xs" variant="default" onClick={() => void save(other.id)} loading={busy || savingActive} data-testid="edit-save-anyway">Save mine on top of v{other.number}</Button>
          </Group>
        </Alert>
      )}
      {mine && (
        <Alert color="blue" variant="light" data-testid="edit-kept-draft" withCloseButton onClose={clearMine} closeButtonLabel="Forget my earlier text">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Text size="sm">Your earlier text ({mine.length.toLocaleString()} characters) is kept.</Text>
            <Group gap="xs">
              <Button size="xs" variant="light" onClick={() => void navigator.clipboard?.writeText(mine)}>Copy it</Button>
              <Button size="xs" variant="default" onClick={() => { setText(mine); clearMine(); }}>Put it back in the editor</Button>
            </Group>
          </Group>
        </Alert>
      )}
      {error && <Alert color="red" data-testid="edit-error">{error}</Alert>}
      {original.isPending && <Group gap="xs"><Loader size="sm" /><Text size="sm" c="dimmed">Loading the text…</Text></Group>}
      <Textarea aria-label="Screenplay (Fountain)" value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={16} maxRows={36}
        spellCheck={false} data-testid="script-editor" styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 13, lineHeight: 1.5 } }} />
      <Group align="flex-end" wrap="wrap">
        <TextInput label="Summary" placeholder="Tightened scene 12; new ending" value={summary} onChange={(e) => setSummary(e.currentTarget.value)}
          maxLength={200} style={{ flex: 1, minWidth: 240 }} data-testid="edit-summary" />
        <Button leftSection={<IconDeviceFloppy size={18} />} onClick={() => void save(base)} loading={busy || savingActive} disabled={!canWrite || unchanged || !text.trim()}
          data-testid="edit-save">
          Save as new version
        </Button>
      </Group>
      {saving && savingActive && <JobProgress job={saving} testId="edit-job" label={SCRIPT_JOB_LABEL["script.edit"]} />}
      {unchanged && <Text size="xs" c="dimmed">No changes yet.</Text>}
    </Stack>
  );
}
