// Comments pinned to frames (or I/O ranges), in frame order and in sync with the player: the one at or nearest before
// the current frame is highlighted, clicking a timecode seeks. Threads, replies, resolve and @mentions are the scene's own.
import { Badge, Button, Card, Checkbox, Group, Paper, ScrollArea, Stack, Text, Title, UnstyledButton } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../../api/client";
import { patch, post, useMembers } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Comment, Id } from "../../api/types";
import { useDraft } from "../../hooks/useDraft";
import { useShown } from "../../offline/runtime";
import { putInList } from "../scene/cache";
import { CommentView, ReplyBox, threads } from "../scene/CommentThread";
import { MentionTextarea } from "../scene/MentionTextarea";
import type { Mentionable } from "../scene/mentions";
import { nearestAtOrBefore, timecodeOf, type FrameClock } from "./playback";
import type { Marks } from "./useFramePlayer";

/** Threads ordered by their first comment's frame (unpinned ones last, by time). */
export function threadsByFrame(comments: Comment[]) {
  return threads(comments).sort((a, b) => (a.root.frame ?? Infinity) - (b.root.frame ?? Infinity) || a.root.created_at.localeCompare(b.root.created_at));
}

export function FrameComments({ production, assetId, comments, loading, clock, frame, marks, activeId, onSeek, canWrite }: {
  production: Id; assetId: Id; comments: Comment[]; loading: boolean; clock: FrameClock | null; frame: number; marks: Marks;
  /** The comment picked last (a marker or a timecode clicked); otherwise the one nearest before the frame is highlighted. */
  activeId: Id | null; onSeek: (c: Comment) => void; canWrite: boolean;
}) {
  const qc = useQueryClient();
  const members = useMembers(production);
  const mentionable: Mentionable[] = useMemo(
    () => (members.data ?? []).map((m) => ({ username: m.user.username, name: m.user.display_name || m.user.name })), [members.data]);
  const known = useMemo(() => new Set(mentionable.map((m) => m.username)), [mentionable]);
  // Replies go through the offline outbox (ReplyBox): shown here at once, marked, until they are sent.
  const shown = useShown("comment", keys.comments({ kind: "media_asset", id: assetId }), comments) ?? comments;
  const list = threadsByFrame(shown);
  const roots = list.map((t) => t.root);
  const pinned = activeId != null ? roots.find((r) => r.id === activeId && r.frame === frame) : undefined;
  const highlighted = pinned ?? nearestAtOrBefore(roots, frame);
  const open = roots.filter((r) => !r.resolved).length;
  const store = (c: Comment) => putInList(qc, keys.comments({ kind: "media_asset", id: assetId }), c, (x) => x.created_at);

  // Keep the highlighted comment in view as the picture moves.
  const refs = useRef(new Map<Id, HTMLDivElement>());
  useEffect(() => {
    if (highlighted) refs.current.get(highlighted.id)?.scrollIntoView({ block: "nearest" });
  }, [highlighted]);

  async function setResolved(c: Comment, resolved: boolean) {
    try {
      store(await patch<Comment>(`/api/comments/${c.id}/`, { resolved, version: c.version }));
    } catch (e) {
      notifications.show({ color: "red", title: "Not saved", message: e instanceof ApiError ? e.message : "The server could not be reached." });
    }
  }

  return (
    <Card withBorder data-testid="frame-comments">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3">Notes</Title>
        {roots.length > 0 && <Badge variant="light" color={open ? "yellow" : "green"}>{open ? `${open} open` : "all resolved"}</Badge>}
      </Group>
      {canWrite && clock && <NewFrameComment assetId={assetId} clock={clock} frame={frame} marks={marks} members={mentionable} onSaved={store} />}
      <ScrollArea.Autosize mah="60vh" mt="sm" type="auto">
        <Stack gap="sm" data-testid="comment-list">
          {loading && <Text c="dimmed" size="sm">Loading…</Text>}
          {!loading && roots.length === 0 && <Text c="dimmed" size="sm">No notes yet. Pause on a frame and write one; mark In and Out for a range.</Text>}
          {list.map(({ root, replies }) => {
            const active = root.id === highlighted?.id;
            return (
              <Paper key={root.id} ref={(el: HTMLDivElement | null) => { if (el) refs.current.set(root.id, el); else refs.current.delete(root.id); }}
                withBorder p="sm" radius="md" data-testid="frame-comment" data-comment-id={root.id} data-frame={root.frame ?? ""} data-active={active}
                style={{ opacity: root.resolved ? 0.7 : 1, borderColor: active ? "var(--mantine-color-yellow-5)" : undefined, borderWidth: active ? 2 : 1 }}>
                {root.frame != null && (
                  <UnstyledButton onClick={() => onSeek(root)} data-testid="comment-timecode" mb={6} px={8} py={6} mih={36}
                    style={{ borderRadius: 6, background: "var(--mantine-color-dark-6)" }} aria-label={`Go to ${root.timecode ?? root.frame}`}>
                    <Text ff="monospace" size="sm" fw={600} c="yellow">
                      {root.timecode ?? (clock ? timecodeOf(root.frame, clock) : root.frame)}
                      {root.frame_end != null && root.frame_end !== root.frame ? ` – ${root.timecode_end ?? (clock ? timecodeOf(root.frame_end, clock) : root.frame_end)}` : ""}
                    </Text>
                  </UnstyledButton>
                )}
                <CommentView comment={root} known={known} onResolve={canWrite ? (r) => void setResolved(root, r) : undefined} />
                {replies.length > 0 && (
                  <Stack gap="xs" mt="xs" pl="md" ml="md" style={{ borderLeft: "2px solid var(--mantine-color-default-border)" }}>
                    {replies.map((reply) => <CommentView key={reply.id} comment={reply} known={known} />)}
                  </Stack>
                )}
                {canWrite && <ReplyBox parent={root} target={{ kind: "media_asset", id: assetId }} productionId={production} members={mentionable} />}
              </Paper>
            );
          })}
        </Stack>
      </ScrollArea.Autosize>
    </Card>
  );
}

