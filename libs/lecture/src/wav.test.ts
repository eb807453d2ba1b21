import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { decodeWav, encodeWav, padToFrames, pcmSeconds, resample } from "./wav";

describe("wav", () => {
  it("round-trips PCM through a WAV file", () => {
    const pcm = Buffer.from(new Int16Array([0, 1000, -1000, 32767]).buffer);
    const wav = decodeWav(encodeWav(pcm, 24000));
    assert.equal(wav.sampleRate, 24000);
    assert.deepEqual(wav.pcm, pcm);
    assert.equal(pcmSeconds(pcm, 4), 1);
  });

  it("pads to whole AAC frames with silence, and leaves aligned audio alone", () => {
    const pcm = Buffer.from(new Int16Array(1500).fill(7).buffer);
    const padded = padToFrames(pcm);
    assert.equal(padded.length / 2, 2048);
    assert.deepEqual(padded.subarray(0, pcm.length), pcm);
    assert.ok(padded.subarray(pcm.length).every((b) => b === 0));
    const aligned = Buffer.alloc(2048 * 2);
    assert.equal(padToFrames(aligned).length, aligned.length);
  });

  it("resamples to the asked rate, keeping the duration", () => {
    const pcm = Buffer.alloc(22050 * 2);
    assert.equal(resample(pcm, 22050, 24000).length / 2, 24000);
  });
});
