import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { NarrationEnd, type SynthesizeResponse } from "@lectra/proto";
import { sentences, stripTags } from "@lectra/lecture";
import { joinSpoken, narrationParts, PART_CHARS, speakOneVoice } from "./narration-parts";

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
    assert.equal(parts.at(-1)!.endsAt, NarrationEnd.NARRATION_END_UNSPECIFIED);
    const atParagraph = parts.find((p) => p.text.endsWith(sentence(5)));
    if (atParagraph) assert.equal(atParagraph.endsAt, NarrationEnd.NARRATION_END_PARAGRAPH);
    assert.equal(parts[0].endsAt, NarrationEnd.NARRATION_END_SENTENCE);
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
    assert.equal(parts.length, 3);
    assert.match(parts[1].text, /^\[rate=-10%?\] Sentence number 2/);
    assert.match(parts[2].text, /^\[rate=-10%?\] \[pitch=\+?2(st)?\] Sentence number 4/);
    assert.deepEqual(parts.map((p) => stripTags(p.text)).join(" ").replace(/\s+/g, " "), stripTags(tagged).replace(/\s+/g, " "));
  });
});

describe("joining the spoken parts", () => {
  const spoken = (samples: number, value: number, engine = "espeak"): SynthesizeResponse => ({
    audio: { pcm: Buffer.from(new Int16Array(samples).fill(value).buffer), sampleRate: 24_000 },
    segments: [{ text: `part ${value}`, startSeconds: 0.1, endSeconds: samples / 24_000 - 0.1, pauseSeconds: 0.1, words: [{ word: "part", startSeconds: 0.1, endSeconds: 0.2 }] }],
    durationSeconds: samples / 24_000,
    engine,
    voice: "en-us",
    warnings: [`note ${value}`, "same"],
  });

  it("puts the parts' samples end to end and moves each segment and word to where its part begins", () => {
    const joined = joinSpoken([spoken(24_000, 1), spoken(12_000, 2)]);
    const pcm = new Int16Array(joined.audio!.pcm.buffer, joined.audio!.pcm.byteOffset, joined.audio!.pcm.length / 2);
    assert.equal(pcm[23_999], 1);
    assert.equal(pcm[24_000], 2);
    assert.equal(pcm[35_999], 2);
    assert.ok(pcm.length % 1024 === 0 && pcm.length >= 36_000, "padded to whole AAC frames");
    assert.ok(pcm.slice(36_000).every((v) => v === 0), "with silence");
    assert.equal(joined.durationSeconds, pcm.length / 24_000);
    assert.deepEqual(joined.segments.map((s) => s.startSeconds), [0.1, 1.1]);
    assert.deepEqual(joined.segments[1].words.map((w) => w.startSeconds), [1.1]);
    assert.deepEqual(joined.warnings, ["note 1", "same", "note 2"]);
  });

  it("parts in different voices cannot be joined as one", () => {
    assert.ok(speakOneVoice([spoken(100, 1), spoken(100, 2)]));
    assert.ok(!speakOneVoice([spoken(100, 1), spoken(100, 2, "edge")]));
  });
});
