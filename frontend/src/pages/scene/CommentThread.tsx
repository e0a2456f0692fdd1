// The comment thread of a scene: comments, replies one level deep, @mentions, resolve.
import { Alert, Avatar, Badge, Box, Button, Card, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconCheck, IconMessageReply } from "@tabler/icons-react";
import { useMemo, useRef, useState } from "react";
import { useComments, useMe, useMembers } from "../../api/hooks";
import { keys, type CommentTarget } from "../../api/keys";
import type { Comment, Id } from "../../api/types";
import { useDraft } from "../../hooks/useDraft";
import { useFocusWhenClosed } from "../../hooks/useReturnFocus";
import type { Shown } from "../../offline/overlay";
import { PendingBadge } from "../../offline/PendingBadge";
import { getOutbox, useShown } from "../../offline/runtime";
import { commentCreate, commentUpdate } from "../../offline/writes";
import { MentionTextarea } from "./MentionTextarea";
import { splitMentions, type Mentionable } from "./mentions";
import { initials } from "./presence";
import { when } from "./time";



/** Top-level comments with their replies (a reply to a reply is shown under the thread's first comment). */
export function threads(comments: Comment[]): { root: Comment; replies: Comment[] }[] {
  const byId = new Map(comments.map((c) => [c.id, c]));
  const rootOf = (c: Comment): Comment => {
    let cur = c;
    for (let depth = 0; cur.parent != null && depth < 50; depth++) {
      const parent = byId.get(cur.parent);
      if (!parent) break;
      cur = parent;
    }
    return cur;
  };
  const out = new Map<Id, { root: Comment; replies: Comment[] }>();
  const sorted = [...comments].sort((a, b) => a.created_at.localeCompare(b.created_at));
  for (const c of sorted) {
    const root = rootOf(c);
    const entry = out.get(root.id) ?? { root, replies: [] };
    if (root.id !== c.id) entry.replies.push(c);
    out.set(root.id, entry);
  }
  return [...out.values()];
}

export function CommentThread({ productionId, sceneId }: { productionId: Id; sceneId: Id }) {
  const target = useMemo(() => ({ kind: "scene" as const, id: sceneId }), [sceneId]);
  const comments = useComments(target);
  const shown = useShown("comment", keys.comments(target), comments.data); // with this tablet's waiting comments
  const members = useMembers(productionId);
  const mentionable: Mentionable[] = useMemo(
    () => (members.data ?? []).map((m) => ({ username: m.user.username, name: m.user.display_name || m.user.name })), [members.data]);
  const known = useMemo(() => new Set(mentionable.map((m) => m.username)), [mentionable]);
  const list = threads(shown ?? []);
  const open = list.filter((t) => !t.root.resolved).length;
  const setResolved = (comment: Comment, resolved: boolean) => void getOutbox().enqueue(commentUpdate(comment, { resolved }));

  return (
    <Card withBorder data-testid="comments">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3">Comments</Title>
        {list.length > 0 && <Badge variant="light" color={open ? "yellow" : "green"}>{open ? `${open} open` : "all resolved"}</Badge>}
      </Group>
      {comments.error && !comments.data && <Alert color="red">{comments.error.message}</Alert>}
      <Stack gap="sm">
        {comments.isPending && <Text c="dimmed" size="sm">Loading…</Text>}
        {comments.data?.length === 0 && <Text c="dimmed" size="sm">No comments yet. Mention someone with @ to let them know.</Text>}
        {list.map(({ root, replies }) => (
          <Paper key={root.id} withBorder p="sm" radius="md" style={{ opacity: root.resolved ? 0.7 : 1 }}>
            <CommentView comment={root} known={known} onResolve={(r) => void setResolved(root, r)} />
            {replies.length > 0 && (
              <Stack gap="xs" mt="xs" pl="md" ml="md" style={{ borderLeft: "2px solid var(--mantine-color-default-border)" }}>
                {replies.map((reply) => <CommentView key={reply.id} comment={reply} known={known} />)}
              </Stack>
            )}
            <ReplyBox parent={root} target={target} productionId={productionId} members={mentionable} />
          </Paper>
        ))}
        <NewComment productionId={productionId} target={target} members={mentionable} />
      </Stack>
    </Card>
  );
}

