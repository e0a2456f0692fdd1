import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useRef } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { useFocusRequest, useTakeFocus, type FocusRequest } from "./useFocusRequest";

/** A button named `name` that takes focus when the request asks for `name`; `disabled` as given. */
function Control({ name, focus, disabled = false }: { name: string; focus: FocusRequest; disabled?: boolean }) {
  const ref = useRef<HTMLButtonElement>(null);
  useTakeFocus(focus.wanted === name, ref, focus.done);
  return <button ref={ref} disabled={disabled}>{name}</button>;
}

let request: FocusRequest;
/** Column A or B holds the card's menu button (a move re-mounts it in the other column). */
function Screen({ column, disabled }: { column: "A" | "B"; disabled?: boolean }) {
  request = useFocusRequest();
  return (
    <>
      <section>{column === "A" && <Control name="menu@A" focus={request} disabled={disabled} />}</section>
      <section>{column === "B" && <Control name="menu@B" focus={request} disabled={disabled} />}</section>
      <button>elsewhere</button>
    </>
  );
}

afterEach(cleanup);

describe("useFocusRequest / useTakeFocus", () => {
  it("focuses the control once it shows where it was asked for, enabled, and forgets the request then", () => {
    const view = render(<Screen column="A" />);
    screen.getByText("menu@A").focus();
    act(() => request.request("menu@B"));
    expect(document.activeElement).toBe(screen.getByText("menu@A")); // not moved yet
    view.rerender(<Screen column="B" disabled />);
    expect(document.activeElement).toBe(document.body); // the old button is gone; the new one is disabled for now
    view.rerender(<Screen column="B" />);
    expect(document.activeElement).toBe(screen.getByText("menu@B"));
    expect(request.wanted).toBeNull();
  });

  it("forgets a request the user moved on from (a key or a pointer before it was met)", () => {
    const view = render(<Screen column="A" />);
    act(() => request.request("menu@B"));
    fireEvent.keyDown(screen.getByText("elsewhere"), { key: "Tab" });
    expect(request.wanted).toBeNull();
    view.rerender(<Screen column="B" />);
    expect(document.activeElement).not.toBe(screen.getByText("menu@B"));

    act(() => request.request("menu@A"));
    fireEvent.pointerDown(screen.getByText("elsewhere"));
    expect(request.wanted).toBeNull();
  });
});
