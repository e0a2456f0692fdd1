import { MantineProvider } from "@mantine/core";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useRef, useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { useFocusWhenClosed } from "../hooks/useReturnFocus";
import { PageMain, PageTitle, SkipLink } from "./PageFrame";

afterEach(cleanup);

function Page({ title = "Crew" }: { title?: string }) {
  return (
    <MantineProvider>
      <SkipLink />
      <header><a href="/">SLATE</a></header>
      <PageMain><PageTitle>{title}</PageTitle><button type="button">Invite</button></PageMain>
    </MantineProvider>
  );
}

describe("PageFrame (issue 16)", () => {
  it("has a skip link that moves focus to the main landmark, and one h1", () => {
    render(<Page />);
    const skip = screen.getByRole("link", { name: "Skip to content" });
    expect(fireEvent.click(skip)).toBe(false); // handled: no #main in the address, no history entry
    expect(document.activeElement).toBe(screen.getByRole("main"));
    expect(screen.getAllByRole("heading", { level: 1 }).map((h) => h.textContent)).toEqual(["Crew"]);
  });

  it("names the browser tab after the page while it is shown, and Slate again after", () => {
    const { rerender, unmount } = render(<Page />);
    expect(document.title).toBe("Crew · Slate");
    rerender(<Page title="Dailies" />);
    expect(document.title).toBe("Dailies · Slate");
    unmount();
    expect(document.title).toBe("Slate");
  });
});

function InlineEditor() {
  const [open, setOpen] = useState(false);
  const edit = useRef<HTMLButtonElement>(null);
  useFocusWhenClosed(open, edit);
  return open
    ? <div><textarea aria-label="Synopsis" autoFocus /><button type="button" onClick={() => setOpen(false)}>Cancel</button></div>
    : <button type="button" ref={edit} onClick={() => setOpen(true)}>Edit</button>;
}

describe("useFocusWhenClosed", () => {
  it("gives focus back to the control that opened an inline editor, shown again in its place", () => {
    render(<InlineEditor />);
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Edit" }));
  });
});
