// The drag handle of a board card or a strip: a real button that the keyboard sensor starts a drag from.
import type { DraggableAttributes, DraggableSyntheticListeners } from "@dnd-kit/core";
import { ActionIcon } from "@mantine/core";
import { IconGripVertical } from "@tabler/icons-react";
import type { Ref } from "react";

export interface DragHandleProps {
  /** Its accessible name: what it moves, e.g. "Move scene 12". */
  label: string;
  /** useDraggable's `setActivatorNodeRef` (the keyboard sensor only starts from this element), merged with a ref of the caller's. */
  handleRef: Ref<HTMLButtonElement>;
  /** useDraggable's `attributes` (tabIndex, aria-describedby with the instructions, aria-pressed while dragged, aria-disabled). */
  attributes: DraggableAttributes;
  /** The keyboard half of `splitListeners` (Space or Enter picks the item up). */
  keyboard: DraggableSyntheticListeners;
  /** Width × height in px (at least 24 × 24, WCAG 2.5.8; 44 high on touch-sized cards). */
  width?: number;
  height?: number;
}

/**
 * A button with a grip icon. It has no click action: Space or Enter picks the item up (dnd-kit's KeyboardSensor),
 * arrows move it, Space drops it, Escape cancels. Mouse, pen and touch drag the whole card or strip, this included.
 */
export function DragHandle({ label, handleRef, attributes, keyboard, width = 28, height = 32 }: DragHandleProps) {
  const disabled = Boolean(attributes["aria-disabled"]);
  return (
    <ActionIcon ref={handleRef} variant="subtle" color="gray" aria-label={label} data-testid="drag-handle" {...attributes} {...keyboard}
      style={{ width, minWidth: width, height, minHeight: height, flexShrink: 0, cursor: disabled ? "progress" : "grab", touchAction: "manipulation",
        color: "inherit" /* the text colour of what it sits on: a banner strip is light in the dark scheme */ }}>
      <IconGripVertical size={16} aria-hidden />
    </ActionIcon>
  );
}

/** The grip drawn where a handle would be, when there is nothing to press (the dragged copy under the pointer). */
export function GripMark({ width = 28 }: { width?: number }) {
  return (
    <span aria-hidden style={{ display: "inline-flex", alignItems: "center", justifyContent: "center", width, flexShrink: 0, opacity: 0.6 }}>
      <IconGripVertical size={16} />
    </span>
  );
}
