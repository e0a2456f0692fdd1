import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ScrollRegion } from "./ScrollRegion";

/** A ResizeObserver whose callbacks the test runs (jsdom has none, and no layout). */
const observers: (() => void)[] = [];
class FakeResizeObserver {
  constructor(private readonly callback: () => void) { observers.push(() => this.callback()); }
  observe() {}
  disconnect() {}
}

function setSize(element: HTMLElement, scrollWidth: number, clientWidth: number) {
  Object.defineProperty(element, "scrollWidth", { configurable: true, value: scrollWidth });
  Object.defineProperty(element, "clientWidth", { configurable: true, value: clientWidth });
}

afterEach(() => { cleanup(); vi.unstubAllGlobals(); observers.length = 0; });

describe("ScrollRegion", () => {
  it("is a Tab stop and a named region only while its content overflows", () => {
    vi.stubGlobal("ResizeObserver", FakeResizeObserver);
    render(<ScrollRegion label="Day out of days" data-testid="scroller"><table><tbody><tr><td>SW</td></tr></tbody></table></ScrollRegion>);
    const scroller = screen.getByTestId("scroller");
    expect(scroller.getAttribute("tabindex")).toBeNull();
    expect(screen.queryByRole("region")).toBeNull();

    setSize(scroller, 1400, 800); // the window got narrower than the table
    act(() => observers.forEach((run) => run()));
    expect(scroller.getAttribute("tabindex")).toBe("0");
    expect(screen.getByRole("region", { name: "Day out of days" })).toBe(scroller);

    setSize(scroller, 800, 800);
    act(() => observers.forEach((run) => run()));
    expect(scroller.getAttribute("tabindex")).toBeNull();
  });

  it("stays a plain box where there is no ResizeObserver", () => {
    vi.stubGlobal("ResizeObserver", undefined);
    render(<ScrollRegion label="Scenes" data-testid="scroller">x</ScrollRegion>);
    expect(screen.getByTestId("scroller").getAttribute("tabindex")).toBeNull();
  });
});
