import { describe, expect, it } from "vitest";
import { mergeText } from "./merge";

describe("mergeText", () => {
  it("takes the side that changed when the other did not", () => {
    expect(mergeText("Coat on", "Coat on, collar up", "Coat on")).toBe("Coat on, collar up");
    expect(mergeText("Coat on", "Coat on", "Coat off")).toBe("Coat off");
    expect(mergeText("a", "b", "b")).toBe("b");
  });

  it("keeps changes to different lines from both sides", () => {
    const base = "Jacket open\nCup in left hand\nHair behind ear\n";
    const mine = "Jacket closed\nCup in left hand\nHair behind ear\n";
    const theirs = "Jacket open\nCup in left hand\nHair behind right ear\n";
    expect(mergeText(base, mine, theirs)).toBe("Jacket closed\nCup in left hand\nHair behind right ear\n");
  });

  it("keeps both versions of a part both sides changed, mine first, and the common start and end once", () => {
    expect(mergeText("Take 3: good\nsoft focus\nend", "Take 3: good\nfocus buzzed\nend", "Take 3: good\nboom in frame\nend"))
      .toBe("Take 3: good\nfocus buzzed\nboom in frame\nend");
    expect(mergeText("Ring on the right hand", "Ring on the left hand", "Ring on the right hand, watch on")).toBe("Ring on the left hand, watch on");
  });

  it("keeps both texts when the original is unknown", () => {
    expect(mergeText(undefined, "Scarf loose", "Scarf tied")).toBe("Scarf loose Scarf tied");
    expect(mergeText(undefined, "Same", "Same")).toBe("Same");
  });

  it("joins two additions at the end of a line as a sentence (no space before punctuation)", () => {
    expect(mergeText("Clean", "Clean, boom shadow at the end", "Clean; focus soft on the turn")).toBe("Clean, boom shadow at the end; focus soft on the turn");
  });
});
