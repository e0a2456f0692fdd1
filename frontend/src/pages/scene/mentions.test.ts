import { describe, expect, it } from "vitest";
import { activeMention, insertMention, mentionedUsernames, splitMentions, suggestMembers } from "./mentions";

describe("mentions", () => {
  it("splits a body into text and mentions like the server does", () => {
    expect(splitMentions("ask @ana.ruiz, and @tom. thanks")).toEqual([
      { kind: "text", text: "ask " },
      { kind: "mention", text: "@ana.ruiz", username: "ana.ruiz" },
      { kind: "text", text: ", and " },
      { kind: "mention", text: "@tom", username: "tom" },
      { kind: "text", text: ". thanks" },
    ]);
  });

  it("ignores e-mail addresses and @@", () => {
    expect(mentionedUsernames("mail ana@example.com or @@tom")).toEqual([]);
  });

  it("only known members count when a set is given", () => {
    expect(mentionedUsernames("@ana @ghost @ana", new Set(["ana"]))).toEqual(["ana"]);
    expect(splitMentions("hi @ghost", new Set(["ana"]))).toEqual([{ kind: "text", text: "hi @ghost" }]);
  });

  it("finds the @word at the caret", () => {
    expect(activeMention("hello @an", 9)).toEqual({ start: 6, query: "an" });
    expect(activeMention("@", 1)).toEqual({ start: 0, query: "" });
    expect(activeMention("hello @an there", 15)).toBeNull();
    expect(activeMention("ana@ex", 6)).toBeNull();
    expect(activeMention("(@to", 4)).toEqual({ start: 1, query: "to" });
  });

  it("inserts the chosen username and puts the caret after it", () => {
    const text = "ping @an about it";
    const m = activeMention(text, 8)!;
    expect(insertMention(text, m, 8, "ana.ruiz")).toEqual({ text: "ping @ana.ruiz about it", caret: 15 });
    expect(insertMention("@", { start: 0, query: "" }, 1, "tom")).toEqual({ text: "@tom ", caret: 5 });
    // caret in the middle of a word: the rest of the word is replaced too
    expect(insertMention("@anxx more", { start: 0, query: "an" }, 3, "ana")).toEqual({ text: "@ana more", caret: 5 });
  });

  it("suggests usernames starting with the query first, then names containing it", () => {
    const members = [{ username: "tom", name: "Tom Ba" }, { username: "ana", name: "Ana Ruiz" }, { username: "bruiz", name: "Bea Ruiz" }];
    expect(suggestMembers(members, "").map((m) => m.username)).toEqual(["tom", "ana", "bruiz"]);
    expect(suggestMembers(members, "ruiz").map((m) => m.username)).toEqual(["ana", "bruiz"]);
    expect(suggestMembers(members, "b").map((m) => m.username)).toEqual(["bruiz", "tom"]);
    expect(suggestMembers(members, "", 1)).toHaveLength(1);
  });
});
