// One call sheet: a form for schedulers (saved with its version), the published sheet for everyone else, what changed,
// the PDF, the distribution list (live), and each recipient's "Confirm receipt".
import { Alert, Anchor, Badge, Button, Center, Grid, Group, Loader, Paper, Stack, Text, Tooltip } from "@mantine/core";
import { IconCheck, IconFileTypePdf, IconSend } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError, api } from "../../api/client";
import { useMe, useProduction } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { CallSheet, CallSheetEdit, CallSheetRecipient, CallWarning } from "../../api/schedule";
import { useConflict } from "../../components/ConflictDialog";
import { useProductionId } from "../../hooks/useProductionId";
import { PendingBadge } from "../../offline/PendingBadge";
import { getOutbox, useOutbox } from "../../offline/runtime";
import { callSheetConfirm } from "../../offline/writes";
import { changedEdit, clock, editOf, publishLabel, recipientStatus, sheetErrorMessage, statusBadge, validateSheet } from "./callsheet";
import { CallTimes, CastCalls, CrewCalls, HospitalAndWeather, Locations, Notes } from "./CallSheetForm";
import { Advance, DayScenes, Distribution, WhatChanged } from "./CallSheetPanels";
import { SheetBlocks } from "./SheetBlocks";
import { canSchedule, useCallSheet, useCallSheetRecipients, useCallSheetRevisions, useShootDays } from "./queries";
import { shortDate } from "./strips";
import { PageTitle } from "../../components/PageFrame";

