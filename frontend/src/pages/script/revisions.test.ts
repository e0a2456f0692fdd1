import { describe, expect, it } from "vitest";
import { revisionColour } from "./revisions";

describe("revisionColour", () => {
  it("follows the WGA order after white and starts again as Second Blue", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 17].map(revisionColour)).toEqual(
      ["White", "Blue", "Pink", "Yellow", "Green", "Goldenrod", "Buff", "Salmon", "Cherry", "Second Blue", "Third Blue"]);
  });
});
