import { test } from "node:test";
import assert from "node:assert/strict";
import { solidPng } from "@lectra/testing";
import { readPng } from "./png";

const png = solidPng(640, 360, [1, 2, 3]);
const problem = (data: Uint8Array) => (readPng(data) as { problem: string }).problem;

test("a whole PNG gives its size", () => {
  assert.deepEqual(readPng(png), { width: 640, height: 360 });
});

test("anything else says what is wrong", () => {
  assert.match(problem(Buffer.from("GIF89a")), /^is neither a PNG nor a JPEG \(it does not start with either signature\)$/);
  const jpegHeader = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 8, 0, 36, 0, 64, 1, 1, 0x11, 0]);
  assert.equal(problem(jpegHeader), "is image/jpeg; frames are image/png");
  const noIhdr = Buffer.concat([png.subarray(0, 8), Buffer.from([0, 0, 0, 0]), Buffer.from("IDAT"), Buffer.alloc(16)]);
  assert.equal(problem(noIhdr), "is not a PNG (its first chunk is not IHDR)");
  assert.match(problem(png.subarray(0, png.length - 30)), /^is cut short: its IDAT chunk at byte 33 runs past the end/);
  assert.equal(problem(png.subarray(0, png.length - 12)), "is cut short: it has no IEND chunk");
});
