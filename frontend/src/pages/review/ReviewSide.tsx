// Beside the player: versions of the asset (v1, v2...), the approval of this version, and linking it to scene/shot/take.
import { Alert, Button, Card, Group, SegmentedControl, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { IconCheck, IconUpload, IconX } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { ApiError } from "../../api/client";
import { patch, post, useMediaVersions, useMembers, useScenes, useShots, useTakes } from "../../api/hooks";
import type { ApprovalStatus, Id, MediaAsset } from "../../api/types";
import { useFocusWhenClosed } from "../../hooks/useReturnFocus";
import { storeAsset } from "../media/cache";
import { approvalColor, approvalLabel, when } from "../media/format";
import { LinkLabel } from "../media/LinkLabel";
import { enqueueUploads } from "../media/uploadQueue";
import { SuggestionApply } from "../Dailies";

/** v1 / v2 / … of the asset's lineage; choosing one opens it. A new version is uploaded (resumably) as `replaces`. */
export function Versions({ production, asset, canWrite }: { production: Id; asset: MediaAsset; canWrite: boolean }) {
  const versions = useMediaVersions(asset.id);
  const navigate = useNavigate();
  const input = useRef<HTMLInputElement>(null);
  const list = versions.data ?? [];
  return (
    <Group gap="xs" wrap="nowrap" data-testid="versions">
      {list.length > 1 && (
        <SegmentedControl size="md" value={String(asset.id)} data-testid="version-switcher"
          data={list.map((v) => ({ value: String(v.id), label: `v${v.version_number ?? 1}` }))}
          onChange={(id) => void navigate(`/productions/${production}/dailies/${id}`)} />
      )}
      {canWrite && asset.kind === "video" && (
        <>
          <input ref={input} type="file" accept="video/*,.mov,.mxf,.mkv" hidden data-testid="version-upload"
            onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) enqueueUploads([f], production, { replaces: asset.id }); e.currentTarget.value = ""; }} />
          <Button variant="default" h={44} leftSection={<IconUpload size={16} />} onClick={() => input.current?.click()}>New version</Button>
        </>
      )}
    </Group>
  );
}

export function Approval({ production, asset, canWrite }: { production: Id; asset: MediaAsset; canWrite: boolean }) {
  const qc = useQueryClient();
  const members = useMembers(production);
  const [note, setNote] = useState("");
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = asset.approval_status ?? "pending";
  const by = members.data?.find((m) => m.user.id === asset.approval_by)?.user;

  async function set(next: ApprovalStatus, withNote = "") {
    setBusy(true);
    setError(null);
    try {
      storeAsset(qc, await post<MediaAsset>(`/api/media/${asset.id}/approval/`, { status: next, note: withNote }));
      setAsking(false);
      setNote("");
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card withBorder data-testid="approval" data-status={status}>
      <Group justify="space-between" mb={4}>
        <Title order={2} size="h4">Approval · v{asset.version_number ?? 1}</Title>
        <Text fw={600} c={approvalColor[status]} data-testid="approval-status">{approvalLabel[status]}</Text>
      </Group>
      {asset.approval_at && <Text size="xs" c="dimmed">{by ? `${by.display_name || by.name} · ` : ""}{when(asset.approval_at)}</Text>}
      {asset.approval_note && <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap" }} data-testid="approval-note">{asset.approval_note}</Text>}
      {canWrite && !asking && (
        <Group mt="sm" gap="xs">
          <Button color="green" h={44} leftSection={<IconCheck size={16} />} disabled={status === "approved"} loading={busy} onClick={() => void set("approved")} data-testid="approve">Approve</Button>
          <Button color="orange" variant="light" h={44} leftSection={<IconX size={16} />} onClick={() => setAsking(true)} data-testid="request-changes">Request changes</Button>
          {status !== "pending" && <Button variant="subtle" color="gray" h={44} onClick={() => void set("pending")}>Reset</Button>}
        </Group>
      )}
      {asking && (
        <Stack gap="xs" mt="sm">
          <Textarea label="What needs to change" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-testid="approval-note-input" autoFocus />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" h={44} onClick={() => setAsking(false)}>Cancel</Button>
            <Button color="orange" h={44} loading={busy} disabled={!note.trim()} onClick={() => void set("changes_requested", note.trim())} data-testid="request-changes-send">Request changes</Button>
          </Group>
        </Stack>
      )}
      {error && <Alert color="red" mt="xs">{error}</Alert>}
    </Card>
  );
}

/** Link by hand: scene, then shot, then take (choosing a take sets its shot and scene on the server too). */
export function LinkEditor({ production, asset, canWrite }: { production: Id; asset: MediaAsset; canWrite: boolean }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const changeButton = useRef<HTMLButtonElement>(null);
  useFocusWhenClosed(editing, changeButton); // saved or cancelled: focus back on Change
  const [scene, setScene] = useState<string | null>(asset.scene != null ? String(asset.scene) : null);
  const [shot, setShot] = useState<string | null>(asset.shot != null ? String(asset.shot) : null);
  const [take, setTake] = useState<string | null>(asset.take != null ? String(asset.take) : null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const scenes = useScenes(production);
  const sceneId = scene ? Number(scene) : 0;
  const shots = useShots(sceneId, editing && !!scene);
  const takes = useTakes(sceneId, editing && !!scene);

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const num = (v: string | null) => (v ? Number(v) : null);
      storeAsset(qc, await patch<MediaAsset>(`/api/media/${asset.id}/`, { version: asset.version, scene: num(scene), shot: num(shot), take: num(take) }));
      setEditing(false);
    } catch (e) {
      setError(e instanceof ApiError ? (e.status === 409 ? "Someone changed this clip meanwhile; check the link and save again." : e.message) : "The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card withBorder data-testid="link-editor">
      <Group justify="space-between" mb={4}>
        <Title order={2} size="h4">Scene / shot / take</Title>
        {canWrite && !editing && <Button ref={changeButton} variant="subtle" h={36} onClick={() => setEditing(true)} data-testid="link-edit">Change</Button>}
      </Group>
      <LinkLabel production={production} asset={asset} />
      {canWrite && !editing && <SuggestionApply asset={asset} />}
      {editing && (
        <Stack gap="xs" mt="xs">
          <Select label="Scene" searchable clearable value={scene} data-testid="link-scene"
            data={(scenes.data ?? []).map((s) => ({ value: String(s.id), label: `${s.number} · ${s.slugline || s.location}` }))}
            onChange={(v) => { setScene(v); setShot(null); setTake(null); }} />
          <Select label="Shot" clearable disabled={!scene} value={shot} data-testid="link-shot"
            data={(shots.data ?? []).map((s) => ({ value: String(s.id), label: `${s.number}${s.type ? ` · ${s.type}` : ""}` }))}
            onChange={(v) => { setShot(v); setTake(null); }} />
          <Select label="Take" clearable disabled={!shot} value={take} data-testid="link-take"
            data={(takes.data ?? []).filter((t) => String(t.shot) === shot).map((t) => ({ value: String(t.id), label: `Take ${t.number}${t.circled ? " (circled)" : ""}${t.no_good ? " (NG)" : ""}` }))}
            onChange={setTake} />
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" h={44} onClick={() => setEditing(false)}>Cancel</Button>
            <Button h={44} loading={busy} onClick={() => void save()} data-testid="link-save">Save</Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}
