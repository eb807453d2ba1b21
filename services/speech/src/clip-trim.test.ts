import assert from "node:assert/strict";
import { test } from "node:test";
import { speechBounds, trimSilence } from "./clip";

test("with a level, quiet samples at the ends count as silence too", () => {
  const samples = Int16Array.from([0, 3, -20, 500, 0, 31, -900, 12, -32, 0]);
  assert.deepEqual(speechBounds(samples, 32), { start: 3, end: 7 });
  assert.deepEqual([...trimSilence(samples, 32)], [500, 0, 31, -900]);
  assert.deepEqual(speechBounds(samples), { start: 1, end: 9 });
  assert.deepEqual(speechBounds(Int16Array.from([5, -5]), 32), { start: 0, end: 0 });
});
