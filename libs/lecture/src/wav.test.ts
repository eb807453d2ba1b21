import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { decodeWav, encodeWav, pcmSeconds, resample } from "./wav";

describe("wav", () => {
  it("round-trips PCM through a WAV file", () => {
    const pcm = Buffer.from(new Int16Array([0, 1000, -1000, 32767]).buffer);
    const wav = decodeWav(encodeWav(pcm, 24000));
    assert.equal(wav.sampleRate, 24000);
    assert.deepEqual(wav.pcm, pcm);
    assert.equal(pcmSeconds(pcm, 4), 1);
  });

  it("resamples to the asked rate, keeping the duration", () => {
    const pcm = Buffer.alloc(22050 * 2);
    assert.equal(resample(pcm, 22050, 24000).length / 2, 24000);
  });
});
