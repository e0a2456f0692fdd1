import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeQueryClient } from "../../api/queryClient";
import type { Script } from "../../api/types";
import { ScriptDetails } from "./ScriptDetails";

const script: Script = {
  id: 3, production: 4, title: "Ascent", logline: "Two climbers.", genre: "Thriller", tone: "Hushed", genre_locked: false, tone_locked: false,
  numbering_locked: false, locked_version: null, locked_at: null, created_by: 1, version: 1, created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-01T10:00:00Z",
};

function shown() {
  render(
    <MantineProvider>
      <QueryClientProvider client={makeQueryClient()}><ScriptDetails script={script} canWrite /></QueryClientProvider>
    </MantineProvider>,
  );
}

// jsdom has no FontFaceSet; Mantine's autosizing Textarea listens to it for font loads.
if (!("fonts" in document)) {
  Object.defineProperty(document, "fonts", { value: { addEventListener() {}, removeEventListener() {}, ready: Promise.resolve() } });
}

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe("ScriptDetails: focus after the form is clean again", () => {
  it("Discard gives focus to the form, not to <body>", async () => {
    shown();
    fireEvent.change(screen.getByTestId("script-logline"), { target: { value: "Two climbers and a storm." } });
    const discard = screen.getByTestId("script-details-discard");
    discard.focus();
    fireEvent.click(discard);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("script-details")));
    expect((screen.getByTestId("script-logline") as HTMLTextAreaElement).value).toBe("Two climbers.");
  });

  it("a saved form gives focus back to the form once Save is disabled", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ ...script, logline: "Two climbers and a storm.", version: 2 }),
      { status: 200, headers: { "Content-Type": "application/json" } })));
    shown();
    fireEvent.change(screen.getByTestId("script-logline"), { target: { value: "Two climbers and a storm." } });
    const save = screen.getByTestId("script-details-save");
    save.focus();
    fireEvent.click(save);
    await waitFor(() => expect((save as HTMLButtonElement).disabled).toBe(true));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("script-details")));
  });
});
