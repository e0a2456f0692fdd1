// A Textarea that suggests production members after "@" (arrows + Enter/Tab to pick, Escape to close).
import { Box, Paper, Text, Textarea, UnstyledButton, type TextareaProps } from "@mantine/core";
import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { activeMention, insertMention, suggestMembers, type ActiveMention, type Mentionable } from "./mentions";
import { growingTextarea } from "../../components/growingTextarea";

interface Props extends Omit<TextareaProps, "value" | "onChange"> {
  value: string;
  onChange: (value: string) => void;
  members: Mentionable[];
  /** Ctrl/Cmd+Enter. */
  onSubmit?: () => void;
}

export function MentionTextarea({ value, onChange, members, onSubmit, onKeyDown, ...rest }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const pendingCaret = useRef<{ text: string; caret: number } | null>(null);
  const [mention, setMention] = useState<ActiveMention | null>(null);
  const [highlight, setHighlight] = useState(0);
  const options = mention ? suggestMembers(members, mention.query) : [];
  const open = options.length > 0;
  const listId = useId();
  const optionId = (i: number) => `${listId}-option-${i}`;

  function track(text: string, caret: number | null) {
    const next = caret === null ? null : activeMention(text, caret);
    setMention((old) => (old?.start === next?.start && old?.query === next?.query ? old : next));
    if (next?.query !== mention?.query) setHighlight(0);
  }

  function pick(username: string) {
    const el = ref.current;
    if (!el || !mention) return;
    const { text, caret } = insertMention(value, mention, el.selectionStart ?? value.length, username);
    pendingCaret.current = { text, caret };
    onChange(text);
    setMention(null);
  }

  // Put the caret after the inserted name as soon as the new value is in the DOM (before the next keystroke).
  useLayoutEffect(() => {
    const pending = pendingCaret.current;
    const el = ref.current;
    if (!pending || !el || el.value !== pending.text) return;
    pendingCaret.current = null;
    el.focus();
    el.setSelectionRange(pending.caret, pending.caret);
  }, [value]);

  function keyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (open) {
      if (e.key === "ArrowDown") { e.preventDefault(); setHighlight((h) => (h + 1) % options.length); return; }
      if (e.key === "ArrowUp") { e.preventDefault(); setHighlight((h) => (h - 1 + options.length) % options.length); return; }
      if ((e.key === "Enter" && !e.shiftKey && !e.metaKey && !e.ctrlKey) || e.key === "Tab") {
        const option = options[Math.min(highlight, options.length - 1)];
        if (option) { e.preventDefault(); pick(option.username); return; }
      }
      if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); setMention(null); return; }
    }
    if (e.key === "Enter" && (e.metaKey || e.ctrlKey) && onSubmit) { e.preventDefault(); onSubmit(); return; }
    onKeyDown?.(e);
  }

  return (
    <Box pos="relative">
      <Textarea ref={ref} {...growingTextarea(2, 10)} {...rest} value={value}
        onChange={(e) => { onChange(e.currentTarget.value); track(e.currentTarget.value, e.currentTarget.selectionStart); }}
        onKeyDown={keyDown}
        onKeyUp={(e) => { if (!["ArrowDown", "ArrowUp", "Enter", "Tab", "Escape"].includes(e.key)) track(e.currentTarget.value, e.currentTarget.selectionStart); }}
        onClick={(e) => track(e.currentTarget.value, e.currentTarget.selectionStart)}
        onBlur={() => setMention(null)}
        // A text area keeps its textbox role (a combobox may not be multi-line, and aria-expanded is not allowed on a
        // textbox): it names the suggestions it controls and the highlighted one, which screen readers then read.
        aria-autocomplete="list" aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? optionId(Math.min(highlight, options.length - 1)) : undefined} />
      {open && (
        <Paper withBorder shadow="md" p={4} pos="absolute" left={0} right={0} style={{ zIndex: 300, maxWidth: 360 }} role="listbox" id={listId} aria-label="Crew members to mention" data-testid="mention-suggestions">
          {options.map((m, i) => (
            <UnstyledButton key={m.username} id={optionId(i)} role="option" aria-selected={i === highlight} tabIndex={-1} data-testid="mention-option" data-username={m.username}
              onMouseDown={(e) => { e.preventDefault(); pick(m.username); }} onMouseEnter={() => setHighlight(i)}
              w="100%" px="sm" py={6} style={{ minHeight: 44, borderRadius: 6, background: i === highlight ? "var(--mantine-color-default-hover)" : undefined }}>
              <Text size="sm" fw={600} span>@{m.username}</Text>{" "}
              <Text size="sm" c="dimmed" span>{m.name}</Text>
            </UnstyledButton>
          ))}
        </Paper>
      )}
    </Box>
  );
}
