import { MantineProvider } from "@mantine/core";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { MentionTextarea } from "./MentionTextarea";

afterEach(cleanup);

const members = [{ username: "ana", name: "Ana Ruiz" }, { username: "marco", name: "Marco Bellini" }];

function Box() {
  const [value, setValue] = useState("");
  return <MantineProvider><MentionTextarea label="New comment" value={value} onChange={setValue} members={members} /></MantineProvider>;
}

function type(box: HTMLTextAreaElement, text: string) {
  fireEvent.change(box, { target: { value: text, selectionStart: text.length, selectionEnd: text.length } });
}

describe("MentionTextarea (issue 16)", () => {
  it("stays a textbox (no aria-expanded) that names its suggestions and the highlighted one", () => {
    render(<Box />);
    const box = screen.getByRole("textbox", { name: "New comment" }) as HTMLTextAreaElement;
    expect(box.hasAttribute("aria-expanded")).toBe(false);
    expect(box.getAttribute("aria-controls")).toBeNull();

    type(box, "Thanks @");
    const list = screen.getByRole("listbox", { name: "Crew members to mention" });
    const options = screen.getAllByRole("option");
    expect(box.getAttribute("aria-controls")).toBe(list.id);
    expect(box.getAttribute("aria-activedescendant")).toBe(options[0]!.id);
    expect(box.hasAttribute("aria-expanded")).toBe(false);
    expect(options.every((o) => o.tabIndex === -1)).toBe(true); // not Tab stops: the arrows move the highlight

    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(box.getAttribute("aria-activedescendant")).toBe(screen.getAllByRole("option")[1]!.id);
    expect(screen.getAllByRole("option")[1]!.getAttribute("aria-selected")).toBe("true");

    fireEvent.keyDown(box, { key: "Escape" });
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(box.getAttribute("aria-activedescendant")).toBeNull();
  });
});
