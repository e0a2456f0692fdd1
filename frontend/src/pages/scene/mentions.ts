// @mentions in comment bodies: the same rule as the server (apps/comments/services.py MENTION),
// the word being typed after "@" (for the autocomplete), and inserting a chosen username.

/** `@username` not preceded by a word character, "@" or "."; usernames are [\w.+-], a trailing "." is punctuation. */
const MENTION = /(?<![\w@.])@([\w.+-]{1,150})/gu;

export type Segment = { kind: "text"; text: string } | { kind: "mention"; text: string; username: string };

/**
 * Split a body into plain text and @mentions. Only names in `known` (production members) count as
 * mentions when `known` is given — the server ignores the others too.
 */
export function splitMentions(body: string, known?: ReadonlySet<string>): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of body.matchAll(MENTION)) {
    let username = match[1] ?? "";
    const trailing = username.length - username.replace(/\.+$/u, "").length;
    username = username.slice(0, username.length - trailing);
    if (!username || (known && !known.has(username))) continue;
    const start = match.index ?? 0;
    const end = start + 1 + username.length;
    if (start > last) out.push({ kind: "text", text: body.slice(last, start) });
    out.push({ kind: "mention", text: body.slice(start, end), username });
    last = end;
  }
  if (last < body.length) out.push({ kind: "text", text: body.slice(last) });
  return out;
}

/** Usernames mentioned in `body` (deduplicated, in order). */
export function mentionedUsernames(body: string, known?: ReadonlySet<string>): string[] {
  return [...new Set(splitMentions(body, known).flatMap((s) => (s.kind === "mention" ? [s.username] : [])))];
}

export interface ActiveMention { /** index of the "@" */ start: number; /** what follows it, up to the caret */ query: string }

/** The @word the caret is in (for the suggestion list), or null. */
export function activeMention(text: string, caret: number): ActiveMention | null {
  const before = text.slice(0, caret);
  const match = /(?:^|[^\w@.])@([\w.+-]{0,150})$/u.exec(before);
  if (!match) return null;
  const query = match[1] ?? "";
  return { start: caret - query.length - 1, query };
}

/** Replace the @word at `mention` (up to `caret`) with `@username ` — returns the new text and caret. */
export function insertMention(text: string, mention: ActiveMention, caret: number, username: string): { text: string; caret: number } {
  const insert = `@${username} `;
  const after = text.slice(caret).replace(/^[\w.+-]*/u, "").replace(/^ /u, "");
  return { text: text.slice(0, mention.start) + insert + after, caret: mention.start + insert.length };
}

export interface Mentionable { username: string; name: string }

/** Members matching the typed query: usernames starting with it first, then names/usernames containing it. */
export function suggestMembers(members: Mentionable[], query: string, limit = 6): Mentionable[] {
  const q = query.toLocaleLowerCase();
  const starts = members.filter((m) => m.username.toLocaleLowerCase().startsWith(q));
  const contains = members.filter((m) => !starts.includes(m) && (m.username.toLocaleLowerCase().includes(q) || m.name.toLocaleLowerCase().includes(q)));
  return [...starts, ...contains].slice(0, limit);
}
