import { test } from "node:test";
import assert from "node:assert/strict";
import { clipFramesFilter, clipList, clipStills, concatList, stillsOnce, STILL_TICK_SECONDS } from "./concat-list";

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

test("clips are listed end to end with their exact lengths and no repeat", () => {
  assert.equal(
    clipList([
      { file: "clip-00000.ts", seconds: 2.56 },
      { file: "clip-00001.ts", seconds: 106496 / 24000 },
    ]),
    "ffconcat version 1.0\nfile 'clip-00000.ts'\nduration 2.560000\nfile 'clip-00001.ts'\nduration 4.437333\n",
  );
  assert.throws(() => clipList([]));
});

test("a clip's last still lends a tick so the video ends on time, and its first is shown again one and two ticks later", () => {
  const tick = STILL_TICK_SECONDS;
  const round = (stills: Array<{ png: string; seconds: number }>) => stills.map((s) => [s.png, Number(s.seconds.toFixed(6))]);
  const stills = [
    { png: "a", seconds: 1.5 },
    { png: "b", seconds: 2.5 },
  ];
  assert.deepEqual(round(clipStills(stills)), [
    ["a", tick],
    ["a", tick],
    ["a", 1.5 - 2 * tick],
    ["b", 2.5 - tick],
  ]);
  assert.equal(stills[1].seconds, 2.5, "the plan is left as it was");
  // One still lends to both ends; the frames still add up to the clip less the tick its repeat lasts.
  const one = clipStills([{ png: "a", seconds: 30 }]);
  assert.deepEqual(round(one), [
    ["a", tick],
    ["a", tick],
    ["a", 30 - 3 * tick],
  ]);
  const short = [{ png: "a", seconds: 0.05 }];
  assert.deepEqual(clipStills(short), short);
  assert.deepEqual(clipStills([]), []);
});

test("a clip's stills are listed once each; a filter shows them again and places every frame where the longer list put it", () => {
  assert.equal(stillsOnce([{ file: "frame-00000.png", seconds: 30 }]), "ffconcat version 1.0\nfile 'frame-00000.png'\nduration 30.000000\n");
  assert.throws(() => stillsOnce([]));
  // One still: its frame four times, at 0, one tick, two ticks and one tick before the end.
  assert.equal(
    clipFramesFilter([{ seconds: 30 }]),
    "loop=loop=3:size=1:start=0,setpts='round((0.000000*eq(N,0)+0.040000*eq(N,1)+0.080000*eq(N,2)+29.960000*eq(N,3))/TB)'",
  );
  // Two: the first three times, the second twice (its repeat), counted after the first's.
  assert.equal(
    clipFramesFilter([{ seconds: 1.5 }, { seconds: 2.5 }]),
    "loop=loop=2:size=1:start=0,loop=loop=1:size=1:start=3," +
      "setpts='round((0.000000*eq(N,0)+0.040000*eq(N,1)+0.080000*eq(N,2)+1.500000*eq(N,3)+3.960000*eq(N,4))/TB)'",
  );
  // Too short to lend ticks: shown once, then its repeat at the end.
  assert.equal(clipFramesFilter([{ seconds: 0.05 }]), "loop=loop=1:size=1:start=0,setpts='round((0.000000*eq(N,0)+0.050000*eq(N,1))/TB)'");
  assert.throws(() => clipFramesFilter([]));
});
