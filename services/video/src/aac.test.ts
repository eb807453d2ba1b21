import { test } from "node:test";
import assert from "node:assert/strict";
import { AAC_RATES, clipSound, PRIMING_SAMPLES, SILENCE_PEAK } from "./aac";

const samples = (values: number[]) => Buffer.from(new Int16Array(values).buffer);

test("a clip's sound is its narration less the last AAC frame, which is reported when it is not silent", () => {
  const speech = Array.from({ length: 2048 }, (_, i) => (i < 1024 ? 5000 : i === 2000 ? -20000 : 0));
  const sound = clipSound(samples(speech));
  assert.equal(sound.pcm.length, 1024 * 2);
  assert.ok(sound.pcm.equals(samples(speech.slice(0, 1024))));
  assert.equal(sound.droppedPeak, 20000);
  assert.ok(sound.droppedPeak > SILENCE_PEAK);

  const paused = clipSound(samples([...Array(2048).fill(3000), ...Array(1024).fill(12)]));
  assert.equal(paused.pcm.length, 2048 * 2);
  assert.equal(paused.droppedPeak, 12);
  assert.ok(paused.droppedPeak <= SILENCE_PEAK);
});

test("the priming is one AAC frame, and the rates are the ones AAC defines", () => {
  assert.equal(PRIMING_SAMPLES, 1024);
  assert.ok(AAC_RATES.has(24000) && AAC_RATES.has(44100) && !AAC_RATES.has(10000));
});

test("a narration that is not two or more whole AAC frames is a programming error, not a clip", () => {
  assert.throws(() => clipSound(samples(Array(1024).fill(0))));
  assert.throws(() => clipSound(samples(Array(2047).fill(0))));
});
