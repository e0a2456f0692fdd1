import { MantineProvider } from "@mantine/core";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import type { CallSheetEdit } from "../../api/schedule";
import { validateBlocks } from "./callsheet";
import { SheetBlocks } from "./SheetBlocks";

afterEach(cleanup);

// Mantine's autosize text area listens for web fonts loading; jsdom has no document.fonts.
if (!("fonts" in document)) Object.defineProperty(document, "fonts", { value: { addEventListener() {}, removeEventListener() {} } });

const base: CallSheetEdit = {
  crew_call: "07:00", shooting_call: null, first_meal: null, wrap: null, locations: [], hospital: { name: "", address: "", phone: "", route: "" },
  weather: { summary: "", high_c: null, low_c: null, sunrise: null, sunset: null }, cast_calls: [], crew_calls: [], notes: "",
  walkie_channels: [], safety_notes: "", key_contacts: [],
};

/** The blocks as the page holds them: the last edit is kept, as the page's draft. */
function Editor({ start, seen }: { start: CallSheetEdit; seen: (e: CallSheetEdit) => void }) {
  const [edit, setEdit] = useState(start);
  return (
    <MantineProvider>
      <SheetBlocks edit={edit} readOnly={false} issues={validateBlocks(edit)} onChange={(next) => { setEdit(next); seen(next); }} />
    </MantineProvider>
  );
}

describe("SheetBlocks", () => {
  it("adds a walkie channel with the next number, focuses its use, and removes rows", () => {
    let last = base;
    render(<Editor start={{ ...base, walkie_channels: [{ channel: "1", use: "Production" }] }} seen={(e) => { last = e; }} />);
    fireEvent.click(screen.getByRole("button", { name: "Add channel" }));
    const use = screen.getByRole("textbox", { name: "Use of walkie channel 2" });
    expect(document.activeElement).toBe(use);
    fireEvent.change(use, { target: { value: "Camera" } });
    expect(last.walkie_channels).toEqual([{ channel: "1", use: "Production" }, { channel: "2", use: "Camera" }]);
    fireEvent.click(screen.getByRole("button", { name: "Remove walkie channel 1" }));
    expect(last.walkie_channels).toEqual([{ channel: "2", use: "Camera" }]);
  });

  it("adds a key contact with labelled inputs, focused on its role, and says what is missing", () => {
    let last = base;
    render(<Editor start={base} seen={(e) => { last = e; }} />);
    expect(screen.getByText("No key contacts.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Add contact" }));
    const role = screen.getByRole("textbox", { name: "Role of key contact 1" });
    expect(document.activeElement).toBe(role);
    expect(screen.getByText("Key contact 1 needs a role or a name.")).toBeTruthy();
    fireEvent.change(role, { target: { value: "UPM" } });
    fireEvent.change(screen.getByRole("textbox", { name: "Name of key contact 1" }), { target: { value: "Lee" } });
    fireEvent.change(screen.getByRole("textbox", { name: "Phone of key contact 1" }), { target: { value: "+44 7700 900123" } });
    fireEvent.change(screen.getByRole("textbox", { name: "Safety notes and hazards of the day" }), { target: { value: "Wet deck" } });
    expect([last.key_contacts, last.safety_notes]).toEqual([[{ role: "UPM", name: "Lee", phone: "+44 7700 900123" }], "Wet deck"]);
    expect(screen.queryByText("Key contact 1 needs a role or a name.")).toBeNull();
  });

  it("shows a reader the blocks, a phone only where they may see one", () => {
    render(
      <MantineProvider>
        <SheetBlocks readOnly issues={[]} onChange={() => undefined} edit={{ ...base, safety_notes: "Wet deck", walkie_channels: [{ channel: "1", use: "Production" }],
          key_contacts: [{ role: "UPM", name: "Lee", phone: "" }, { role: "Locations", name: "Ola", phone: "555-0101" }] }} />
      </MantineProvider>,
    );
    expect(screen.queryAllByRole("textbox")).toEqual([]);
    const [lee, ola] = screen.getAllByTestId("key-contact-row");
    expect(lee?.textContent).toBe("UPM Lee");
    expect(within(lee!).queryByTestId("key-contact-phone")).toBeNull();
    expect(within(ola!).getByRole("link", { name: "555-0101" }).getAttribute("href")).toBe("tel:5550101");
    expect(screen.getByTestId("walkie-row").textContent).toBe("1Production");
    expect(screen.getByTestId("safety-notes").textContent).toBe("Wet deck");
  });
});