/** /productions/:id/call-sheets/:sheetId */
export function CallSheetPage() {
  const production = useProductionId();
  const sheetId = Number(useParams().sheetId);
  const qc = useQueryClient();
  const me = useMe().data;
  const editable = canSchedule(useProduction(production).data?.my_role);
  const query = useCallSheet(sheetId);
  const days = useShootDays(production);
  const revisions = useCallSheetRevisions(sheetId);
  const recipients = useCallSheetRecipients(sheetId);
  const conflict = useConflict<CallSheet>("call sheet");
  const [draft, setDraft] = useState<CallSheetEdit | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  // Hand-set crew calls the last save left earlier or later than the general call it moved (the server's `warnings`).
  const [callWarnings, setCallWarnings] = useState<CallWarning[]>([]);
  const [publishError, setPublishError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [mine, setMine] = useState<CallSheetRecipient | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const seenFor = useRef<string | null>(null);
  const outbox = useOutbox();
  const sheet = query.data;

  /** My recipient row, from the live list when it has one, else from my own seen/confirm answers. */
  const myRow = useMemo(() => {
    const listed = me ? recipients.data?.find((r) => r.user === me.id) : undefined;
    if (listed && mine && mine.id === listed.id) return Date.parse(mine.confirmed_at ?? "") > Date.parse(listed.confirmed_at ?? "") ? mine : listed;
    return listed ?? mine;
  }, [recipients.data, mine, me]);

  const storeRecipient = (row: CallSheetRecipient) => {
    setMine(row);
    qc.setQueryData<CallSheetRecipient[]>(keys.callSheetRecipients(sheetId), (old) =>
      old ? (old.some((r) => r.id === row.id) ? old.map((r) => (r.id === row.id ? row : r)) : [...old, row]) : old);
  };

  // Opening a published sheet tells the producer it was seen: once per revision while the page is open.
  const revision = sheet?.revision ?? 0;
  useEffect(() => {
    if (!me || revision === 0) return;
    const key = `${sheetId}:${revision}`;
    if (seenFor.current === key) return;
    seenFor.current = key;
    api<CallSheetRecipient>(`/api/call-sheets/${sheetId}/seen/`, { method: "POST", json: {} })
      .then(storeRecipient)
      .catch(() => undefined); // not a recipient (joined after publishing): nothing to record
  }, [sheetId, revision, me]); // eslint-disable-line react-hooks/exhaustive-deps

  if (query.isPending) return <Center h={200}><Loader /></Center>;
  if (query.error || !sheet) {
    const gone = query.error instanceof ApiError && query.error.status === 404;
    return <Alert color="red" title={gone ? "No such call sheet" : "The call sheet could not be loaded"}>{gone ? <Link to={`/productions/${production}/call-sheets`}>Back to the call sheets</Link> : query.error?.message}</Alert>;
  }

  // Schedulers work on the current sheet; the crew reads the latest published revision (a later edit is not theirs yet).
  const latest = revisions.data?.[0];
  const shown: CallSheet = !editable && sheet.status === "changed" && latest ? { ...sheet, ...(latest.snapshot as Partial<CallSheet>), id: sheet.id } : sheet;
  const edit = draft ?? editOf(shown);
  const dirty = draft !== null && Object.keys(changedEdit(sheet, draft)).length > 0;
  const issues = editable ? validateSheet(edit) : [];
  const badge = statusBadge(sheet);
  const dayCount = sheet.day_count ?? days.data?.length;

  async function save(base: CallSheet = sheet as CallSheet) {
    if (!draft) return;
    const changes = changedEdit(base, draft);
    if (Object.keys(changes).length === 0) { setDraft(null); return; }
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await api<CallSheet>(`/api/call-sheets/${base.id}/`, { method: "PATCH", json: { ...changes, version: base.version } });
      qc.setQueryData(keys.callSheet(saved.id), saved);
      void qc.invalidateQueries({ queryKey: keys.callSheets(production) });
      setCallWarnings(saved.warnings ?? []);
      setDraft(null);
    } catch (error) {
      const handled = conflict.handle(error, changes, {
        keepMine: (theirs) => { qc.setQueryData(keys.callSheet(theirs.id), theirs); void save(theirs); },
        takeTheirs: (theirs) => { qc.setQueryData(keys.callSheet(theirs.id), theirs); setDraft(null); },
      });
      if (!handled) setSaveError(sheetErrorMessage(error, sheet?.shoot_day_number));
    } finally {
      setSaving(false);
    }
  }

  async function publish() {
    if (!sheet) return;
    setPublishing(true);
    setPublishError(null);
    try {
      const published = await api<CallSheet>(`/api/call-sheets/${sheet.id}/publish/`, { method: "POST", json: { version: sheet.version } });
      if (published && typeof published === "object" && "id" in published) qc.setQueryData(keys.callSheet(sheet.id), published);
      else void qc.invalidateQueries({ queryKey: keys.callSheet(sheet.id) });
      void qc.invalidateQueries({ queryKey: keys.callSheetRevisions(sheet.id) });
      void qc.invalidateQueries({ queryKey: keys.callSheetRecipients(sheet.id) });
      void qc.invalidateQueries({ queryKey: keys.callSheets(production) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        void qc.invalidateQueries({ queryKey: keys.callSheet(sheet.id) });
        setPublishError("Someone else changed this call sheet meanwhile; it now shows theirs. Check it, then publish again.");
      } else setPublishError(sheetErrorMessage(error, sheet.shoot_day_number));
    } finally {
      setPublishing(false);
    }
  }

  /** Through the offline outbox: kept on the tablet, sent at once when online, in order when the network returns. */
  async function confirm() {
    setConfirming(true);
    setConfirmError(null);
    try {
      await getOutbox().enqueue(callSheetConfirm(production, sheetId, sheet?.shoot_day_number ?? null));
    } catch (error) {
      setConfirmError(`This tablet could not keep the confirmation (${error instanceof Error ? error.message : String(error)}).`);
    } finally {
      setConfirming(false);
    }
  }

  const myStatus = myRow ? recipientStatus(myRow) : null;
  const waitingConfirm = myStatus !== "confirmed" ? outbox.items.find((i) => i.kind === "callsheet.confirm" && i.target === sheetId) : undefined;
  const upToDate = sheet.status === "published" && !dirty;

  return (
    <Stack gap="md" data-testid="call-sheet" data-status={sheet.status} data-revision={sheet.revision}>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Anchor component={Link} to={`/productions/${production}/call-sheets`} size="sm">← Call sheets</Anchor>
          <PageTitle title={`Call sheet — Day ${sheet.shoot_day_number}`} data-testid="call-sheet-title">
            Call sheet — Day {sheet.shoot_day_number}{dayCount ? ` of ${dayCount}` : ""}
          </PageTitle>
          <Group gap="xs">
            <Text c="dimmed">{shortDate(sheet.date)} · {sheet.unit}</Text>
            <Badge color={badge.color} variant="light" data-testid="call-sheet-status">{badge.label}</Badge>
            {sheet.published_at && <Text size="xs" c="dimmed">published {shortDate(sheet.published_at.slice(0, 10))} {clock(sheet.published_at)}</Text>}
          </Group>
        </div>
        <Group gap="xs">
          <Button component="a" href={`/api/call-sheets/${sheet.id}/pdf/`} target="_blank" rel="noopener" variant="default"
            leftSection={<IconFileTypePdf size={18} />} data-testid="call-sheet-pdf">PDF</Button>
          {editable && (
            <>
              <Button variant="default" disabled={!dirty} loading={saving} onClick={() => void save()} data-testid="save-call-sheet">Save</Button>
              <Tooltip label={dirty ? "Save your edits first" : upToDate ? "This revision is already published" : "Send it to everyone on the production"} openDelay={300}>
                <Button leftSection={<IconSend size={18} />} disabled={dirty || upToDate} loading={publishing} onClick={() => void publish()} data-testid="publish-call-sheet">
                  {publishLabel(sheet)}
                </Button>
              </Tooltip>
            </>
          )}
        </Group>
      </Group>

      {myRow && sheet.revision > 0 && (
        <Paper withBorder radius="md" p="md" data-testid="receipt" data-status={myStatus}
          style={{ borderColor: myStatus === "confirmed" ? "var(--mantine-color-green-6)" : "var(--mantine-color-yellow-6)", borderWidth: 2 }}>
          <Group justify="space-between" wrap="wrap">
            <div>
              <Text fw={700}>{myStatus === "confirmed" ? `You confirmed revision ${myRow.confirmed_revision ?? myRow.revision}.` : `Revision ${myRow.revision} was sent to you.`}</Text>
              <Text size="sm" c="dimmed">{myStatus === "confirmed" ? "The production knows you have it." : "Let the production know you have read it."}</Text>
              {confirmError && <Text size="sm" c="red" data-testid="confirm-error">{confirmError}</Text>}
            </div>
            {waitingConfirm ? (
              <Group gap="xs">
                <PendingBadge mark={{ state: waitingConfirm.state, items: [waitingConfirm.id], creating: true }} />
                <Button size="lg" color="green" variant="light" leftSection={<IconCheck size={20} />} aria-disabled data-testid="confirm-receipt" data-confirmed="pending">
                  Confirmed on this tablet
                </Button>
              </Group>
            ) : myStatus === "confirmed" ? (
              <Button size="lg" color="green" variant="light" leftSection={<IconCheck size={20} />} aria-disabled data-testid="confirm-receipt" data-confirmed="true">
                Confirmed {clock(myRow.confirmed_at)}
              </Button>
            ) : (
              <Button size="lg" color="green" loading={confirming} onClick={() => void confirm()} data-testid="confirm-receipt" data-confirmed="false">Confirm receipt</Button>
            )}
          </Group>
        </Paper>
      )}

      {(saveError || publishError || (editable && issues.length > 0)) && (
        <Alert color="red" title={saveError ? "Not saved" : publishError ? "Not published" : "Check the sheet"} data-testid="sheet-error">
          <Stack gap={2}>
            {saveError && <Text size="sm">{saveError}</Text>}
            {publishError && <Text size="sm" data-testid="publish-error">{publishError}</Text>}
            {!saveError && issues.map((i) => <Text key={i.path + i.message} size="sm">{i.message}</Text>)}
          </Stack>
        </Alert>
      )}
      {editable && callWarnings.length > 0 && (
        <Alert color="yellow" title="The general call moved: check these calls set by hand" data-testid="call-warnings" withCloseButton
          closeButtonLabel="Dismiss" onClose={() => setCallWarnings([])}>
          <Stack gap={2}>{callWarnings.map((w) => <Text key={w.message} size="sm">{w.message}</Text>)}</Stack>
        </Alert>
      )}
      {!editable && sheet.revision === 0 && <Alert color="gray">This call sheet is a draft: it has not been published yet.</Alert>}

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            <CallTimes edit={edit} onChange={setDraft} readOnly={!editable} issues={issues} />
            <DayScenes sheet={shown} />
            <Locations edit={edit} onChange={setDraft} readOnly={!editable} issues={issues} />
            <HospitalAndWeather edit={edit} onChange={setDraft} readOnly={!editable} issues={issues} />
            <SheetBlocks edit={edit} onChange={setDraft} readOnly={!editable} issues={issues} />
            <CastCalls edit={edit} onChange={setDraft} readOnly={!editable} issues={issues} />
            <CrewCalls edit={edit} onChange={setDraft} readOnly={!editable} issues={issues} />
            <Notes edit={edit} onChange={setDraft} readOnly={!editable} issues={issues} />
            <Advance sheet={shown} />
            {editable && dirty && (
              <Group justify="flex-end">
                <Button variant="default" onClick={() => { setDraft(null); setSaveError(null); }}>Discard edits</Button>
                <Button loading={saving} onClick={() => void save()}>Save</Button>
              </Group>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md" style={{ position: "sticky", top: 76 }}>
            <WhatChanged sheet={sheet} revisions={revisions.data} loading={revisions.isPending} error={revisions.error} />
            {editable && <Distribution recipients={recipients.data} loading={recipients.isPending} error={recipients.error} />}
          </Stack>
        </Grid.Col>
      </Grid>
      {conflict.dialog}
    </Stack>
  );
}
