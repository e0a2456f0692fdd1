// Sensors and listener plumbing shared by the scene board and the stripboard (dnd-kit).
import { PointerSensor, type DraggableSyntheticListeners, type PointerSensorOptions } from "@dnd-kit/core";
import type { PointerEvent as ReactPointerEvent } from "react";

/**
 * PointerSensor for mouse and pen only: touch pointers are left to the TouchSensor (press-and-hold), so a finger
 * can still scroll the page. Otherwise the PointerSensor claims the touch first and the browser cancels it
 * (`pointercancel`) as soon as the finger pans.
 */
export class MouseAndPenSensor extends PointerSensor {
  static activators = PointerSensor.activators.map((activator) => ({
    ...activator,
    handler: (event: ReactPointerEvent, options: PointerSensorOptions) => event.nativeEvent.pointerType !== "touch" && activator.handler(event, options),
  }));
}

/**
 * useDraggable's listeners split by where they go: `pointer` (mouse, pen, touch) on the whole card or strip, so it is
 * picked up anywhere that is not a control of its own; `keyboard` on its drag handle only, a button of its own (the
 * card is not a button: its link and menu are separate controls, WCAG "nested interactive").
 * Undefined while the draggable is disabled.
 */
export function splitListeners(listeners: DraggableSyntheticListeners): { pointer: DraggableSyntheticListeners; keyboard: DraggableSyntheticListeners } {
  if (!listeners) return { pointer: undefined, keyboard: undefined };
  const { onKeyDown, ...pointer } = listeners;
  return { pointer, keyboard: onKeyDown ? { onKeyDown } : undefined };
}

/** True when a drag was started with the keyboard (its handle then gets focus back wherever the item lands). */
export function startedByKeyboard(activatorEvent: Event | null): boolean {
  return typeof KeyboardEvent !== "undefined" && activatorEvent instanceof KeyboardEvent;
}
