import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { narrationParts, PART_CHARS } from "./narration-parts";
import { stripTags } from "./prosody";
import { sentences } from "./sentences";

const sentence = (i: number) => `Sentence number ${i} tells the listener one more thing about how the tides rise and fall.`;
const NARRATION = `${[1, 2, 3, 4, 5].map(sentence).join(" ")}\n\n${[6, 7, 8].map(sentence).join(" ")}`;

describe("a slide's narration in parts", () => {
  it("the first part is the first sentence; the others hold PART_CHARS characters but the last; together they are the narration", () => {
    const parts = narrationParts(NARRATION, "en", true);
    assert.equal(parts[0].text, sentence(1));
    for (const part of parts.slice(1, -1)) assert.ok(part.text.length >= PART_CHARS, part.text);
    const said = parts.flatMap((p) => p.text.split("\n\n").flatMap((para) => sentences(para, "en")));
    assert.deepEqual(said, [1, 2, 3, 4, 5, 6, 7, 8].map(sentence));
  });

  it("says where each part ends: a sentence, a paragraph, or the slide", () => {
    const parts = narrationParts(NARRATION, "en", true);
    assert.equal(parts.at(-1)!.endsAt, "slide");
    const atParagraph = parts.find((p) => p.text.endsWith(sentence(5)));
    if (atParagraph) assert.equal(atParagraph.endsAt, "paragraph");
    assert.equal(parts[0].endsAt, "sentence");
    assert.ok(parts.some((p) => p.text.includes("\n\n")) || atParagraph, "the paragraph break is kept, inside a part or at its end");
  });

  it("a part is settled only when the next sentence has begun, and settled parts never change as the narration grows", () => {
    const whole = narrationParts(NARRATION, "en", true);
    const all = [1, 2, 3, 4, 5, 6, 7, 8].map(sentence);
    for (let n = 0; n <= all.length; n++) {
      const sofar = n <= 5 ? all.slice(0, n).join(" ") : `${all.slice(0, 5).join(" ")}\n\n${all.slice(5, n).join(" ")}`;
      const settled = narrationParts(sofar, "en", false);
      assert.deepEqual(settled, whole.slice(0, settled.length), `after ${n} sentences`);
      if (n === 1) assert.equal(settled.length, 0, "one sentence: its end is not known yet");
      if (n === 2) assert.equal(settled.length, 1, "the first sentence is settled once the second began");
    }
  });

  it("a part begins with the rate and pitch its narration left set before it", () => {
    const tagged = `[rate=-10] ${sentence(1)} ${sentence(2)} The [pitch=2] tides ${sentence(3)} ${sentence(4)} ${sentence(5)}`;
    const parts = narrationParts(tagged, "en", true);
    assert.equal(parts.length, 5, "each sentence is a part: each holds PART_CHARS");
    assert.match(parts[1].text, /^\[rate=-10%?\] Sentence number 2/);
    assert.match(parts[3].text, /^\[rate=-10%?\] \[pitch=\+?2(st)?\] Sentence number 4/);
    assert.deepEqual(parts.map((p) => stripTags(p.text)).join(" ").replace(/\s+/g, " "), stripTags(tagged).replace(/\s+/g, " "));
  });
});
