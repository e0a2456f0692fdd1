// A text field that grows with its text, by CSS alone.
import type { TextareaProps } from "@mantine/core";
import type { CSSProperties } from "react";

/**
 * Props for a Mantine Textarea that grows with what is typed from `minRows` to `maxRows` lines (then scrolls), through
 * CSS `field-sizing: content` (CSS Basic User Interface 4) instead of Mantine's `autosize`, which measures a hidden copy
 * of the field (forced layouts) on every render: a fifth of the scene page's largest long task on a phone
 * (docs/performance.md). Where `field-sizing` is not supported the field keeps `minRows` lines and scrolls.
 * The line heights are the field's own (`lh`); its padding is Mantine's `--input-padding-y`, its borders 1 px each.
 */
export function growingTextarea(minRows: number, maxRows: number): Pick<TextareaProps, "rows" | "styles"> {
  const lines = (rows: number) => `calc(${rows}lh + 2 * var(--input-padding-y, 0rem) + 2px)`;
  return { rows: minRows, styles: { input: { fieldSizing: "content", minHeight: lines(minRows), maxHeight: lines(maxRows) } as CSSProperties } };
}
