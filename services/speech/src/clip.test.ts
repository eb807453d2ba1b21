import assert from "node:assert/strict";
import { test } from "node:test";
import { assembleNarration, pauseSamples, speechBounds, trimSilence } from "./clip";

const RATE = 24_000;
/** A clip of `n` samples, all `value` (non-zero stands for speech). */
const clip = (n: number, value = 1000) => ({ pcm: Buffer.from(new Int16Array(n).fill(value).buffer), words: [] });

test("segments follow each other: speech, then its pause, from the real sample counts", () => {
  const narration = assembleNarration(
    [
      { text: "One.", clip: clip(12_000), pauseAfterMs: 250 },
      { text: "Two.", clip: clip(36_000), pauseAfterMs: 0 },
      { text: "Three.", clip: clip(6_000), pauseAfterMs: 1500 },
    ],
    RATE,
  );
  assert.deepEqual(
    narration.segments.map((s) => [s.startSeconds, s.endSeconds, s.pauseSeconds]),
    [
      [0, 0.5, 0.25],
      [0.75, 2.25, 0],
      [2.25, 2.5, 1.5],
    ],
  );
  assert.equal(narration.durationSeconds, 4);
  assert.equal(narration.pcm.length, 4 * RATE * 2);
});

test("pauses are digital silence and speech is kept as it was", () => {
  const { pcm, segments } = assembleNarration(
    [
      { text: "a", clip: clip(100, 7), pauseAfterMs: 10 },
      { text: "b", clip: clip(50, -3), pauseAfterMs: 5 },
    ],
    RATE,
  );
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
  assert.equal(samples.length, 100 + 240 + 50 + 120);
  assert.ok(samples.subarray(0, 100).every((s) => s === 7));
  assert.ok(samples.subarray(100, 340).every((s) => s === 0));
  assert.ok(samples.subarray(340, 390).every((s) => s === -3));
  assert.ok(samples.subarray(390).every((s) => s === 0));
  assert.equal(segments[1].startSeconds, 340 / RATE);
});

test("a segment with no speech is a pure pause", () => {
  const narration = assembleNarration(
    [
      { text: "", clip: clip(0), pauseAfterMs: 500 },
      { text: "Hi.", clip: clip(2400), pauseAfterMs: 0 },
    ],
    RATE,
  );
  assert.deepEqual(narration.segments[0], { text: "", startSeconds: 0, endSeconds: 0, pauseSeconds: 0.5, words: [] });
  assert.equal(narration.segments[1].startSeconds, 0.5);
  assert.equal(narration.durationSeconds, 0.6);
});

test("word timings move with their segment", () => {
  const words = [{ word: "two", startSeconds: 0.1, endSeconds: 0.4 }];
  const narration = assembleNarration(
    [
      { text: "One.", clip: clip(24_000), pauseAfterMs: 500 },
      { text: "Two.", clip: { ...clip(12_000), words }, pauseAfterMs: 0 },
    ],
    RATE,
  );
  assert.deepEqual(narration.segments[1].words, [{ word: "two", startSeconds: 1.6, endSeconds: 1.9 }]);
});

test("a clip that is not whole 16-bit samples is refused", () => {
  assert.throws(() => assembleNarration([{ text: "x", clip: { pcm: Buffer.alloc(3), words: [] }, pauseAfterMs: 0 }], RATE), /not whole 16-bit samples/);
});

test("pause lengths round to whole samples and never go negative", () => {
  assert.equal(pauseSamples(350, 24_000), 8400);
  assert.equal(pauseSamples(1, 22_050), 22);
  assert.equal(pauseSamples(-5, 24_000), 0);
});

test("trimSilence drops exact zeros at both ends only", () => {
  assert.deepEqual([...trimSilence(Int16Array.from([0, 0, 3, 0, -2, 0]))], [3, 0, -2]);
  assert.deepEqual([...trimSilence(Int16Array.from([5]))], [5]);
  assert.equal(trimSilence(Int16Array.from([0, 0, 0])).length, 0);
  assert.equal(trimSilence(new Int16Array(0)).length, 0);
});

test("with a level, quiet samples at the ends count as silence too", () => {
  const samples = Int16Array.from([0, 3, -20, 500, 0, 31, -900, 12, -32, 0]);
  assert.deepEqual(speechBounds(samples, 32), { start: 3, end: 7 });
  assert.deepEqual([...trimSilence(samples, 32)], [500, 0, 31, -900]);
  assert.deepEqual(speechBounds(samples), { start: 1, end: 9 });
  assert.deepEqual(speechBounds(Int16Array.from([5, -5]), 32), { start: 0, end: 0 });
});
