import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { AAC_FRAME_SAMPLES, aacFrameSamples, alignToAacFrames, isWholeAacFrames, padToFrames } from "./aac-frames";

const samples = (n: number, value = 7) => Buffer.from(new Int16Array(n).fill(value).buffer);

describe("AAC frames", () => {
  it("pads to whole AAC frames with silence, and leaves aligned audio alone", () => {
    const pcm = samples(1500);
    const padded = padToFrames(pcm);
    assert.equal(padded.length / 2, 2048);
    assert.deepEqual(padded.subarray(0, pcm.length), pcm);
    assert.ok(padded.subarray(pcm.length).every((b) => b === 0));
    const aligned = samples(2048);
    assert.deepEqual(padToFrames(aligned), aligned);
    assert.equal(aacFrameSamples(1), AAC_FRAME_SAMPLES);
    assert.equal(aacFrameSamples(3072), 3072);
  });

  it("aligns a slide's audio and gives the padded duration, keeping its other fields", () => {
    const aligned = alignToAacFrames({ pcm: samples(23_000), sampleRate: 24_000, voice: "en-GB" });
    assert.equal(aligned.audio.pcm.length / 2, 23 * 1024);
    assert.equal(aligned.audio.sampleRate, 24_000);
    assert.equal(aligned.audio.voice, "en-GB");
    assert.equal(aligned.durationSeconds, (23 * 1024) / 24_000);
  });

  it("knows whole AAC frames: none, a ragged end or an odd byte are not", () => {
    assert.ok(isWholeAacFrames(samples(1024)));
    assert.ok(isWholeAacFrames(padToFrames(samples(5000))));
    assert.ok(!isWholeAacFrames(Buffer.alloc(0)));
    assert.ok(!isWholeAacFrames(samples(1025)));
    assert.ok(!isWholeAacFrames(Buffer.alloc(2048 + 1)));
  });
});
