// The outbox panel and the conflict choice as the person uses them: fix a refused change and send it again, discard,
// merge two texts. A real Outbox on fake-indexeddb, with a scripted server.
import "fake-indexeddb/auto";
import { MantineProvider } from "@mantine/core";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Take } from "../api/types";
import { ConflictChoice } from "./ConflictChoice";
import { openOutboxDb } from "./db";
import { Outbox } from "./outbox";
import { OutboxPanel } from "./OutboxPanel";
import { installOutbox, useOutbox } from "./runtime";
import { setOutboxPanel } from "./status";
import type { OutboxItem, ResolvedItem, SendResult } from "./types";
import { takeUpdate } from "./writes";

const take = { id: 9, production: 1, scene: 3, shot: 11, number: 2, notes: "Clean", timecode_in: "", version: 3 } as unknown as Take;
let n = 0;

async function outboxWith(answers: ((r: ResolvedItem) => SendResult)[]) {
  const sent: ResolvedItem[] = [];
  const box = new Outbox({
    db: () => openOutboxDb(`panel-test-${++n}`), isOnline: () => true, random: () => 0.5,
    send: async (r) => { sent.push(r); return (answers.shift() ?? ((x) => ({ outcome: "ok", data: { id: 9, ...x.body, version: 9 } })))(r); },
    timers: { set: () => 0, clear: () => undefined },
  });
  box.setUser(7);
  installOutbox(box);
  return { box, sent };
}

function Conflict() {
  const { items, box } = useOutbox();
  return <ConflictChoice item={items.find((i) => i.state === "conflict") ?? null} box={box} onClose={() => undefined} />;
}

const show = (ui: React.ReactNode) => render(<MantineProvider env="test">{ui}</MantineProvider>);

afterEach(() => { cleanup(); setOutboxPanel(false); });

describe("the outbox panel", () => {
  it("shows a refused change with the server's reason; the person fixes the field and it is sent again with a new key", async () => {
    const { box, sent } = await outboxWith([() => ({ outcome: "rejected",
      error: { status: 400, code: "invalid", message: "Invalid input.", fields: { timecode_in: "Frames must be below 24." } } })]);
    await box.enqueue(takeUpdate(take, { timecode_in: "01:00:00:30" }));
    await box.flush();
    setOutboxPanel(true);
    show(<OutboxPanel onChoose={() => undefined} />);

    expect((await screen.findByTestId("outbox-item-error")).textContent).toContain("Invalid input. timecode in: Frames must be below 24.");
    expect((screen.getByTestId("outbox-item-state")).textContent).toContain("Not saved");
    fireEvent.click(screen.getByTestId("outbox-fix"));
    fireEvent.change(screen.getByTestId("outbox-fix-timecode_in"), { target: { value: "01:00:00:23" } });
    fireEvent.click(screen.getByTestId("outbox-fix-send"));

    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]?.body).toEqual({ timecode_in: "01:00:00:23", version: 3 });
    expect(sent[1]?.item.key).not.toBe(sent[0]?.item.key);
    await waitFor(() => expect((screen.getByTestId("outbox-summary")).textContent).toContain("Everything you changed has been saved."));
  });

  it("discards only after the person confirms, naming what goes with it", async () => {
    const { box, sent } = await outboxWith([() => ({ outcome: "rejected", error: { status: 404, code: "not_found", message: "This take was deleted.", fields: {} } })]);
    await box.enqueue(takeUpdate(take, { notes: "Boom in" }));
    await box.flush();
    setOutboxPanel(true);
    show(<OutboxPanel onChoose={() => undefined} />);

    fireEvent.click(await screen.findByTestId("outbox-discard"));
    expect((screen.getByTestId("outbox-discard-confirm")).textContent).toContain("Discard this change?");
    expect(box.getSnapshot().items).toHaveLength(1);
    fireEvent.click(screen.getByTestId("outbox-discard-yes"));

    await waitFor(() => expect(box.getSnapshot().items).toEqual([]));
    expect(sent).toHaveLength(1);
  });
});

describe("the conflict choice", () => {
  it("shows both versions and keeps the merged text, sent on the server's version", async () => {
    const theirs = { ...take, notes: "Clean; focus soft on the turn", version: 5 };
    const { box, sent } = await outboxWith([() => ({ outcome: "conflict", theirs, error: { status: 409, code: "conflict", message: "changed", fields: {} } })]);
    await box.enqueue(takeUpdate(take, { notes: "Clean, boom shadow at the end" }));
    await box.flush();
    show(<Conflict />);

    expect((await screen.findByTestId("conflict-mine-notes")).textContent).toContain("Clean, boom shadow at the end");
    expect((screen.getByTestId("conflict-theirs-notes")).textContent).toContain("Clean; focus soft on the turn");
    fireEvent.click(screen.getByTestId("conflict-merge"));
    expect((screen.getByTestId("conflict-merged-notes") as HTMLTextAreaElement).value).toBe("Clean, boom shadow at the end; focus soft on the turn");
    fireEvent.click(screen.getByTestId("conflict-save-merged"));

    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]?.body).toEqual({ notes: "Clean, boom shadow at the end; focus soft on the turn", version: 5 });
    expect((box.getSnapshot().items as OutboxItem[])).toEqual([]);
  });
});