export function CommentView({ comment, known, onResolve }: { comment: Comment; known: ReadonlySet<string>; onResolve?: (resolved: boolean) => void }) {
  const name = comment.author_name ?? "Former crew member";
  return (
    <Box data-testid="comment" data-comment-id={comment.id} data-parent-id={comment.parent ?? undefined} data-resolved={comment.resolved}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="xs" wrap="nowrap">
          <Avatar size="sm" radius="xl" color="yellow">{initials(name)}</Avatar>
          <div>
            <Text size="sm" fw={600} data-testid="comment-author">{name}</Text>
            <Text component="time" dateTime={comment.created_at} title={new Date(comment.created_at).toLocaleString()} size="xs" c="dimmed" display="block" data-testid="comment-time">{when(comment.created_at)}</Text>
          </div>
          {comment.resolved && <Badge size="sm" color="green" variant="light" data-testid="comment-resolved">resolved</Badge>}
          <PendingBadge mark={(comment as Shown<Comment>)._outbox} />
        </Group>
        {onResolve && (
          <Button size="compact-md" variant={comment.resolved ? "default" : "light"} color={comment.resolved ? "gray" : "green"} h={44}
            leftSection={<IconCheck size={16} />} onClick={() => onResolve(!comment.resolved)} data-testid="comment-resolve" aria-pressed={comment.resolved}>
            {comment.resolved ? "Reopen" : "Resolve"}
          </Button>
        )}
      </Group>
      <Text size="sm" mt={6} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="comment-text">
        <MentionText body={comment.body} known={known} />
      </Text>
    </Box>
  );
}

export function MentionText({ body, known }: { body: string; known: ReadonlySet<string> }) {
  return (
    <>
      {splitMentions(body, known.size ? known : undefined).map((s, i) =>
        s.kind === "mention"
          ? <Text key={i} span fw={700} c="yellow" data-testid="mention" data-username={s.username}>{s.text}</Text>
          : <span key={i}>{s.text}</span>)}
    </>
  );
}

/** Keep a comment (or a reply) in the outbox: shown at once, sent at once when online, in order when the network returns. */
async function keepComment(productionId: Id, target: CommentTarget, body: string, parent: Comment | null, me: ReturnType<typeof useMe>["data"]): Promise<string | null> {
  if (!me) return "Not signed in.";
  try {
    await getOutbox().enqueue(commentCreate(productionId, target, body, me, parent));
    return null;
  } catch (e) {
    return `This tablet could not keep it (${e instanceof Error ? e.message : String(e)}); it is still here.`;
  }
}

function NewComment({ productionId, target, members }: { productionId: Id; target: CommentTarget; members: Mentionable[] }) {
  const me = useMe().data;
  const [body, setBody, clear] = useDraft(`comment.scene.${target.id}`);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit() {
    if (!body.trim() || busy) return;
    setBusy(true);
    const problem = await keepComment(productionId, target, body, null, me);
    setError(problem);
    if (!problem) clear();
    setBusy(false);
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <Stack gap="xs">
        <MentionTextarea label="New comment" placeholder="Write a comment… @ to mention someone" value={body} onChange={setBody} members={members}
          onSubmit={() => void submit()} error={error} data-testid="comment-body" />
        <Group justify="flex-end">
          <Button type="submit" loading={busy} disabled={!body.trim()} data-testid="comment-submit">Comment</Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ReplyBox({ parent, target, productionId, members }: { parent: Comment; target: CommentTarget; productionId: Id; members: Mentionable[] }) {
  const me = useMe().data;
  const [body, setBody, clear] = useDraft(`comment.reply.${parent.id}`);
  const [open, setOpen] = useState(Boolean(body));
  const replyButton = useRef<HTMLButtonElement>(null);
  useFocusWhenClosed(open, replyButton); // sent, cancelled or escaped: focus back on Reply
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit() {
    if (!body.trim() || busy) return;
    setBusy(true);
    const problem = await keepComment(productionId, target, body, parent, me);
    setError(problem);
    if (!problem) { clear(); setOpen(false); }
    setBusy(false);
  }
  if (!open) {
    return (
      <Group justify="flex-start" mt={4}>
        <Button ref={replyButton} variant="subtle" size="compact-md" h={44} leftSection={<IconMessageReply size={16} />} onClick={() => setOpen(true)}
          data-testid="comment-reply">Reply</Button>
      </Group>
    );
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <Stack gap="xs" mt="xs" pl="md" ml="md">
        <MentionTextarea aria-label="Reply" placeholder="Reply…" value={body} onChange={setBody} members={members} autoFocus minRows={1}
          onSubmit={() => void submit()} error={error} data-testid="reply-body"
          onKeyDown={(e) => { if (e.key === "Escape" && !body.trim()) setOpen(false); }} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
          <Button type="submit" loading={busy} disabled={!body.trim()} data-testid="reply-submit">Reply</Button>
        </Group>
      </Stack>
    </form>
  );
}
