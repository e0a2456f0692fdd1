import { ActionIcon, MantineProvider } from "@mantine/core";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { createRef } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MenuOnDemand } from "./MenuOnDemand";

afterEach(cleanup);

function StatusMenu({ onChoose, buttonRef }: { onChoose: (status: string) => void; buttonRef?: React.Ref<HTMLButtonElement> }) {
  return (
    <MantineProvider>
      <MenuOnDemand withInitialFocusPlaceholder={false} transitionProps={{ duration: 0 }}
        button={<ActionIcon ref={buttonRef} aria-label="Status of scene 12">⋮</ActionIcon>}
        items={(M) => (
          <>
            <M.Label>Move to</M.Label>
            <M.Item disabled>Not started</M.Item>
            <M.Item data-autofocus onClick={() => onChoose("in_progress")}>In progress</M.Item>
            <M.Item onClick={() => onChoose("completed")}>Completed</M.Item>
          </>
        )} />
    </MantineProvider>
  );
}

describe("MenuOnDemand (issue 16: menus mount on first use)", () => {
  it("is a plain button that says it opens a menu, with no menu in the page until pressed", () => {
    render(<StatusMenu onChoose={() => {}} />);
    const button = screen.getByRole("button", { name: "Status of scene 12" });
    expect(button.getAttribute("aria-haspopup")).toBe("menu");
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("opens on the first press with the focus on the item marked data-autofocus, and gives it back to its button on Escape", async () => {
    const buttonRef = createRef<HTMLButtonElement>();
    render(<StatusMenu onChoose={() => {}} buttonRef={buttonRef} />);
    fireEvent.click(screen.getByRole("button", { name: "Status of scene 12" }));

    await waitFor(() => expect(screen.getByRole("menu")).toBeTruthy());
    await waitFor(() => expect(document.activeElement?.textContent).toBe("In progress"));
    const button = screen.getByRole("button", { name: "Status of scene 12" });
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(buttonRef.current).toBe(button); // the caller's ref follows the button that is there now

    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("menu")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(button));
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  it("runs the chosen item's action, and opens again on the next press", async () => {
    const onChoose = vi.fn();
    render(<StatusMenu onChoose={onChoose} />);
    fireEvent.click(screen.getByRole("button", { name: "Status of scene 12" }));
    fireEvent.click(await screen.findByRole("menuitem", { name: "Completed" }));
    expect(onChoose).toHaveBeenCalledWith("completed");
    await waitFor(() => expect(screen.queryByRole("menu")).toBeNull());

    const button = screen.getByRole("button", { name: "Status of scene 12" });
    fireEvent.click(button);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    // (jsdom leaves the reopened dropdown display:none, its transition never ending: hidden elements counted here; a real
    // browser shows it: tests/e2e/test_browser_controls.py)
    await waitFor(() => expect(screen.getByRole("menu", { hidden: true }).textContent).toContain("In progress"));
  });
});
