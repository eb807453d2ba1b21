import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { SynthesizeResponse } from "@lectra/proto";
import { joinSpoken, speakOneVoice } from "./spoken-parts";

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
