import { test } from "node:test";
import assert from "node:assert/strict";
import { concatList } from "./concat-list";

test("one entry per still with its duration, and the last still repeated so its duration counts", () => {
  assert.equal(
    concatList([
      { file: "frame-00000.png", seconds: 2.5 },
      { file: "frame-00001.png", seconds: 1 / 3 },
    ]),
    "ffconcat version 1.0\n" +
      "file 'frame-00000.png'\nduration 2.500000\n" +
      "file 'frame-00001.png'\nduration 0.333333\n" +
      "file 'frame-00001.png'\n",
  );
});

test("a quote in a file name is escaped the way ffconcat reads it", () => {
  assert.match(concatList([{ file: "it's.png", seconds: 1 }]), /^file 'it'\\''s\.png'$/m);
});

test("an empty list is refused", () => {
  assert.throws(() => concatList([]));
});