function NewFrameComment({ assetId, clock, frame, marks, members, onSaved }: {
  assetId: Id; clock: FrameClock; frame: number; marks: Marks; members: Mentionable[]; onSaved: (c: Comment) => void;
}) {
  const [body, setBody, clear] = useDraft(`comment.media.${assetId}`);
  const [useRange, setUseRange] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hasRange = marks.in != null && marks.out != null && marks.out > marks.in;
  const range = hasRange && useRange;
  const at = range ? `${timecodeOf(marks.in!, clock)} – ${timecodeOf(marks.out!, clock)}` : timecodeOf(frame, clock);

  async function submit() {
    if (!body.trim() || busy) return;
    setBusy(true);
    setError(null);
    const place = range ? { frame: marks.in, frame_end: marks.out } : { frame };
    try {
      onSaved(await post<Comment>("/api/comments/", { media_asset: assetId, ...place, body }));
      clear();
    } catch (e) {
      setError(e instanceof ApiError ? (e.fields.body ?? e.fields.frame ?? e.fields.frame_end ?? e.message) : "The server could not be reached; your note is kept here.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <Stack gap="xs">
        <MentionTextarea aria-label="New note" placeholder="A note on this frame… @ to mention someone" value={body} onChange={setBody} members={members}
          onSubmit={() => void submit()} error={error} data-testid="frame-comment-body" minRows={2}
          onKeyDown={(e) => { if (e.key === "Escape") e.currentTarget.blur(); }} />
        <Text size="sm" ff="monospace" fw={600} c="yellow" data-testid="frame-comment-at">
          {range ? `On ${at} (${marks.out! - marks.in! + 1} frames)` : `At ${at}`}
        </Text>
        <Group justify="space-between" wrap="wrap" gap="xs">
          {hasRange
            ? <Checkbox size="md" label="On the marked range" checked={useRange} onChange={(e) => setUseRange(e.currentTarget.checked)} data-testid="frame-comment-range" />
            : <Text size="xs" c="dimmed">Mark In and Out (I / O) for a range.</Text>}
          <Button type="submit" loading={busy} disabled={!body.trim()} h={44} data-testid="frame-comment-submit">Add note</Button>
        </Group>
      </Stack>
    </form>
  );
}
