import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { cleanText, firstUnwritable, isInvisible, writableText } from "./text";

/** The XML 1.0 Char production, written out from the spec: what every output must be able to hold. */
const xmlChar = (cp: number) =>
  cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

describe("the text rule", () => {
  it("refuses exactly what XML 1.0 cannot hold, checked over every BMP code unit", () => {
    for (let cp = 0; cp <= 0xffff; cp++) {
      const found = firstUnwritable(`a${String.fromCharCode(cp)}b`);
      assert.equal(found === undefined, xmlChar(cp), `U+${cp.toString(16)}`);
    }
    // A surrogate pair is one character beyond the BMP, and fine; half of one is not.
    assert.equal(firstUnwritable("emoji 😀 and 𝄞"), undefined);
    assert.equal(firstUnwritable("half \uD83D here")?.description, "half of a surrogate pair U+D83D");
    assert.equal(firstUnwritable("\uDE00 first")?.index, 0);
  });

  it("says which character and where", () => {
    assert.deepEqual(firstUnwritable("Cells\u0001"), { index: 5, codePoint: 1, description: "a control character U+0001" });
    assert.equal(firstUnwritable("x\u000b")?.description, "a control character U+000B");
    assert.equal(firstUnwritable("\uFFFE")?.description, "the noncharacter U+FFFE");
    assert.equal(firstUnwritable("tab\tand\r\nbreaks"), undefined);
  });

  it("cleans text that is not the user's and counts what went", () => {
    assert.deepEqual(cleanText("a\u0000b\u0001c"), { text: "abc", removed: 2 });
    assert.deepEqual(cleanText("one\u000btwo\u000cthree"), { text: "one two three", removed: 2 });
    assert.deepEqual(cleanText("half \uD800 pair \uFFFF"), { text: "half  pair ", removed: 2 });
    assert.deepEqual(cleanText("fine 😀\ttext\n"), { text: "fine 😀\ttext\n", removed: 0 });
    for (let cp = 0; cp <= 0xffff; cp++) assert.equal(firstUnwritable(writableText(`x${String.fromCharCode(cp)}y`)), undefined);
  });

  it("knows a text that shows nothing", () => {
    for (const text of ["", "  ", "\u200b", "\u200b\u200d\u2060", "\u00ad", "\u00a0\u3000", "\u202e\u200f", "\ufe0f"]) {
      assert.ok(isInvisible(text), JSON.stringify(text));
    }
    for (const text of ["a", "\u200ba", "·", "😀", "\u0301x"]) assert.ok(!isInvisible(text), JSON.stringify(text));
  });
});
