import { test } from "node:test";
import assert from "node:assert/strict";
import { solidPng } from "@lectra/testing";
import { readPng } from "./png";

const png = solidPng(640, 360, [1, 2, 3]);

test("a whole PNG gives its size", () => {
  assert.deepEqual(readPng(png), { width: 640, height: 360 });
});

test("anything else says what is wrong", () => {
  assert.match((readPng(Buffer.from("GIF89a")) as { problem: string }).problem, /signature/);
  const noIhdr = Buffer.concat([png.subarray(0, 8), Buffer.from([0, 0, 0, 0]), Buffer.from("IDAT"), Buffer.alloc(16)]);
  assert.match((readPng(noIhdr) as { problem: string }).problem, /IHDR/);
  assert.match((readPng(png.subarray(0, png.length - 30)) as { problem: string }).problem, /cut short: its IDAT chunk/);
  assert.match((readPng(png.subarray(0, png.length - 12)) as { problem: string }).problem, /no IEND/);
});
